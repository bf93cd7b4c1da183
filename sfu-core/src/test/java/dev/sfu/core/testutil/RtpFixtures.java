package dev.sfu.core.testutil;

import java.util.HexFormat;

/**
 * RTP packets as Chromium sends them. The literal fixtures below follow the layout of packets
 * captured from Chromium (one-byte header extensions: mid, abs-send-time, transport-cc; Opus and
 * VP8 payloads); {@link #rtp} builds table-driven variants with the same layout.
 */
public final class RtpFixtures {
    private RtpFixtures() {
    }

    /**
     * An Opus packet, PT 111, with ssrc-audio-level (id 1) and sdes:mid "0" (id 4).
     * <pre>
     * 90 6f 1a 2b        V=2 X=1 CC=0, M=0 PT=111, seq 6699
     * 00 00 03 c0        timestamp 960
     * 11 11 11 11        SSRC 0x11111111
     * be de 00 02        one-byte extensions, 2 words
     * 10 a5              id 1 len 1: audio level, V=1, level 37
     * 40 30              id 4 len 1: mid "0"
     * 00 00 00 00        padding to the second word
     * fc ff fe           Opus TOC (config 31, stereo, 1 frame) and payload bytes
     * </pre>
     */
    public static final String OPUS_HEX =
            "906f1a2b" + "000003c0" + "11111111" + "bede0002" + "10a54030" + "00000000" + "fcfffe";

    /**
     * A VP8 keyframe's first packet, PT 96, with abs-send-time (id 2), transport-cc (id 3),
     * sdes:mid "1" (id 4).
     * <pre>
     * 90 60 00 64        V=2 X=1, M=0 PT=96, seq 100
     * 00 00 2e e0        timestamp 12000
     * 22 22 22 22        SSRC 0x22222222
     * be de 00 03        one-byte extensions, 3 words
     * 22 0c 4b 1a        id 2 len 3: abs-send-time 0x0c4b1a
     * 31 00 07           id 3 len 2: transport-wide seq 7
     * 40 31              id 4 len 1: mid "1"
     * 00 00 00           padding
     * 90 80 9e 2f        VP8 descriptor: X=1 S=1 PID=0; I=1; M=1 15-bit PictureID 0x1e2f
     * 50 04 00           VP8 payload header: P=0 (keyframe), show_frame, first partition size
     * 9d 01 2a           keyframe start code
     * 80 02 e0 01        width 640, height 480
     * </pre>
     */
    public static final String VP8_KEYFRAME_HEX =
            "90600064" + "00002ee0" + "22222222" + "bede0003" + "220c4b1a" + "31000740" + "31000000"
                    + "90809e2f" + "500400" + "9d012a" + "8002e001";

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /**
     * Builds a packet: 12-byte header, a one-byte extension block holding {@code extIds} (each
     * with one data byte equal to its id), then {@code payload}.
     */
    public static byte[] rtp(int pt, int seq, long ts, long ssrc, int[] extIds, byte[] payload) {
        int extWords = extIds.length == 0 ? 0 : (extIds.length * 2 + 3) / 4;
        int h = 12 + (extIds.length == 0 ? 0 : 4 + 4 * extWords);
        byte[] b = new byte[h + payload.length];
        b[0] = (byte) (extIds.length == 0 ? 0x80 : 0x90);
        b[1] = (byte) pt;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        put32(b, 4, ts);
        put32(b, 8, ssrc);
        if (extIds.length > 0) {
            b[12] = (byte) 0xBE;
            b[13] = (byte) 0xDE;
            b[14] = 0;
            b[15] = (byte) extWords;
            int p = 16;
            for (int id : extIds) {
                b[p++] = (byte) (id << 4);
                b[p++] = (byte) id;
            }
        }
        System.arraycopy(payload, 0, b, h, payload.length);
        return b;
    }

    /**
     * A VP8 payload (RFC 7741): a one-byte descriptor, S=1 PID=0 when {@code start}, then the
     * first bytes of a frame (RFC 6386 section 9.1).
     * <pre>
     * 10 | 00            descriptor: S=1 PID=0 | S=0 (continuation)
     * 50 | 51 04 00      frame tag: P=0 keyframe | P=1 interframe, show_frame, partition size
     * 9d 01 2a           keyframe start code
     * 80 02 e0 01        width 640, height 480
     * </pre>
     */
    public static byte[] vp8(boolean keyframe, boolean start) {
        return new byte[] {(byte) (start ? 0x10 : 0x00), (byte) (keyframe ? 0x50 : 0x51), 0x04, 0x00,
                (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, (byte) 0xe0, 0x01};
    }

    public static final byte[] OPUS_PAYLOAD = {(byte) 0xfc, (byte) 0xff, (byte) 0xfe};

    public static int seq(byte[] b) {
        return ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    public static long ts(byte[] b) {
        return u32(b, 4);
    }

    public static long ssrc(byte[] b) {
        return u32(b, 8);
    }

    public static int pt(byte[] b) {
        return b[1] & 0x7F;
    }

    public static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    public static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
