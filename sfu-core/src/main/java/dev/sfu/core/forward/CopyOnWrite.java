package dev.sfu.core.forward;

import java.util.Arrays;

/**
 * The copy-on-write arrays of the packet path (track lists here, the load tester's send lists):
 * writers (under their owner's lock) publish a new array, and the packet path reads whichever
 * array is current without a lock.
 */
public final class CopyOnWrite {
    private CopyOnWrite() {
    }

    /** A new array: {@code a} followed by {@code x}. */
    public static <T> T[] with(T[] a, T x) {
        T[] n = Arrays.copyOf(a, a.length + 1);
        n[a.length] = x;
        return n;
    }

    /** A new array without the first element identical to {@code x}, or {@code a} itself when absent. */
    public static <T> T[] without(T[] a, T x) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == x) {
                T[] n = Arrays.copyOf(a, a.length - 1);
                System.arraycopy(a, i + 1, n, i, a.length - i - 1);
                return n;
            }
        }
        return a;
    }
}
