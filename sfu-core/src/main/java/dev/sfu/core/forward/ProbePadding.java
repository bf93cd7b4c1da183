package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;

/**
 * Padding-only RTP packets, the bytes a bandwidth probe is made of: a fixed header with the
 * P bit set, no payload, and {@link #PADDING_LENGTH} bytes of padding whose last byte counts
 * them all, itself included (RFC 3550 section 5.1). Sent on a video track's RTX SSRC with its
 * RTX payload type, as libwebrtc does ({@code RTPSender::GeneratePadding}): a receiver counts
 * them for transport-wide feedback and discards them, since an RTX packet without an original
 * sequence number repairs nothing (RFC 4588 section 4; our own {@link RtxDecoder} drops them as
 * {@link DropReason#RTX_PADDING}).
 */
final class ProbePadding {
    /** The most one padding count byte can express (RFC 3550 section 5.1). */
    static final int PADDING_LENGTH = 255;

    private ProbePadding() {
    }

    /**
     * Writes one padding packet at offset 0 of {@code b}; its RTX sequence number and the
     * transport-wide sequence number are set when it is sent.
     *
     * @return its length
     */
    static int write(byte[] b, int payloadType, long timestamp, long ssrc) {
        int h = RtpPacket.writeHeader(b, 0, false, payloadType, 0, timestamp, (int) ssrc);
        b[0] |= 0x20;
        java.util.Arrays.fill(b, h, h + PADDING_LENGTH - 1, (byte) 0);
        b[h + PADDING_LENGTH - 1] = (byte) PADDING_LENGTH;
        return h + PADDING_LENGTH;
    }
}
