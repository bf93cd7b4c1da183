package dev.sfu.rtp.ext;

import java.nio.charset.StandardCharsets;

/**
 * Shared code of the header extensions that carry an SDES item as text (RFC 7941): the value is
 * the element's data, US-ASCII, without a terminator. Trailing zero bytes, which some senders
 * add, are ignored.
 */
final class SdesText {
    private SdesText() {
    }

    /** Length of the text at {@code (pos, n)} without trailing zero bytes. */
    static int trimmedLength(byte[] b, int pos, int n) {
        while (n > 0 && b[pos + n - 1] == 0) {
            n--;
        }
        return n;
    }

    static String read(byte[] b, int off, int len, int id) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return null;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        return new String(b, pos, n, StandardCharsets.US_ASCII);
    }

    static int copy(byte[] b, int off, int len, int id, byte[] dst, int dstOff) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return -1;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        if (n > dst.length - dstOff) {
            return -1;
        }
        System.arraycopy(b, pos, dst, dstOff, n);
        return n;
    }

    static boolean matches(byte[] b, int off, int len, int id, CharSequence value) {
        int pos = HeaderExtensions.find(b, off, len, id);
        if (pos < 0) {
            return false;
        }
        int n = trimmedLength(b, pos, HeaderExtensions.dataLength(b, off, pos));
        if (n != value.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((b[pos + i] & 0xFF) != value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int add(byte[] b, int off, int len, int id, CharSequence value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            if (value.charAt(i) == 0 || value.charAt(i) > 0x7F) {
                return -1;
            }
        }
        int newLen = HeaderExtensions.add(b, off, len, id, n);
        if (newLen >= 0) {
            int pos = HeaderExtensions.find(b, off, newLen, id);
            for (int i = 0; i < n; i++) {
                b[pos + i] = (byte) value.charAt(i);
            }
        }
        return newLen;
    }
}
