package dev.sfu.bench.loadtest;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which simulcast layer one receiver gets on one remote video track, told as a browser would
 * tell it: from the width in each VP8 key frame (RFC 6386 section 9.1; 320, 640, 1280 are q, h,
 * f, see {@link SimulcastLayer}). A change of that width is a layer switch. Every packet's
 * bytes, and the time since the track's previous packet (gaps over {@link #MAX_GAP_NANOS},
 * a paused video, are not counted), go to the layer received then; before the first key frame,
 * or at another width, to {@link #UNKNOWN}.
 *
 * <p>The probe trailer's stream id says which layer the publisher really sent: when it changes
 * on a packet that does not start a key frame, the server switched layers elsewhere than at a
 * key frame (or that key frame's first packet was lost): {@link #switchesNotAtKeyframe()}.
 *
 * <p>One writer (the receiving transport's thread); readers on other threads.
 */
public final class LayerTracker {
    /** The bucket of bytes and time received before the first key frame or at an unknown width. */
    public static final int UNKNOWN = SimulcastLayer.values().length;
    /** A longer silence between two packets is a pause, not time on the layer. */
    public static final long MAX_GAP_NANOS = 1_000_000_000L;

    private final AtomicLongArray bytes = new AtomicLongArray(UNKNOWN + 1);
    private final AtomicLongArray nanos = new AtomicLongArray(UNKNOWN + 1);
    private int bucket = UNKNOWN;
    private long lastPacketNanos;
    private int lastStreamId = -1;
    private volatile SimulcastLayer layer;
    private volatile long switches;
    private volatile long switchesNotAtKeyframe;

    /**
     * One packet of the track.
     *
     * @param keyframeWidth {@link Vp8PayloadDescriptor#keyframeWidth} of an original packet, -1 otherwise (and for RTX)
     * @param length        the packet's length
     * @param streamId      the stream id of its probe trailer
     * @param retransmission true for RTX: counted, but says nothing about the layer
     */
    public void onPacket(int keyframeWidth, int length, int streamId, boolean retransmission, long now) {
        if (lastPacketNanos != 0) {
            long dt = now - lastPacketNanos;
            if (dt > 0 && dt <= MAX_GAP_NANOS) {
                nanos.lazySet(bucket, nanos.get(bucket) + dt);
            }
        }
        lastPacketNanos = now;
        if (!retransmission) {
            if (keyframeWidth >= 0) {
                SimulcastLayer l = SimulcastLayer.ofWidth(keyframeWidth);
                if (l != layer) {
                    if (l != null && layer != null) {
                        switches++;
                    }
                    layer = l;
                    bucket = l == null ? UNKNOWN : l.ordinal();
                }
            }
            if (streamId != lastStreamId) {
                if (lastStreamId >= 0 && keyframeWidth < 0) {
                    switchesNotAtKeyframe++;
                }
                lastStreamId = streamId;
            }
        }
        bytes.lazySet(bucket, bytes.get(bucket) + length);
    }

    /** The layer of the last key frame, or null before one (or at an unknown width). */
    public SimulcastLayer layer() {
        return layer;
    }

    /** Changes from one known layer to another. */
    public long switches() {
        return switches;
    }

    /** Changes of the sent layer (probe trailer) on a packet that did not start a key frame. */
    public long switchesNotAtKeyframe() {
        return switchesNotAtKeyframe;
    }

    /** Packet bytes received on layer {@code bucket} (a layer ordinal or {@link #UNKNOWN}). */
    public long bytes(int bucket) {
        return bytes.get(bucket);
    }

    /** Time spent receiving layer {@code bucket}. */
    public long nanos(int bucket) {
        return nanos.get(bucket);
    }
}
