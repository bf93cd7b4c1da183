package dev.sfu.core.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded lock-free multi-producer multi-consumer queue over a fixed array (the sequence
 * scheme of D. Vyukov's bounded MPMC queue). {@link #offer} and {@link #poll} allocate nothing;
 * a full queue refuses the element so that the caller can drop the oldest and count it.
 */
final class BoundedRing<T> {
    private final int mask;
    private final AtomicReferenceArray<T> items;
    private final AtomicLongArray sequences;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    BoundedRing(int minCapacity) {
        int capacity = Integer.highestOneBit(Math.max(2, minCapacity) - 1) << 1;
        mask = capacity - 1;
        items = new AtomicReferenceArray<>(capacity);
        sequences = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            sequences.set(i, i);
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds at the tail; false when full. */
    boolean offer(T item) {
        while (true) {
            long t = tail.get();
            int slot = (int) (t & mask);
            long seq = sequences.get(slot);
            long diff = seq - t;
            if (diff == 0) {
                if (tail.compareAndSet(t, t + 1)) {
                    items.lazySet(slot, item);
                    sequences.set(slot, t + 1);
                    return true;
                }
            } else if (diff < 0) {
                return false;
            }
        }
    }

    /** Takes from the head; null when empty. */
    T poll() {
        while (true) {
            long h = head.get();
            int slot = (int) (h & mask);
            long seq = sequences.get(slot);
            long diff = seq - (h + 1);
            if (diff == 0) {
                if (head.compareAndSet(h, h + 1)) {
                    T item = items.get(slot);
                    items.lazySet(slot, null);
                    sequences.set(slot, h + mask + 1);
                    return item;
                }
            } else if (diff < 0) {
                return null;
            }
        }
    }

    boolean isEmpty() {
        return head.get() >= tail.get();
    }
}
