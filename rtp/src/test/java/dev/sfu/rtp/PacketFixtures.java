package dev.sfu.rtp;

import java.util.Arrays;
import java.util.Random;

/** Hex fixtures for packet tests: one line per header word, with a decoded comment after '#'. */
public final class PacketFixtures {
    private PacketFixtures() {
    }

    /** Decodes hex lines; whitespace and anything after '#' on a line are ignored. */
    public static byte[] hex(String... lines) {
        StringBuilder digits = new StringBuilder();
        for (String line : lines) {
            for (String part : line.split("\n")) {
                int hash = part.indexOf('#');
                digits.append((hash >= 0 ? part.substring(0, hash) : part).replaceAll("\\s+", ""));
            }
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + digits);
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /** Lower-case hex of {@code (b, off, len)}, no separators. */
    public static String toHex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    /**
     * A window holding {@code packet} at offset {@code before} in a larger array whose other
     * bytes are random garbage, so a parser that reads outside {@code (off, len)} sees junk.
     */
    public static byte[] embed(byte[] packet, int before, int after, long seed) {
        byte[] b = new byte[before + packet.length + after];
        new Random(seed).nextBytes(b);
        System.arraycopy(packet, 0, b, before, packet.length);
        return b;
    }

    /** A copy of {@code packet} with {@code tail} spare bytes after it (garbage-filled). */
    public static byte[] withTailRoom(byte[] packet, int tail) {
        byte[] b = Arrays.copyOf(packet, packet.length + tail);
        for (int i = packet.length; i < b.length; i++) {
            b[i] = (byte) 0xEE;
        }
        return b;
    }

    /**
     * A VP8 key frame packet from a Chromium-like sender: one-byte extensions carrying
     * abs-send-time (id 2), transport-cc (id 3) and rtp-stream-id (id 4).
     */
    public static byte[] vp8WithExtensions() {
        return hex(
                "90 e0 1f 40", // V=2 P=0 X=1 CC=0 | M=1 PT=96 | seq=8000
                "00 01 e2 40", // timestamp 123456
                "12 34 56 78", // SSRC 0x12345678
                "be de 00 03", // one-byte header extensions, 3 words
                "22 12 34 56", // id=2 L=2 (3 bytes): abs-send-time 0x123456
                "31 00 2a 40", // id=3 L=1 (2 bytes): transport-cc seq 42 | id=4 L=0 (1 byte):
                "68 00 00 00", //   rid "h" | padding x3
                "90 80 81 23", // VP8 descriptor: X=1 S=1 PID=0 | I=1 | M=1 picture id 0x0123
                "10 02 00 9d", // VP8 key frame tag (P=0, show_frame) | start code 9d
                "01 2a 80 02", //   01 2a | width 640
                "e0 01 aa bb"); //  height 480 | 2 more payload bytes
    }

    /**
     * An Opus packet with two-byte extensions: audio level (id 1) and a 3-byte mid under id 16,
     * which only the two-byte form can carry, then 4 bytes of payload and 4 of padding.
     */
    public static byte[] opusWithTwoByteExtensions() {
        return hex(
                "b0 6f 00 01", // V=2 P=1 X=1 CC=0 | M=0 PT=111 | seq=1
                "00 00 03 c0", // timestamp 960
                "ca fe ba be", // SSRC 0xcafebabe
                "10 00 00 03", // two-byte header extensions (0x100, appbits 0), 3 words
                "01 01 8a 00", // id=1 len=1: audio level V=1 level 10 | padding
                "10 03 61 62", // id=16 len=3: mid "ab
                "63 00 00 00", //   c" | padding x3
                "fc fd fe ff", // Opus payload (4 bytes)
                "00 00 00 04"); // RTP padding, count 4
    }
}
