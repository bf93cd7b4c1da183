package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Receiver estimated maximum bitrate, draft-alvestrand-rmcat-remb-03 section 2.2: application
 * layer feedback (PT 206, FMT 15) starting with the ASCII identifier "REMB". The bitrate in
 * bits per second is {@code mantissa * 2^exp}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |  (Num SSRC times)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RembPacket extends RtcpFeedback {
    /** Size of a REMB without SSRCs. */
    public static final int MIN_SIZE = HEADER_SIZE + 8;
    private static final int MAX_MANTISSA = (1 << 18) - 1;

    /** Binds the view to the REMB at {@code off}; false unless "REMB" is there and the SSRC list fits. */
    public boolean wrap(byte[] buf, int off, int len) {
        if (!wrapHeader(buf, off, len, RtcpHeader.PT_PSFB, FMT_AFB, MIN_SIZE)) {
            return false;
        }
        int p = off + HEADER_SIZE;
        if (buf[p] != 'R' || buf[p + 1] != 'E' || buf[p + 2] != 'M' || buf[p + 3] != 'B') {
            return fail();
        }
        if (MIN_SIZE + 4 * ssrcCount() > unpaddedLength()) {
            return fail();
        }
        return true;
    }

    /** Number of SSRCs the estimate applies to. */
    public int ssrcCount() {
        return Bytes.u8(buf, off + HEADER_SIZE + 4);
    }

    /** SSRC {@code i} of the feedback list. */
    public long ssrc(int i) {
        return Bytes.u32(buf, off + MIN_SIZE + 4 * i);
    }

    /** The 6-bit exponent. */
    public int exponent() {
        return Bytes.u8(buf, off + HEADER_SIZE + 5) >>> 2;
    }

    /** The 18-bit mantissa. */
    public int mantissa() {
        return Bytes.u24(buf, off + HEADER_SIZE + 5) & MAX_MANTISSA;
    }

    /** The estimate in bits per second, saturated at {@link Long#MAX_VALUE}. */
    public long bitrate() {
        long mantissa = mantissa();
        int exp = exponent();
        if (mantissa != 0 && exp >= Long.numberOfLeadingZeros(mantissa)) {
            return Long.MAX_VALUE;
        }
        return mantissa << exp;
    }

    /**
     * Writes a REMB. The bitrate is rounded down to the nearest value an 18-bit mantissa can
     * carry.
     *
     * @param bitrate bits per second, at least 0
     * @param count   number of SSRCs taken from {@code ssrcs}, 0-255
     * @return the packet length, or -1 when it does not fit or an argument is out of range
     */
    public static int write(byte[] buf, int off, int room, long senderSsrc, long bitrate, long[] ssrcs, int count) {
        if (bitrate < 0 || count < 0 || count > 255 || ssrcs.length < count) {
            return -1;
        }
        int length = MIN_SIZE + 4 * count;
        if (writeHeader(buf, off, room, RtcpHeader.PT_PSFB, FMT_AFB, length, senderSsrc, 0) < 0) {
            return -1;
        }
        int exp = 0;
        while ((bitrate >>> exp) > MAX_MANTISSA) {
            exp++;
        }
        int mantissa = (int) (bitrate >>> exp);
        int p = off + HEADER_SIZE;
        buf[p] = 'R';
        buf[p + 1] = 'E';
        buf[p + 2] = 'M';
        buf[p + 3] = 'B';
        buf[p + 4] = (byte) count;
        Bytes.put24(buf, p + 5, (exp << 18) | mantissa);
        for (int i = 0; i < count; i++) {
            Bytes.put32(buf, off + MIN_SIZE + 4 * i, ssrcs[i]);
        }
        return length;
    }
}
