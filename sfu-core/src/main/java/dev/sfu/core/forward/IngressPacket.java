package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;

/**
 * One received RTP packet on its way through the receive stages: a view of the bytes (never
 * copied, except to undo RTX) and what the stages learned about it. Parsed once by
 * {@link StreamResolver}; every later stage and every subscriber's {@link DownTrack} reads these
 * fields instead of the header again. One instance per endpoint, reused for every packet on
 * that endpoint's executor.
 */
final class IngressPacket {
    byte[] buf;
    int off;
    int len;
    int headerLength;
    long ssrc;
    int sequence;
    long timestamp;
    int payloadType;
    long now;
    /** The track and the layer the packet belongs to (set by {@link StreamResolver}). */
    UpTrack track;
    SimulcastLayer layer;
    /** True once {@link RtxDecoder} restored the original packet from RTX. */
    boolean repaired;
    /** True when the packet starts a keyframe (set by {@link KeyframeDetector}). */
    boolean keyframe;

    /** Points the view at new bytes and forgets what was learned about the last packet. */
    void wrap(byte[] buf, int off, int len, long now) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.now = now;
        headerLength = -1;
        track = null;
        layer = null;
        repaired = false;
        keyframe = false;
    }

    /** Reads the header fields once the header is known to be valid. */
    void parseHeader(int headerLength) {
        this.headerLength = headerLength;
        ssrc = Integer.toUnsignedLong(RtpPacket.ssrc(buf, off));
        sequence = RtpPacket.sequenceNumber(buf, off);
        timestamp = RtpPacket.timestamp(buf, off);
        payloadType = RtpPacket.payloadType(buf, off);
    }

    int payloadOffset() {
        return off + headerLength;
    }

    int payloadLength() {
        return RtpPacket.payloadLength(buf, off, len, headerLength);
    }
}
