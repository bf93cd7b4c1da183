package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Walks the RTCP packets of a compound packet, RFC 3550 section 6.1, after checking the whole
 * compound the way RFC 3550 appendix A.2 suggests: every packet has version 2, every length
 * field stays inside the datagram, and the packets tile it exactly. The first packet must be a
 * sender or receiver report, except for reduced-size RTCP (RFC 5506 section 3.4.2), which this
 * iterator accepts when the first packet is a feedback message (PT 205 or 206).
 *
 * <p>Padding is accepted on any packet with a consistent count, since browsers pad each
 * transport-cc message they batch. Reusable: call {@link #reset} per datagram, then
 * {@link #next} until it returns false.
 *
 * <pre>{@code
 * if (!it.reset(buf, off, len)) { drops.count(it.failure()); return; }
 * while (it.next()) {
 *     switch (it.packetType()) { case RtcpHeader.PT_RTPFB -> nack.wrap(buf, it.packetOffset(), it.packetLength()) ... }
 * }
 * }</pre>
 */
public final class RtcpCompoundIterator {
    /** Why {@link #reset} rejected a datagram. */
    public enum Failure {
        /** The datagram was accepted. */
        NONE,
        /** No room for even one header, or a header cut off by the end of the datagram. */
        TRUNCATED,
        /** A packet's version field is not 2. */
        BAD_VERSION,
        /** A length field points past the end of the datagram. */
        LENGTH_OVERRUN,
        /** A P bit whose padding count is zero or larger than the packet. */
        BAD_PADDING,
        /** The first packet is neither SR/RR (RFC 3550) nor feedback (RFC 5506). */
        BAD_FIRST_PACKET
    }

    private byte[] buf;
    private int start;
    private int limit;
    private int next;
    private int current = -1;
    private int currentLength;
    private int packets;
    private boolean reducedSize;
    private Failure failure = Failure.NONE;

    /**
     * Checks the datagram {@code (buf, off, len)} and positions the iterator before its first
     * packet.
     *
     * @return false when the datagram is not valid RTCP; {@link #failure()} says why, and
     *         {@link #next()} then returns false
     */
    public boolean reset(byte[] buf, int off, int len) {
        this.buf = null;
        this.current = -1;
        this.currentLength = 0;
        this.packets = 0;
        this.reducedSize = false;
        if (!Bytes.window(buf, off, len) || len < RtcpHeader.SIZE) {
            return fail(Failure.TRUNCATED);
        }
        int end = off + len;
        int pos = off;
        int count = 0;
        while (pos < end) {
            int remaining = end - pos;
            if (remaining < RtcpHeader.SIZE) {
                return fail(Failure.TRUNCATED);
            }
            if (RtcpHeader.version(buf, pos) != RtcpHeader.VERSION) {
                return fail(Failure.BAD_VERSION);
            }
            int packetLength = RtcpHeader.packetLength(buf, pos);
            if (packetLength > remaining) {
                return fail(Failure.LENGTH_OVERRUN);
            }
            if (RtcpHeader.validLength(buf, pos, remaining) != packetLength) {
                return fail(Failure.BAD_PADDING);
            }
            // packetLength is at least 4 by construction of the length field, so pos always advances.
            pos += packetLength;
            count++;
        }
        int firstType = RtcpHeader.packetType(buf, off);
        if (firstType != RtcpHeader.PT_SR && firstType != RtcpHeader.PT_RR) {
            if (firstType != RtcpHeader.PT_RTPFB && firstType != RtcpHeader.PT_PSFB) {
                return fail(Failure.BAD_FIRST_PACKET);
            }
            reducedSize = true;
        }
        this.buf = buf;
        this.start = off;
        this.limit = end;
        this.next = off;
        this.packets = count;
        this.failure = Failure.NONE;
        return true;
    }

    private boolean fail(Failure why) {
        failure = why;
        return false;
    }

    /** Why the last {@link #reset} failed, or {@link Failure#NONE}. */
    public Failure failure() {
        return failure;
    }

    /** True when the accepted datagram is reduced-size RTCP (RFC 5506): it starts with feedback. */
    public boolean isReducedSize() {
        return reducedSize;
    }

    /** Number of packets in the accepted datagram. */
    public int packetCount() {
        return packets;
    }

    /** Moves to the next packet; false when there is none (or the datagram was rejected). */
    public boolean next() {
        if (buf == null || next >= limit) {
            current = -1;
            currentLength = 0;
            return false;
        }
        current = next;
        currentLength = RtcpHeader.packetLength(buf, current);
        next = current + currentLength;
        return true;
    }

    /** Rewinds to before the first packet of the accepted datagram. */
    public void rewind() {
        next = start;
        current = -1;
        currentLength = 0;
    }

    /** The datagram's array. */
    public byte[] buffer() {
        return buf;
    }

    /** Offset of the current packet's header. */
    public int packetOffset() {
        return current;
    }

    /** Length of the current packet in bytes, padding included. */
    public int packetLength() {
        return currentLength;
    }

    /** PT of the current packet. */
    public int packetType() {
        return RtcpHeader.packetType(buf, current);
    }

    /** RC, SC or FMT of the current packet. */
    public int count() {
        return RtcpHeader.count(buf, current);
    }
}
