package dev.sfu.bench.loadtest;

/**
 * The temporal layers of one VP8 simulcast encoding, as libvpx's three-layer mode arranges them
 * and RFC 7741 section 4.2 signals them in each packet's payload descriptor:
 * <ul>
 *   <li>TID repeats 0, 2, 1, 2 (30 fps: TL0 at 7.5 fps, TL0+TL1 at 15 fps, all at 30 fps);
 *       a key frame restarts the pattern at TID 0.</li>
 *   <li>TL0PICIDX (8 bits) is incremented on every TID 0 frame; the frames after it carry the
 *       same value.</li>
 *   <li>Y (layer sync) is set on the first TID 2 and the first TID 1 frame after each TID 0
 *       frame: they reference only that base-layer frame, so a receiver may switch up there.
 *       The second TID 2 frame references the TID 1 frame: Y is clear.</li>
 *   <li>TID 2 frames are referenced by no other frame: they carry N (non-reference).</li>
 * </ul>
 * Used by one thread (the stream's scheduler thread).
 */
public final class Vp8TemporalPattern {
    private static final int[] TIDS = {0, 2, 1, 2};

    private int next;
    private int tl0PicIdx;
    private int temporalLayer;
    private boolean layerSync;

    /** @param tl0PicIdx the TL0PICIDX before the first frame (the first frame carries this plus one) */
    public Vp8TemporalPattern(int tl0PicIdx) {
        this.tl0PicIdx = tl0PicIdx & 0xFF;
    }

    /** Moves to the next frame; a key frame is always TID 0 and restarts the pattern. */
    public void nextFrame(boolean keyframe) {
        if (keyframe) {
            next = 0;
        }
        temporalLayer = TIDS[next];
        if (temporalLayer == 0) {
            tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
        }
        layerSync = next == 1 || next == 2;
        next = (next + 1) % TIDS.length;
    }

    /** TID of the current frame. */
    public int temporalLayer() {
        return temporalLayer;
    }

    /** TL0PICIDX of the current frame. */
    public int tl0PicIdx() {
        return tl0PicIdx;
    }

    /** The Y bit of the current frame. */
    public boolean layerSync() {
        return layerSync;
    }

    /** The N bit of the current frame: no other frame references it. */
    public boolean nonReference() {
        return temporalLayer == 2;
    }
}
