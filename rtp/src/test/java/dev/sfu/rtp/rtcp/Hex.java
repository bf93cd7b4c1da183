package dev.sfu.rtp.rtcp;

import java.io.ByteArrayOutputStream;

/** Hex fixtures: whitespace separates bytes, '#' starts a comment that runs to the end of the line. */
final class Hex {
    private Hex() {
    }

    static byte[] parse(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String data = (hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s+", "");
            if (data.length() % 2 != 0) {
                throw new IllegalArgumentException("odd hex digits in: " + line);
            }
            for (int i = 0; i < data.length(); i += 2) {
                out.write(Integer.parseInt(data.substring(i, i + 2), 16));
            }
        }
        return out.toByteArray();
    }

    static String format(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(String.format("%02x", b[off + i]));
            if (i % 4 == 3) {
                sb.append(' ');
            }
        }
        return sb.toString().trim();
    }

    /** The fixture copied into a larger array at {@code off}, with junk around it. */
    static byte[] embed(byte[] fixture, int off, int tail) {
        byte[] b = new byte[off + fixture.length + tail];
        java.util.Arrays.fill(b, (byte) 0x5A);
        System.arraycopy(fixture, 0, b, off, fixture.length);
        return b;
    }
}
