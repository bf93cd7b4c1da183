package dev.sfu.core.forward;

import java.nio.charset.StandardCharsets;

/**
 * Writes the RTCP packets the server originates (RFC 3550 section 6.4, RFC 4585 section 6,
 * RFC 5104 section 4.3.1, draft-alvestrand-rmcat-remb). Each method writes at {@code at} and
 * returns the number of bytes written. Temporary home until the rtp module's RTCP builders are
 * merged.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |        length (words - 1)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtcpWriter {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int RTPFB = 205;
    public static final int PSFB = 206;
    public static final int FMT_NACK = 1;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    public static final int FMT_AFB = 15;
    public static final int REPORT_BLOCK_LENGTH = 24;

    private RtcpWriter() {
    }

    /** The common header; {@code length} is the total packet length in bytes. */
    public static void header(byte[] b, int at, int countOrFmt, int pt, int length) {
        b[at] = (byte) (0x80 | (countOrFmt & 0x1F));
        b[at + 1] = (byte) pt;
        Rtp.put16(b, at + 2, length / 4 - 1);
    }

    /**
     * A receiver report header for {@code blocks} report blocks that the caller writes right
     * after the returned 8 bytes.
     */
    public static int receiverReportHeader(byte[] b, int at, long senderSsrc, int blocks) {
        header(b, at, blocks, RR, 8 + blocks * REPORT_BLOCK_LENGTH);
        Rtp.put32(b, at + 4, senderSsrc);
        return 8;
    }

    /** A sender report without report blocks (28 bytes). */
    public static int senderReport(byte[] b, int at, long ssrc, long ntpSeconds, long ntpFraction,
                                   long rtpTimestamp, long packetCount, long octetCount) {
        header(b, at, 0, SR, 28);
        Rtp.put32(b, at + 4, ssrc);
        Rtp.put32(b, at + 8, ntpSeconds);
        Rtp.put32(b, at + 12, ntpFraction);
        Rtp.put32(b, at + 16, rtpTimestamp);
        Rtp.put32(b, at + 20, packetCount);
        Rtp.put32(b, at + 24, octetCount);
        return 28;
    }

    /** An SDES packet with one chunk holding a CNAME item (RFC 3550 section 6.5.1). */
    public static int sdesCname(byte[] b, int at, long ssrc, byte[] cname) {
        int textLen = Math.min(cname.length, 255);
        int chunk = 4 + 2 + textLen;
        int padded = (chunk + 1 + 3) & ~3; // At least one null octet ends the item list.
        int length = 4 + padded;
        header(b, at, 1, SDES, length);
        Rtp.put32(b, at + 4, ssrc);
        b[at + 8] = 1;
        b[at + 9] = (byte) textLen;
        System.arraycopy(cname, 0, b, at + 10, textLen);
        for (int i = at + 10 + textLen; i < at + length; i++) {
            b[i] = 0;
        }
        return length;
    }

    public static byte[] cnameBytes(String cname) {
        return cname.getBytes(StandardCharsets.UTF_8);
    }

    /** A Picture Loss Indication (RFC 4585 section 6.3.1), 12 bytes. */
    public static int pli(byte[] b, int at, long senderSsrc, long mediaSsrc) {
        header(b, at, FMT_PLI, PSFB, 12);
        Rtp.put32(b, at + 4, senderSsrc);
        Rtp.put32(b, at + 8, mediaSsrc);
        return 12;
    }

    /**
     * A generic NACK (RFC 4585 section 6.2.1) for {@code count} consecutive sequence numbers
     * starting at {@code firstSeq}, packed into PID/BLP pairs; at most 17 * 8 numbers.
     */
    public static int nack(byte[] b, int at, long senderSsrc, long mediaSsrc, int firstSeq, int count) {
        int n = Math.min(count, 17 * 8);
        int items = 0;
        int i = 0;
        int p = at + 12;
        while (i < n) {
            int pid = (firstSeq + i) & 0xFFFF;
            int blp = 0;
            int j = 1;
            for (; j <= 16 && i + j < n; j++) {
                blp |= 1 << (j - 1);
            }
            Rtp.put16(b, p, pid);
            Rtp.put16(b, p + 2, blp);
            p += 4;
            items++;
            i += j;
        }
        int length = 12 + 4 * items;
        header(b, at, FMT_NACK, RTPFB, length);
        Rtp.put32(b, at + 4, senderSsrc);
        Rtp.put32(b, at + 8, mediaSsrc);
        return length;
    }

    /**
     * A Receiver Estimated Maximum Bitrate message (draft-alvestrand-rmcat-remb section 2.2):
     * 'R' 'E' 'M' 'B', number of SSRCs, BR exponent (6 bits), mantissa (18 bits), SSRCs.
     */
    public static int remb(byte[] b, int at, long senderSsrc, long bitrate, long[] ssrcs, int count) {
        int length = 20 + 4 * count;
        header(b, at, FMT_AFB, PSFB, length);
        Rtp.put32(b, at + 4, senderSsrc);
        Rtp.put32(b, at + 8, 0);
        b[at + 12] = 'R';
        b[at + 13] = 'E';
        b[at + 14] = 'M';
        b[at + 15] = 'B';
        int exp = 0;
        long mantissa = Math.max(0, bitrate);
        while (mantissa > 0x3FFFF) {
            mantissa >>>= 1;
            exp++;
        }
        b[at + 16] = (byte) count;
        b[at + 17] = (byte) ((exp << 2) | (mantissa >>> 16));
        Rtp.put16(b, at + 18, (int) (mantissa & 0xFFFF));
        for (int i = 0; i < count; i++) {
            Rtp.put32(b, at + 20 + 4 * i, ssrcs[i]);
        }
        return length;
    }
}
