package dev.sfu.core.forward;

/**
 * Which layer of a track one subscriber receives. The allocator sets a target layer (or
 * {@link #PAUSED}); the layer forwarded follows the target only at a keyframe of the target
 * layer, so the decoder never gets a frame whose references it lacks, and until then the
 * current layer keeps flowing. A plain track has one layer, 0. The decision runs on the
 * publisher's executor; the target may be set from any thread.
 */
final class LayerSelector {
    static final int PAUSED = -1;

    /** Forward the packet. */
    static final int FORWARD = 0;
    /** Forward the packet; it starts a new source for the subscriber (switch, start, resume). */
    static final int SWITCH = 1;
    /** Drop: the packet is of a layer this subscriber does not receive now. */
    static final int NOT_SELECTED = 2;
    /** Drop: the subscriber waits for a keyframe of the target layer to start. */
    static final int WAIT_KEYFRAME = 3;
    /** Drop: forwarding is paused. */
    static final int PAUSE = 4;

    private volatile int target;
    private int current = -1;

    LayerSelector(int initialTarget) {
        this.target = initialTarget;
    }

    int target() {
        return target;
    }

    /** Sets the target; returns true when it changed. */
    boolean setTarget(int layer) {
        int old = target;
        target = layer;
        return old != layer;
    }

    /** The layer being forwarded now, or -1 (publisher's executor). */
    int current() {
        return current;
    }

    /**
     * Decides for one packet of {@code layer}.
     *
     * @param keyframe  the packet starts a keyframe
     * @param newStream the layer arrives on a new SSRC (the publisher restarted it)
     */
    int decide(int layer, boolean keyframe, boolean newStream) {
        int t = target;
        if (t == PAUSED) {
            current = -1;
            return PAUSE;
        }
        if (layer == current) {
            if (!newStream) {
                return FORWARD;
            }
            if (keyframe) {
                return SWITCH;
            }
            current = -1;
            return WAIT_KEYFRAME;
        }
        if (layer == t) {
            if (keyframe) {
                current = t;
                return SWITCH;
            }
            return current < 0 ? WAIT_KEYFRAME : NOT_SELECTED;
        }
        return NOT_SELECTED;
    }
}
