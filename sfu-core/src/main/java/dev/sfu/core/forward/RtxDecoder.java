package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;

/**
 * Restores the original packet from an RTX packet (RFC 4588 section 4): the original sequence
 * number (OSN) leads the RTX payload; the packet takes back its layer's media SSRC and the
 * payload type the RTX payload type repairs ({@code apt}). The restored packet is written into
 * the endpoint's ingress buffer and the {@link IngressPacket} points there from then on. An RTX
 * packet too short for an OSN is padding (bandwidth probing) and is dropped.
 */
final class RtxDecoder {
    /** The original sequence number that leads an RTX payload (RFC 4588 section 4). */
    static final int OSN_LENGTH = 2;

    private final StageCounters counters;
    private final byte[] scratch;

    /** @param scratch the endpoint's ingress buffer, owned by its executor */
    RtxDecoder(StageCounters counters, byte[] scratch) {
        this.counters = counters;
        this.scratch = scratch;
    }

    /** Returns false when the packet was dropped (and counted); a media packet passes untouched. */
    boolean decode(IngressPacket p) {
        SimulcastLayer l = p.layer;
        if (p.ssrc != l.rtxSsrc || p.ssrc == l.ssrc) {
            return true;
        }
        counters.in();
        int h = p.headerLength;
        int payload = p.payloadLength();
        if (payload < OSN_LENGTH) {
            return counters.drop(DropReason.RTX_PADDING);
        }
        int apt = p.track.rtxToPrimary[p.payloadType];
        if (apt < 0 || l.ssrc < 0) {
            return counters.drop(DropReason.MALFORMED);
        }
        byte[] buf = p.buf;
        int off = p.off;
        byte[] in = scratch;
        System.arraycopy(buf, off, in, 0, h);
        int osn = ((buf[off + h] & 0xFF) << 8) | (buf[off + h + 1] & 0xFF);
        System.arraycopy(buf, off + h + OSN_LENGTH, in, h, p.len - h - OSN_LENGTH);
        RtpPacket.setSequenceNumber(in, 0, osn);
        RtpPacket.setSsrc(in, 0, (int) l.ssrc);
        RtpPacket.setPayloadType(in, 0, apt);
        p.buf = in;
        p.off = 0;
        p.len -= OSN_LENGTH;
        p.ssrc = l.ssrc;
        p.sequence = osn;
        p.payloadType = apt;
        p.repaired = true;
        counters.out();
        return true;
    }
}
