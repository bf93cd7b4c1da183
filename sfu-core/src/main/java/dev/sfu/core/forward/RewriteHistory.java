package dev.sfu.core.forward;

/**
 * How one DownTrack rewrote the packets it sent recently, by outgoing sequence number: which
 * layer and source sequence number each came from, the timestamp it carried, and its VP8 picture
 * id, TL0PICIDX and KEYIDX. A NACK for an outgoing sequence number is answered from the right
 * layer's cache with exactly the numbering the subscriber saw, also after a layer switch or a
 * dropped temporal layer changed the offsets since.
 *
 * <p>A ring indexed by the low bits of the outgoing sequence number; the publisher's executor
 * writes, the subscriber's executor reads. Each entry holds its own sequence number, so a stale
 * or overwritten entry is recognised (on 64-bit JVMs long array stores are not torn).
 */
final class RewriteHistory {
    /** No VP8 fields were rewritten. */
    static final int NO_VP8 = -1;

    private final int mask;
    /** outSeq << 32 | layer << 16 | sourceSeq, or -1. */
    private final long[] keys;
    private final long[] timestamps;
    private final int[] vp8;

    /** @param capacity a power of two (the retransmission cache's size) */
    RewriteHistory(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity));
        mask = n - 1;
        keys = new long[n];
        timestamps = new long[n];
        vp8 = new int[n];
        java.util.Arrays.fill(keys, -1);
    }

    void record(int outSeq, int layer, int sourceSeq, long outTimestamp, int vp8Fields) {
        int i = outSeq & mask;
        timestamps[i] = outTimestamp;
        vp8[i] = vp8Fields;
        keys[i] = ((long) outSeq << 32) | ((long) layer << 16) | sourceSeq;
    }

    /** The entry of {@code outSeq}: layer << 16 | sourceSeq, or -1 when not remembered. */
    int lookup(int outSeq) {
        long k = keys[outSeq & mask];
        if (k < 0 || (int) (k >>> 32) != outSeq) {
            return -1;
        }
        return (int) (k & 0xFFFFFFFFL);
    }

    long timestamp(int outSeq) {
        return timestamps[outSeq & mask];
    }

    int vp8Fields(int outSeq) {
        return vp8[outSeq & mask];
    }

    /** Packs picture id (15 bits), TL0PICIDX (8) and KEYIDX (5); -1 fields (absent) pack as all ones. */
    static int packVp8(int pictureId, int tl0PicIdx, int keyIndex) {
        return ((pictureId & 0x7FFF) << 13 | (tl0PicIdx & 0xFF) << 5 | (keyIndex & 0x1F))
                | (pictureId < 0 ? 1 << 28 : 0) | (tl0PicIdx < 0 ? 1 << 29 : 0) | (keyIndex < 0 ? 1 << 30 : 0);
    }

    static int pictureId(int packed) {
        return (packed & 1 << 28) != 0 ? -1 : packed >>> 13 & 0x7FFF;
    }

    static int tl0PicIdx(int packed) {
        return (packed & 1 << 29) != 0 ? -1 : packed >>> 5 & 0xFF;
    }

    static int keyIndex(int packed) {
        return (packed & 1 << 30) != 0 ? -1 : packed & 0x1F;
    }
}
