package dev.sfu.core.forward;

import dev.sfu.rtp.util.BufferPool;

/**
 * The bounded queue of one subscriber's pacer: packets waiting for send budget, each in a
 * pooled buffer the queue owns until it is taken or dropped. Two priority classes, as
 * libwebrtc's {@code PacketQueue} orders them: retransmissions before new video (a lost packet
 * the receiver waits for is worth more than the next one). Audio is never queued and padding is
 * made at send time, so neither has a class here. Within a class packets leave in order.
 *
 * <p>Bounded in packets (both classes together) and in age: {@link #expire} drops the heads
 * older than the limit. Arrays are allocated on the first enqueue (most subscribers never
 * queue); nothing is allocated after. Not thread-safe: the egress calls it under its lock.
 */
final class PacerQueue {
    static final int RETRANSMISSION = 0;
    static final int VIDEO = 1;
    private static final int CLASSES = 2;

    private final BufferPool pool;
    private final int capacity;
    private byte[][][] bufs;
    private int[][] lens;
    private long[][] times;
    private int[][] kinds;
    private SendSlot[][] rtxSlots;
    private final int[] head = new int[CLASSES];
    private final int[] count = new int[CLASSES];
    private int size;
    private long bytes;

    PacerQueue(BufferPool pool, int capacity) {
        this.pool = pool;
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    /** Bytes of the packets waiting. */
    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean isFull() {
        return size >= capacity;
    }

    /**
     * Copies the packet into a pooled buffer at the tail of {@code cls}. The caller checked
     * {@link #isFull}.
     *
     * @param rtxSlot for an RTX packet, the slot whose RTX sequence number it gets when sent; else null
     */
    void add(int cls, byte[] src, int len, int kind, SendSlot rtxSlot, long now) {
        if (bufs == null) {
            bufs = new byte[CLASSES][capacity][];
            lens = new int[CLASSES][capacity];
            times = new long[CLASSES][capacity];
            kinds = new int[CLASSES][capacity];
            rtxSlots = new SendSlot[CLASSES][capacity];
        }
        int i = (head[cls] + count[cls]) % capacity;
        byte[] b = pool.acquire();
        System.arraycopy(src, 0, b, 0, len);
        bufs[cls][i] = b;
        lens[cls][i] = len;
        times[cls][i] = now;
        kinds[cls][i] = kind;
        rtxSlots[cls][i] = rtxSlot;
        count[cls]++;
        size++;
        bytes += len;
    }

    /** The class the next packet comes from, or -1 when empty. */
    int nextClass() {
        for (int c = 0; c < CLASSES; c++) {
            if (count[c] > 0) {
                return c;
            }
        }
        return -1;
    }

    byte[] headBuffer(int cls) {
        return bufs[cls][head[cls]];
    }

    int headLength(int cls) {
        return lens[cls][head[cls]];
    }

    int headKind(int cls) {
        return kinds[cls][head[cls]];
    }

    long headTime(int cls) {
        return times[cls][head[cls]];
    }

    SendSlot headRtxSlot(int cls) {
        return rtxSlots[cls][head[cls]];
    }

    /** Removes the head of {@code cls} and returns its buffer to the pool. */
    void removeHead(int cls) {
        int i = head[cls];
        pool.release(bufs[cls][i]);
        bufs[cls][i] = null;
        bytes -= lens[cls][i];
        rtxSlots[cls][i] = null;
        head[cls] = (i + 1) % capacity;
        count[cls]--;
        size--;
    }

    /** Drops every head queued before {@code deadline}; returns how many. */
    int expire(long deadline) {
        int n = 0;
        for (int c = 0; c < CLASSES; c++) {
            while (count[c] > 0 && times[c][head[c]] - deadline < 0) {
                removeHead(c);
                n++;
            }
        }
        return n;
    }

    /** Releases everything queued; returns how many packets that was. */
    int clear() {
        int n = 0;
        for (int c = 0; c < CLASSES; c++) {
            while (count[c] > 0) {
                removeHead(c);
                n++;
            }
        }
        return n;
    }
}
