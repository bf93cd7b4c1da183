package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.util.BufferPool;

import java.util.List;

/**
 * One published track as one subscriber receives it: the subscriber-facing SSRC (and RTX SSRC)
 * the server chose, the payload type and header extension id mappings to what that subscriber
 * negotiated, which simulcast layer it gets ({@link LayerSelector}, switched at keyframes), the
 * sequence/timestamp and VP8 numbering rewriting that make every layer one continuous stream,
 * and the statistics from the subscriber's receiver reports.
 *
 * <p>{@link #forward} runs on the publisher's executor; NACKs are answered on the subscriber's
 * executor. The SSRCs and rewriting state live in its {@link SendSlot}; signaling announces
 * those SSRCs to the subscriber, so the SDP and the packets agree by construction.
 */
public final class DownTrack {
    private final MediaEndpoint subscriber;
    private final UpTrack source;
    final SendSlot slot;
    private volatile PayloadMapping mapping;
    private volatile boolean active;
    private volatile boolean closed;
    private final LayerSelector selector;
    private final Vp8PictureRewriter pictures = new Vp8PictureRewriter();
    private final RewriteHistory history;
    /** The layer the last forwarded packet came from (publisher's executor). */
    private SimulcastLayer forwardedLayer;
    /** Spatial layer switches so far (publisher's executor writes). */
    volatile long layerSwitches;
    /** How the subscriber shows this video (signaling writes); null until it says. */
    private volatile VideoConstraints constraints;
    /** Why the allocator paused this video ({@link LayerAllocator#HIDDEN}, {@link LayerAllocator#LAST_N}, {@link LayerAllocator#BANDWIDTH}); null when it did not. */
    volatile String pauseReason;
    /** The allocation's working state for this video (allocator thread only). */
    final VideoAllocation allocation = new VideoAllocation();
    /** What the subscriber was last told about this video: target layer and pause reason (allocator thread only). */
    int announcedTarget = Integer.MIN_VALUE;
    String announcedReason;
    long packetsSent;
    long octetsSent;
    /** Whole packets' bytes sent (header included), for per-track bitrates; publisher's executor writes. */
    volatile long bytesSent;
    // Retransmission bookkeeping (subscriber's executor only).
    private final int[] resendSeq;
    private final long[] resendNanos;
    // From the subscriber's receiver reports (subscriber's executor writes, anyone reads).
    private volatile int fractionLost;
    private volatile long cumulativeLost;
    private volatile long jitter;
    private volatile long rttNanos = -1;
    // The last translated sender report (publisher's executor writes).
    volatile long lastSrMiddle;
    volatile long lastSrSentNanos;

    DownTrack(MediaEndpoint subscriber, UpTrack source, SendSlot slot, PayloadMapping mapping) {
        this.subscriber = subscriber;
        this.source = source;
        this.slot = slot;
        this.mapping = mapping;
        int cacheSize = subscriber.config.cacheSize();
        int n = source.layer(0).cache != null ? cacheSize : 0;
        this.resendSeq = new int[n];
        this.resendNanos = new long[n];
        java.util.Arrays.fill(resendSeq, -1);
        this.history = new RewriteHistory(cacheSize);
        int top = source.layerCount() - 1;
        this.selector = new LayerSelector(top);
    }

    public MediaEndpoint subscriber() {
        return subscriber;
    }

    public UpTrack source() {
        return source;
    }

    public MediaKind kind() {
        return source.kind();
    }

    /** The SSRC the subscriber receives this track on (for its a=ssrc lines). */
    public long ssrc() {
        return slot.ssrc;
    }

    /** The RTX SSRC (a=ssrc-group:FID ssrc rtxSsrc), used when RTX is negotiated. */
    public long rtxSsrc() {
        return slot.rtxSsrc;
    }

    /** The subscriber m-line's mid, as set by signaling once the subscriber accepted it. */
    public String mid() {
        return slot.mid;
    }

    public void setMid(String mid) {
        slot.mid = mid;
    }

    /** The CNAME for a=ssrc:... cname: and the translated sender reports: the publisher's. */
    public String cname() {
        return source.publisher.cname;
    }

    /** The msid stream id: the publisher's id, so its audio and video form one sync group. */
    public String streamId() {
        return source.publisher.id;
    }

    public String trackId() {
        return source.trackId();
    }

    /** The codecs to offer the subscriber, with its payload types, preferred first. */
    public List<Codec> codecs() {
        return mapping.codecs();
    }

    /** The header extensions to offer the subscriber, with its ids. */
    public List<HeaderExtension> extensions() {
        return mapping.extensions();
    }

    /**
     * Sets what the subscriber's answer accepted for this m-line; payload types and extension
     * ids are mapped from the publisher's to these from the next packet on.
     */
    public void setNegotiated(List<Codec> codecs, List<HeaderExtension> extensions) {
        mapping = PayloadMapping.build(source.track(), codecs, extensions);
        subscriber.egress.setNegotiatedExtensions(kind(), extensions);
    }

    void setMapping(PayloadMapping m) {
        mapping = m;
    }

    /** True once {@link #activate} was called and until the DownTrack is removed. */
    public boolean isActive() {
        return active && !closed;
    }

    /**
     * Starts forwarding: call once the subscriber applied the description with this m-line.
     * Video first asks the publisher for a keyframe of the target layer.
     */
    public void activate() {
        if (active || closed) {
            return;
        }
        active = true;
        requestTargetKeyframe();
    }

    private void requestTargetKeyframe() {
        int t = selector.target();
        if (!source.video || t < 0) {
            return;
        }
        BufferPool pool = subscriber.pool;
        byte[] buf = pool.acquire();
        try {
            source.layer(t).requestKeyframe(subscriber.clock.getAsLong(), buf);
        } finally {
            pool.release(buf);
        }
    }

    /**
     * Sets the layer to forward (an index into {@link UpTrack#layers()}), or
     * {@link LayerSelector#PAUSED}. The switch happens at the next keyframe of that layer, which
     * is requested now. Any thread.
     */
    public void setTargetLayer(int layer) {
        if (layer >= source.layerCount()) {
            layer = source.layerCount() - 1;
        }
        if (selector.setTarget(layer) && active && !closed && layer != selector.current()) {
            requestTargetKeyframe();
        }
    }

    /** The layer the allocator set, or -1 when paused. */
    public int targetLayer() {
        return selector.target();
    }

    /** The layer being forwarded now, or -1 (not started, paused, waiting for a keyframe). */
    public int currentLayer() {
        return selector.current();
    }

    /** The rid being forwarded now; null when not simulcast or nothing is forwarded. */
    public String currentRid() {
        int c = selector.current();
        return c < 0 ? null : source.layer(c).rid;
    }

    public long layerSwitches() {
        return layerSwitches;
    }

    /** True while the allocator holds this video back. */
    public boolean isPaused() {
        return selector.target() == LayerSelector.PAUSED;
    }

    /**
     * Why the allocator paused this video: {@link LayerAllocator#HIDDEN},
     * {@link LayerAllocator#LAST_N} or {@link LayerAllocator#BANDWIDTH}; null when the
     * allocator did not pause it.
     */
    public String pauseReason() {
        return pauseReason;
    }

    /** The rid of the layer the allocator set; null when paused or not simulcast. */
    public String targetRid() {
        int t = selector.target();
        return t < 0 ? null : source.layer(t).rid;
    }

    /** Sets how the subscriber shows this video (from its videoTiles message). */
    public void setConstraints(VideoConstraints c) {
        constraints = c;
    }

    /** How the subscriber shows this video, or null when it never said. */
    public VideoConstraints constraints() {
        return constraints;
    }

    /** The highest VP8 temporal layer forwarded (-1: all); applied where the reference structure allows. */
    public void setMaxTemporalLayer(int tid) {
        pictures.setMaxTemporalLayer(tid);
    }

    /**
     * The highest VP8 temporal layer forwarded now, 0 to 2, or 3 when every layer is. Written
     * by the publisher's executor; another thread may read a value one packet old (statistics).
     */
    public int maxTemporalLayer() {
        return pictures.maxTemporalLayer();
    }

    /** Asks for a keyframe on the layer forwarded now (a subscriber's PLI or FIR). Any thread with its own buffer. */
    boolean requestKeyframe(long now, byte[] buf) {
        int c = selector.current();
        int t = c >= 0 ? c : selector.target();
        return t >= 0 && source.layer(t).requestKeyframe(now, buf);
    }

    void close() {
        closed = true;
    }

    public int fractionLost() {
        return fractionLost;
    }

    public long cumulativeLost() {
        return cumulativeLost;
    }

    /** Interarrival jitter the subscriber reports, in RTP timestamp units. */
    public long jitter() {
        return jitter;
    }

    /** Round-trip time from the subscriber's receiver reports, or -1 when not known yet. */
    public long rttNanos() {
        return rttNanos;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** Bytes of the RTP packets forwarded to the subscriber (headers included). */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Forwards one packet of the source to this subscriber (publisher's executor): chooses by
     * layer ({@link LayerSelector}), drops temporal layers above the limit and keeps VP8
     * numbering continuous ({@link Vp8PictureRewriter}), rewrites SSRC, payload type, extension
     * ids, sequence number and timestamp ({@link SequenceRewriter}) into {@code out}, and sends.
     *
     * @param p   the packet as the publisher sent it (never modified)
     * @param out a buffer owned by the calling executor, with tail room
     */
    void forward(IngressPacket p, byte[] out) {
        ForwardingMetrics roomMetrics = source.publisher.roomMetrics;
        if (!active || closed) {
            roomMetrics.drop(closed ? DropReason.CLOSED : DropReason.NOT_SUBSCRIBED);
            return;
        }
        PayloadMapping m = mapping;
        int outPt = m.ptMap[p.payloadType];
        if (outPt < 0) {
            roomMetrics.drop(DropReason.UNSUPPORTED_CODEC);
            return;
        }
        SequenceRewriter rw = slot.rewriter;
        SimulcastLayer l = p.layer;
        boolean newSource = false;
        boolean vp8 = false;
        if (source.video) {
            boolean newStream = l.index == selector.current() && p.ssrc != rw.sourceSsrc();
            int decision = selector.decide(l.index, p.keyframe, newStream);
            if (decision != LayerSelector.FORWARD && decision != LayerSelector.SWITCH) {
                roomMetrics.drop(dropReason(decision));
                if (decision != LayerSelector.PAUSE) {
                    retryKeyframe(p.now);
                }
                return;
            }
            if (decision == LayerSelector.SWITCH) {
                rw.restart(alignedTimestamp(forwardedLayer, l, p.timestamp));
                if (forwardedLayer != null && forwardedLayer != l) {
                    layerSwitches++;
                }
                forwardedLayer = l;
                newSource = true;
            } else if (selector.target() != l.index) {
                retryKeyframe(p.now);
            }
            vp8 = source.formatByPt[p.payloadType] == UpTrack.KeyframeFormat.VP8;
        }
        int len = p.len;
        int h = p.headerLength;
        System.arraycopy(p.buf, p.off, out, 0, len);
        if (vp8 && !pictures.process(out, h, len - h, newSource)) {
            rw.skip(p.ssrc, p.sequence);
            roomMetrics.drop(DropReason.TEMPORAL_LAYER_DROPPED);
            return;
        }
        RtpPacket.setSsrc(out, 0, (int) slot.ssrc);
        RtpPacket.setPayloadType(out, 0, outPt);
        if (!remapExtensions(out, len, m.extMap)) {
            roomMetrics.drop(DropReason.MALFORMED);
            return;
        }
        rw.rewrite(out, 0, p.ssrc, p.now);
        int outSeq = RtpPacket.sequenceNumber(out, 0);
        history.record(outSeq, l.index, p.sequence, RtpPacket.timestamp(out, 0),
                vp8 ? pictures.writtenFields() : RewriteHistory.NO_VP8);
        packetsSent++;
        octetsSent += p.payloadLength();
        long now = p.now;
        // Sent now or queued by the pacer; the egress counts what it drops.
        if (subscriber.egress.sendMedia(source.kind(), out, len, now)) {
            roomMetrics.packetsOut.mark(1, now);
            roomMetrics.bytesOut.mark(len, now);
            subscriber.metrics.packetsDown.mark(1, now);
            subscriber.metrics.bytesDown.mark(len, now);
            bytesSent += len;
        }
    }

    private static DropReason dropReason(int decision) {
        return switch (decision) {
            case LayerSelector.PAUSE -> DropReason.PAUSED;
            case LayerSelector.WAIT_KEYFRAME -> DropReason.NO_KEYFRAME_YET;
            default -> DropReason.LAYER_NOT_SELECTED;
        };
    }

    /** Asks the target layer for a keyframe again when the last request is older than the retry time. */
    private void retryKeyframe(long now) {
        int t = selector.target();
        if (t < 0 || t == selector.current()) {
            return;
        }
        SimulcastLayer tl = source.layer(t);
        if (now - tl.lastPliNanos() > subscriber.config.keyframeRetryNanos()) {
            tl.requestKeyframe(now, source.publisher.rtcpBuffer);
        }
    }

    /**
     * The outgoing timestamp for the first packet of {@code to} after {@code from}, so that both
     * layers' media times line up: each layer's last sender report maps its RTP clock to NTP
     * time (RFC 3550 section 6.4.1), so a timestamp of {@code to} converts to {@code from}'s
     * clock and then through the offset in use. Returns -1 (the rewriter then advances by the
     * wall time elapsed) while either layer has not sent a report.
     */
    private long alignedTimestamp(SimulcastLayer from, SimulcastLayer to, long tsTo) {
        if (from == null || !from.haveSr || !to.haveSr || !slot.rewriter.started()) {
            return -1;
        }
        long ntpDiff = to.srNtp - from.srNtp;
        long ticks = Math.round(ntpDiff * (double) source.clockRate / 4294967296.0);
        long sinceSr = (int) (tsTo - to.srRtp);
        long tsFrom = (from.srRtp + sinceSr + ticks) & 0xFFFFFFFFL;
        return slot.rewriter.toOutgoingTimestamp(tsFrom);
    }

    /**
     * Answers one NACKed sequence number (subscriber's executor) from the cache of the layer the
     * packet came from, with the sequence number, timestamp and VP8 numbering it was sent with:
     * as RTX (RFC 4588 section 4) when the subscriber negotiated it for the payload type, else
     * as the original packet. Returns true when something was sent.
     */
    boolean retransmit(int outSeq, long now, byte[] out) {
        if (!active || closed || !slot.rewriter.started()) {
            return false;
        }
        int entry = history.lookup(outSeq);
        if (entry < 0) {
            return false;
        }
        SimulcastLayer l = source.layer(entry >>> 16);
        int srcSeq = entry & 0xFFFF;
        RetransmissionCache cache = l.cache;
        if (cache == null) {
            return false;
        }
        int i = outSeq & (resendSeq.length - 1);
        if (resendSeq[i] == outSeq && now - resendNanos[i] < subscriber.config.resendMinIntervalNanos()) {
            return false;
        }
        int len = cache.copy(srcSeq, l.ssrc, now, out, 0);
        if (len < 0) {
            return false;
        }
        int h = RtpPacket.validHeaderLength(out, 0, len);
        if (h < 0) {
            return false;
        }
        PayloadMapping m = mapping;
        int outPt = m.ptMap[RtpPacket.payloadType(out, 0)];
        if (outPt < 0 || !remapExtensions(out, len, m.extMap)) {
            return false;
        }
        resendSeq[i] = outSeq;
        resendNanos[i] = now;
        RtpPacket.setSequenceNumber(out, 0, outSeq);
        RtpPacket.setTimestamp(out, 0, history.timestamp(outSeq));
        int vp8 = history.vp8Fields(outSeq);
        if (vp8 != RewriteHistory.NO_VP8) {
            restoreVp8(out, h, len - h, vp8);
        }
        int rtxPt = m.rtxPtBySubscriberPt[outPt];
        if (rtxPt >= 0 && slot.rtxSsrc >= 0) {
            if (len + RtxDecoder.OSN_LENGTH + RtpPacket.TAIL_ROOM > out.length) {
                return false;
            }
            // RFC 4588 section 4: the original sequence number leads the RTX payload.
            System.arraycopy(out, h, out, h + RtxDecoder.OSN_LENGTH, len - h);
            out[h] = (byte) (outSeq >>> 8);
            out[h + 1] = (byte) outSeq;
            len += RtxDecoder.OSN_LENGTH;
            RtpPacket.setPayloadType(out, 0, rtxPt);
            RtpPacket.setSsrc(out, 0, (int) slot.rtxSsrc);
            // The egress writes the RTX sequence number when the packet leaves.
            return subscriber.egress.sendRetransmission(source.kind(), slot, out, len, now);
        }
        RtpPacket.setPayloadType(out, 0, outPt);
        RtpPacket.setSsrc(out, 0, (int) slot.ssrc);
        return subscriber.egress.sendRetransmission(source.kind(), null, out, len, now);
    }

    /**
     * The RTX payload type probes use on this track's RTX SSRC: the first the subscriber
     * negotiated for any of its codecs, or -1 when it has no RTX (then no probe uses it).
     */
    int probeRtxPayloadType() {
        if (slot.rtxSsrc < 0) {
            return -1;
        }
        int[] rtx = mapping.rtxPtBySubscriberPt;
        for (int pt = 0; pt < rtx.length; pt++) {
            if (rtx[pt] >= 0) {
                return rtx[pt];
            }
        }
        return -1;
    }

    private static void restoreVp8(byte[] b, int off, int len, int packed) {
        int pid = RewriteHistory.pictureId(packed);
        int tl0 = RewriteHistory.tl0PicIdx(packed);
        int key = RewriteHistory.keyIndex(packed);
        if (pid >= 0) {
            Vp8PayloadDescriptor.setPictureId(b, off, len, pid);
        }
        if (tl0 >= 0) {
            Vp8PayloadDescriptor.setTl0PicIdx(b, off, len, tl0);
        }
        if (key >= 0) {
            Vp8PayloadDescriptor.setKeyIndex(b, off, len, key);
        }
    }

    /**
     * Renames the header extension elements to the subscriber's ids, blanking those it did not
     * negotiate (RFC 8285). An extension block of another profile carries no ids and passes
     * unchanged (RFC 3550 section 5.3.1). Returns false when the block is malformed.
     */
    private static boolean remapExtensions(byte[] b, int len, int[] idMap) {
        if (HeaderExtensions.remapIds(b, 0, len, idMap) >= 0) {
            return true;
        }
        int profileAt = RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(b, 0);
        return RtpPacket.validHeaderLength(b, 0, len) >= 0
                && HeaderExtensions.form(((b[profileAt] & 0xFF) << 8) | (b[profileAt + 1] & 0xFF)) == 0;
    }

    // The previous report block's extended highest sequence number and cumulative loss, for the
    // loss since then (subscriber's executor only); -1 before the first.
    private long reportedHighest = -1;
    private long reportedLost = -1;

    /**
     * Packets expected since the previous report block (RFC 3550 appendix A.3: the difference of
     * the extended highest sequence numbers); 0 for the first block or when it went backwards.
     */
    long expectedSinceLastReport(long extendedHighest) {
        long before = reportedHighest;
        reportedHighest = extendedHighest;
        long d = extendedHighest - before;
        return before < 0 || d <= 0 || d > 1 << 20 ? 0 : d;
    }

    /** Packets lost since the previous report block, never negative (duplicates lower the count). */
    long lostSinceLastReport(long cumulativeLost) {
        long before = reportedLost;
        reportedLost = cumulativeLost;
        return before < 0 ? 0 : Math.max(0, cumulativeLost - before);
    }

    /** Takes one report block about this stream from the subscriber's RR or SR. */
    void onReportBlock(int fraction, long lost, long jitter, long lsr, long dlsr, long now) {
        this.fractionLost = fraction;
        this.cumulativeLost = lost;
        this.jitter = jitter;
        if (lsr != 0 && lsr == lastSrMiddle) {
            long rtt = now - lastSrSentNanos - dlsr * 1_000_000_000L / 65536;
            if (rtt >= 0) {
                rttNanos = rtt;
            }
        }
    }
}
