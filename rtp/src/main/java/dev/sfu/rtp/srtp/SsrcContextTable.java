package dev.sfu.rtp.srtp;

import java.util.Arrays;

/**
 * A bounded map from SSRC to crypto context, open addressing with linear probing over a table twice
 * the bound, so a lookup costs a multiply and a probe or two and allocates nothing. An entry is
 * removed by backward-shift deletion (no tombstones), so lookups stay short however many SSRCs
 * came and went.
 *
 * <p>Written by one thread at a time (the side that owns it; {@link #remove} under the same lock
 * as that side's lookups); {@link #clear} may come from another thread, under the session's lock,
 * and a lookup racing with it sees either the old or no context.
 */
final class SsrcContextTable<T> {
    private final int[] keys;
    private final Object[] values;
    private final int mask;
    private final int maxEntries;
    private int size;

    SsrcContextTable(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        int capacity = Integer.highestOneBit(maxEntries * 2 - 1) << 1;
        this.keys = new int[capacity];
        this.values = new Object[capacity];
        this.mask = capacity - 1;
        this.maxEntries = maxEntries;
    }

    /** The context for {@code ssrc}, or null. */
    @SuppressWarnings("unchecked")
    T get(int ssrc) {
        int i = slot(ssrc);
        while (true) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == ssrc) {
                return (T) v;
            }
            i = (i + 1) & mask;
        }
    }

    boolean isFull() {
        return size >= maxEntries;
    }

    int size() {
        return size;
    }

    /** Adds a context for an SSRC not yet present; false when the table is full. */
    boolean put(int ssrc, T context) {
        if (size >= maxEntries) {
            return false;
        }
        int i = slot(ssrc);
        while (values[i] != null) {
            if (keys[i] == ssrc) {
                values[i] = context;
                return true;
            }
            i = (i + 1) & mask;
        }
        keys[i] = ssrc;
        values[i] = context;
        size++;
        return true;
    }

    /** Removes the context of {@code ssrc}; false when there was none. */
    boolean remove(int ssrc) {
        int i = slot(ssrc);
        while (true) {
            if (values[i] == null) {
                return false;
            }
            if (keys[i] == ssrc) {
                break;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: move later entries of the probe run into the gap unless their home slot
        // lies cyclically after the gap and at or before their own slot.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) {
                break;
            }
            int home = slot(keys[j]);
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        return true;
    }

    void clear() {
        Arrays.fill(values, null);
        Arrays.fill(keys, 0);
        size = 0;
    }

    private int slot(int ssrc) {
        // Fibonacci hashing spreads SSRCs that differ only in their low bits.
        return (ssrc * 0x9E3779B9) >>> 16 & mask;
    }
}
