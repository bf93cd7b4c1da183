package dev.sfu.bench.loadtest;

/**
 * The last {@code capacity} RTP packets a video stream sent, as plaintext copies, so NACKed
 * packets can be retransmitted (RFC 4585 section 6.2.1, RFC 4588). Preallocated: storing and
 * finding allocate nothing. One thread (the stream's scheduler thread) uses it.
 */
public final class SendHistory {
    private final byte[][] packets;
    private final int[] lengths;
    private final int[] headerLengths;
    private final int[] sequences;
    private final long[] sentNanos;
    private final int mask;

    /** @param capacity a power of two */
    public SendHistory(int capacity, int maxPacketSize) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        packets = new byte[capacity][maxPacketSize];
        lengths = new int[capacity];
        headerLengths = new int[capacity];
        sequences = new int[capacity];
        sentNanos = new long[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(sequences, -1);
    }

    /** Stores a copy of the packet with RTP sequence number {@code seq}. */
    public void store(int seq, byte[] b, int off, int len, int headerLength, long now) {
        int i = seq & mask;
        System.arraycopy(b, off, packets[i], 0, len);
        lengths[i] = len;
        headerLengths[i] = headerLength;
        sequences[i] = seq;
        sentNanos[i] = now;
    }

    /** The slot holding {@code seq} if it was sent at most {@code maxAgeNanos} ago, else -1. */
    public int find(int seq, long now, long maxAgeNanos) {
        int i = seq & mask;
        return sequences[i] == seq && now - sentNanos[i] <= maxAgeNanos ? i : -1;
    }

    public byte[] packet(int slot) {
        return packets[slot];
    }

    public int length(int slot) {
        return lengths[slot];
    }

    public int headerLength(int slot) {
        return headerLengths[slot];
    }
}
