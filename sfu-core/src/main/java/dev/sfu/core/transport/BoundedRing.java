package dev.sfu.core.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded lock-free multi-producer multi-consumer queue over a fixed array (the sequence
 * scheme of D. Vyukov's bounded MPMC queue). {@link #offer} and {@link #poll} allocate nothing;
 * a full queue refuses the element so that the caller can drop the oldest and count it.
 * Each element may carry a {@code long} stamp (the time it was queued), so the consumer can
 * measure how long it waited and refuse what waited too long.
 */
final class BoundedRing<T> {
    private final int mask;
    private final AtomicReferenceArray<T> items;
    private final AtomicLongArray sequences;
    /** Written before, and read after, the slot's sequence: the volatile accesses order them. */
    private final long[] stamps;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    BoundedRing(int minCapacity) {
        int capacity = Integer.highestOneBit(Math.max(2, minCapacity) - 1) << 1;
        mask = capacity - 1;
        items = new AtomicReferenceArray<>(capacity);
        sequences = new AtomicLongArray(capacity);
        stamps = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            sequences.set(i, i);
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds at the tail; false when full. */
    boolean offer(T item) {
        return offer(item, 0L);
    }

    /** Adds at the tail with a stamp (for example {@code System.nanoTime()}); false when full. */
    boolean offer(T item, long stamp) {
        while (true) {
            long t = tail.get();
            int slot = (int) (t & mask);
            long seq = sequences.get(slot);
            long diff = seq - t;
            if (diff == 0) {
                if (tail.compareAndSet(t, t + 1)) {
                    items.lazySet(slot, item);
                    stamps[slot] = stamp;
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
        return poll(null);
    }

    /** Takes from the head and writes its stamp to {@code stampOut[0]} (when not null); null when empty. */
    T poll(long[] stampOut) {
        while (true) {
            long h = head.get();
            int slot = (int) (h & mask);
            long seq = sequences.get(slot);
            long diff = seq - (h + 1);
            if (diff == 0) {
                if (head.compareAndSet(h, h + 1)) {
                    T item = items.get(slot);
                    if (stampOut != null) {
                        stampOut[0] = stamps[slot];
                    }
                    items.lazySet(slot, null);
                    sequences.set(slot, h + mask + 1);
                    return item;
                }
            } else if (diff < 0) {
                return null;
            }
        }
    }

    /** Elements queued now (a snapshot; exact only when no thread is offering or polling). */
    int size() {
        return (int) Math.max(0, Math.min(mask + 1, tail.get() - head.get()));
    }

    boolean isEmpty() {
        return head.get() >= tail.get();
    }
}
