package dev.sfu.rtp.rtcp;

/**
 * Base of the reusable RTCP packet views. A view wraps one RTCP packet inside a caller's
 * {@code (buf, off, len)} window without copying; {@code wrap} checks the bytes and returns
 * false when they are not a packet of the view's kind. Accessors are only meaningful after a
 * {@code wrap} that returned true, and then only read bytes that {@code wrap} checked.
 *
 * <p>A view is not thread-safe; keep one per thread (or per processing stage) and rewrap it.
 */
public abstract class RtcpView {
    byte[] buf;
    int off;
    /** Packet length from the header, padding included. */
    int len;
    /** Offset just past the last payload byte: padding excluded. */
    int end;

    RtcpView() {
    }

    /**
     * Checks the common header and binds the view to the packet.
     *
     * @param packetType required PT
     * @param fmt        required RC/FMT value, or -1 for any
     * @param minLength  smallest acceptable packet length in bytes, header included
     */
    final boolean wrapHeader(byte[] b, int o, int l, int packetType, int fmt, int minLength) {
        clear();
        int packetLength = RtcpHeader.validLength(b, o, l);
        if (packetLength < 0 || RtcpHeader.packetType(b, o) != packetType
                || (fmt >= 0 && RtcpHeader.count(b, o) != fmt)) {
            return false;
        }
        int payloadEnd = o + packetLength - RtcpHeader.paddingLength(b, o);
        if (payloadEnd - o < minLength) {
            return false;
        }
        this.buf = b;
        this.off = o;
        this.len = packetLength;
        this.end = payloadEnd;
        return true;
    }

    final boolean fail() {
        clear();
        return false;
    }

    final void clear() {
        buf = null;
        off = 0;
        len = 0;
        end = 0;
    }

    /** The wrapped array, or null when the last wrap failed. */
    public final byte[] buffer() {
        return buf;
    }

    /** Offset of the packet's first header byte. */
    public final int offset() {
        return off;
    }

    /** The packet length the header declares, padding included. */
    public final int length() {
        return len;
    }

    /** The packet length without its trailing padding. */
    public final int unpaddedLength() {
        return end - off;
    }

    /** The RC, SC or FMT field. */
    public final int count() {
        return RtcpHeader.count(buf, off);
    }
}
