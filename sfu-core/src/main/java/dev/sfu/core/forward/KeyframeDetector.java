package dev.sfu.core.forward;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

/**
 * Marks packets that start a keyframe (VP8: RFC 7741 section 4.3; H.264: an IDR or its SPS,
 * RFC 6184), counts keyframes, learns each VP8 layer's resolution from its key frame header
 * (RFC 6386 section 9.1), and sends the keyframe request a layer owed while its SSRC was not yet
 * known, and counts each VP8 layer's bytes by temporal layer id for the allocation's costs
 * (one more read of the descriptor this stage parses anyway). Never drops.
 */
final class KeyframeDetector {
    /** Packets of one keyframe arrive within this; a later keyframe start counts again. */
    private static final long SAME_KEYFRAME_NANOS = 1_000_000L;

    private final MediaEndpoint endpoint;
    private final StageCounters counters;

    KeyframeDetector(MediaEndpoint endpoint, StageCounters counters) {
        this.endpoint = endpoint;
        this.counters = counters;
    }

    void onPacket(IngressPacket p) {
        UpTrack u = p.track;
        if (!u.video) {
            return;
        }
        counters.in();
        SimulcastLayer l = p.layer;
        UpTrack.KeyframeFormat f = u.formatByPt[p.payloadType];
        if (f != null) {
            int at = p.payloadOffset();
            int n = p.payloadLength();
            p.keyframe = f.isKeyframe(p.buf, at, n);
            if (f == UpTrack.KeyframeFormat.VP8) {
                l.receivedTemporal(Vp8PayloadDescriptor.temporalLayer(p.buf, at, n), p.len);
            }
            if (p.keyframe) {
                if (p.now - l.lastKeyframeNanos > SAME_KEYFRAME_NANOS) {
                    endpoint.metrics.keyframes.inc();
                    endpoint.roomMetrics.keyframes.inc();
                }
                l.lastKeyframeNanos = p.now;
                if (f == UpTrack.KeyframeFormat.VP8) {
                    int w = Vp8PayloadDescriptor.keyframeWidth(p.buf, at, n);
                    int h = Vp8PayloadDescriptor.keyframeHeight(p.buf, at, n);
                    if (w > 0 && h > 0) {
                        l.width = w;
                        l.height = h;
                    }
                }
            }
        }
        if (l.keyframePending) {
            l.requestKeyframe(p.now, endpoint.rtcpBuffer);
        }
        counters.out();
    }
}
