package dev.sfu.bench.loadtest;

import dev.sfu.rtp.ext.AbsSendTimeExtension;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.RtpPacket;

import java.nio.charset.StandardCharsets;

/**
 * The RTP header extensions a synthetic publisher writes on one stream, as a browser does
 * (RFC 8285 one-byte form): sdes:mid (RFC 8843), abs-send-time and transport-wide sequence
 * numbers. Ids are those of the publisher's own offer; -1 leaves an element out.
 *
 * <pre>
 * 0xBEDE | length | mid (id, L, bytes) | abs-send-time (id, L=2, 3 bytes) | tcc (id, L=1, 2 bytes) | pad
 * </pre>
 */
public record HeaderExtensionIds(int midId, int absSendTimeId, int transportCcId) {
    /** The ids the load tester offers: 1 mid, 2 abs-send-time, 3 transport-cc. */
    public static final HeaderExtensionIds DEFAULT = new HeaderExtensionIds(1, 2, 3);

    /**
     * Writes the fixed header and the extension block at {@code off}.
     *
     * @return the header length (payload offset relative to {@code off})
     */
    public int writeHeader(byte[] b, int off, boolean marker, int payloadType, int seq, long timestamp, int ssrc,
                           byte[] mid, long nowNanos, int transportSeq) {
        RtpPacket.writeHeader(b, off, marker, payloadType, seq, timestamp, ssrc);
        if (midId < 0 && absSendTimeId < 0 && transportCcId < 0) {
            return RtpPacket.FIXED_HEADER_LENGTH;
        }
        b[off] |= 0x10;
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH;
        int at = ext + 4;
        if (midId > 0 && mid.length > 0) {
            b[at++] = (byte) ((midId << 4) | (mid.length - 1));
            System.arraycopy(mid, 0, b, at, mid.length);
            at += mid.length;
        }
        if (absSendTimeId > 0) {
            b[at++] = (byte) ((absSendTimeId << 4) | (AbsSendTimeExtension.DATA_LENGTH - 1));
            AbsSendTimeExtension.write(b, at, AbsSendTimeExtension.fromNanos(nowNanos));
            at += AbsSendTimeExtension.DATA_LENGTH;
        }
        if (transportCcId > 0) {
            b[at++] = (byte) ((transportCcId << 4) | (TransportCcExtension.DATA_LENGTH - 1));
            TransportCcExtension.write(b, at, transportSeq);
            at += TransportCcExtension.DATA_LENGTH;
        }
        while (((at - ext) & 3) != 0) {
            b[at++] = 0;
        }
        int words = (at - ext - 4) / 4;
        b[ext] = (byte) 0xBE;
        b[ext + 1] = (byte) 0xDE;
        b[ext + 2] = (byte) (words >>> 8);
        b[ext + 3] = (byte) words;
        return at - off;
    }

    /** The header length {@link #writeHeader} produces for this mid. */
    public int headerLength(byte[] mid) {
        if (midId < 0 && absSendTimeId < 0 && transportCcId < 0) {
            return RtpPacket.FIXED_HEADER_LENGTH;
        }
        int n = 0;
        if (midId > 0 && mid.length > 0) {
            n += 1 + mid.length;
        }
        if (absSendTimeId > 0) {
            n += 1 + AbsSendTimeExtension.DATA_LENGTH;
        }
        if (transportCcId > 0) {
            n += 1 + TransportCcExtension.DATA_LENGTH;
        }
        return RtpPacket.FIXED_HEADER_LENGTH + 4 + ((n + 3) & ~3);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
