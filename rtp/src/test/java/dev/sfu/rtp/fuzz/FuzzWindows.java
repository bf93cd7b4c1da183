package dev.sfu.rtp.fuzz;

/**
 * Helpers for the fuzz targets: the same input is checked in an exact-size array (a read past
 * the window throws) and embedded between garbage bytes (a read past the window changes the
 * answer), and both answers must agree.
 */
final class FuzzWindows {
    static final int BEFORE = 13;
    static final int AFTER = 48;

    private FuzzWindows() {
    }

    /** {@code data} at offset {@link #BEFORE}, with garbage derived from it on both sides. */
    static byte[] embed(byte[] data) {
        byte[] b = new byte[BEFORE + data.length + AFTER];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0xA5 ^ (i * 31) ^ (data.length > 0 ? data[i % data.length] : 0));
        }
        System.arraycopy(data, 0, b, BEFORE, data.length);
        return b;
    }
}
