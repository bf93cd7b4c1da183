package dev.sfu.bench.loadtest;

import dev.sfu.rtp.ext.AbsSendTimeExtension;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.RtpPacket;

import java.nio.charset.StandardCharsets;

/**
 * The RTP header extensions a synthetic publisher writes on one stream, as a browser does
 * (RFC 8285 one-byte form): sdes:mid (RFC 8843), sdes:rtp-stream-id on a simulcast layer or
 * sdes:repaired-rtp-stream-id on its RTX (RFC 8852), abs-send-time and transport-wide sequence
 * numbers, and on audio the RFC 6464 audio level. Ids are those of the publisher's own offer; -1
 * leaves an element out, and so does an empty mid or rid.
 *
 * <pre>
 * 0xBEDE | length | mid (id, L, bytes) | rid or rrid (id, L, bytes) | abs-send-time (id, L=2, 3 bytes)
 *        | tcc (id, L=1, 2 bytes) | audio level (id, L=0, 1 byte) | pad
 * </pre>
 */
public record HeaderExtensionIds(int midId, int absSendTimeId, int transportCcId, int ridId, int repairedRidId,
                                 int audioLevelId) {
    /** The ids the load tester offers: 1 mid, 2 abs-send-time, 3 transport-cc, no rid. */
    public static final HeaderExtensionIds DEFAULT = new HeaderExtensionIds(1, 2, 3);
    /** Leaves out the mid or rid element. */
    public static final byte[] NONE = new byte[0];

    /** Ids without the rid extensions (a publisher that does not offer simulcast). */
    public HeaderExtensionIds(int midId, int absSendTimeId, int transportCcId) {
        this(midId, absSendTimeId, transportCcId, -1, -1, -1);
    }

    /** Ids without the audio level extension. */
    public HeaderExtensionIds(int midId, int absSendTimeId, int transportCcId, int ridId, int repairedRidId) {
        this(midId, absSendTimeId, transportCcId, ridId, repairedRidId, -1);
    }

    /** No audio level element ({@link #writeHeader} with a level of -1). */
    public static final int NO_LEVEL = -1;

    /**
     * Writes the fixed header and the extension block at {@code off}, without a rid.
     *
     * @return the header length (payload offset relative to {@code off})
     */
    public int writeHeader(byte[] b, int off, boolean marker, int payloadType, int seq, long timestamp, int ssrc,
                           byte[] mid, long nowNanos, int transportSeq) {
        return writeHeader(b, off, marker, payloadType, seq, timestamp, ssrc, mid, NONE, false, nowNanos,
                transportSeq);
    }

    /**
     * Writes the fixed header and the extension block at {@code off}.
     *
     * @param rid      the layer's rid, or {@link #NONE}
     * @param repaired write the rid as repaired-rtp-stream-id (an RTX packet) instead of rtp-stream-id
     * @return the header length (payload offset relative to {@code off})
     */
    public int writeHeader(byte[] b, int off, boolean marker, int payloadType, int seq, long timestamp, int ssrc,
                           byte[] mid, byte[] rid, boolean repaired, long nowNanos, int transportSeq) {
        return writeHeader(b, off, marker, payloadType, seq, timestamp, ssrc, mid, rid, repaired, nowNanos,
                transportSeq, NO_LEVEL);
    }

    /**
     * Writes the fixed header and the extension block at {@code off}, with an RFC 6464 audio
     * level element when {@code level} is not {@link #NO_LEVEL} and the id is negotiated.
     *
     * @param level the element's byte: the voice activity flag (0x80) or-ed with the level in
     *              -dBov (0 loudest, 127 silence), or {@link #NO_LEVEL}
     * @return the header length (payload offset relative to {@code off})
     */
    public int writeHeader(byte[] b, int off, boolean marker, int payloadType, int seq, long timestamp, int ssrc,
                           byte[] mid, byte[] rid, boolean repaired, long nowNanos, int transportSeq, int level) {
        RtpPacket.writeHeader(b, off, marker, payloadType, seq, timestamp, ssrc);
        if (elementBytes(mid, rid, repaired, level) == 0) {
            return RtpPacket.FIXED_HEADER_LENGTH;
        }
        b[off] |= 0x10;
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH;
        int at = ext + 4;
        if (midId > 0 && mid.length > 0) {
            at = writeText(b, at, midId, mid);
        }
        int rrid = repaired ? repairedRidId : ridId;
        if (rrid > 0 && rid.length > 0) {
            at = writeText(b, at, rrid, rid);
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
        if (audioLevelId > 0 && level != NO_LEVEL) {
            b[at++] = (byte) (audioLevelId << 4);
            b[at++] = (byte) level;
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

    /** The header length {@link #writeHeader} produces for this mid and no rid. */
    public int headerLength(byte[] mid) {
        return headerLength(mid, NONE, false);
    }

    /** The header length {@link #writeHeader} produces for this mid and rid. */
    public int headerLength(byte[] mid, byte[] rid, boolean repaired) {
        return headerLength(mid, rid, repaired, NO_LEVEL);
    }

    /** The header length {@link #writeHeader} produces for this mid, rid and level (or {@link #NO_LEVEL}). */
    public int headerLength(byte[] mid, byte[] rid, boolean repaired, int level) {
        int n = elementBytes(mid, rid, repaired, level);
        return n == 0 ? RtpPacket.FIXED_HEADER_LENGTH : RtpPacket.FIXED_HEADER_LENGTH + 4 + ((n + 3) & ~3);
    }

    /** Bytes of the one-byte elements, headers included, before padding. */
    private int elementBytes(byte[] mid, byte[] rid, boolean repaired, int level) {
        int n = audioLevelId > 0 && level != NO_LEVEL ? 2 : 0;
        if (midId > 0 && mid.length > 0) {
            n += 1 + mid.length;
        }
        if ((repaired ? repairedRidId : ridId) > 0 && rid.length > 0) {
            n += 1 + rid.length;
        }
        if (absSendTimeId > 0) {
            n += 1 + AbsSendTimeExtension.DATA_LENGTH;
        }
        if (transportCcId > 0) {
            n += 1 + TransportCcExtension.DATA_LENGTH;
        }
        return n;
    }

    private static int writeText(byte[] b, int at, int id, byte[] value) {
        b[at++] = (byte) ((id << 4) | (value.length - 1));
        System.arraycopy(value, 0, b, at, value.length);
        return at + value.length;
    }

    static byte[] ascii(String s) {
        return s == null ? NONE : s.getBytes(StandardCharsets.US_ASCII);
    }
}
