package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.util.BufferPool;

import java.util.List;

/**
 * One published track as one subscriber receives it: the subscriber-facing SSRC (and RTX SSRC)
 * the server chose, the payload type and header extension id mappings to what that subscriber
 * negotiated, the sequence/timestamp rewriting, keyframe gating, and the statistics from the
 * subscriber's receiver reports.
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
    private boolean keyframeSeen;
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

    DownTrack(MediaEndpoint subscriber, UpTrack source, SendSlot slot, PayloadMapping mapping, int cacheSize) {
        this.subscriber = subscriber;
        this.source = source;
        this.slot = slot;
        this.mapping = mapping;
        int n = source.cache != null ? cacheSize : 0;
        this.resendSeq = new int[n];
        this.resendNanos = new long[n];
        java.util.Arrays.fill(resendSeq, -1);
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
     * Video first asks the publisher for a keyframe.
     */
    public void activate() {
        if (active || closed) {
            return;
        }
        active = true;
        if (source.video) {
            BufferPool pool = subscriber.pool;
            byte[] buf = pool.acquire();
            try {
                source.requestKeyframe(subscriber.clock.getAsLong(), buf);
            } finally {
                pool.release(buf);
            }
        }
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
     * Rewrites one packet of the source into {@code out} and sends it (publisher's executor).
     *
     * @param src       the packet as the publisher sent it (never modified)
     * @param h         its RTP header length
     * @param keyframe  whether it starts a keyframe
     * @param out       a buffer owned by the calling executor, with tail room
     */
    void forward(byte[] src, int off, int len, int h, long srcSsrc, boolean keyframe, long now, byte[] out,
                 ForwardingMetrics roomMetrics) {
        if (!active || closed) {
            roomMetrics.drop(closed ? DropReason.CLOSED : DropReason.NOT_SUBSCRIBED);
            return;
        }
        PayloadMapping m = mapping;
        int pt = RtpPacket.payloadType(src, off);
        int outPt = m.ptMap[pt];
        if (outPt < 0) {
            roomMetrics.drop(DropReason.UNSUPPORTED_CODEC);
            return;
        }
        SequenceRewriter rw = slot.rewriter;
        if (source.video && (!keyframeSeen || rw.isNewSource(srcSsrc))) {
            if (!keyframe) {
                keyframeSeen = false;
                roomMetrics.drop(DropReason.NO_KEYFRAME_YET);
                if (now - source.lastPliNanos() > subscriber.config.keyframeRetryNanos()) {
                    source.requestKeyframe(now, source.publisher.rtcpBuffer);
                }
                return;
            }
            keyframeSeen = true;
        }
        System.arraycopy(src, off, out, 0, len);
        RtpPacket.setSsrc(out, 0, (int) slot.ssrc);
        RtpPacket.setPayloadType(out, 0, outPt);
        if (!remapExtensions(out, len, m.extMap)) {
            roomMetrics.drop(DropReason.MALFORMED);
            return;
        }
        rw.rewrite(out, 0, srcSsrc, now);
        packetsSent++;
        octetsSent += RtpPacket.payloadLength(out, 0, len, h);
        if (subscriber.transport.sendRtp(out, 0, len)) {
            roomMetrics.packetsOut.mark(1, now);
            roomMetrics.bytesOut.mark(len, now);
            subscriber.metrics.packetsDown.mark(1, now);
            subscriber.metrics.bytesDown.mark(len, now);
            bytesSent += len;
        } else {
            roomMetrics.drop(DropReason.TRANSPORT_REFUSED);
        }
    }

    /**
     * Answers one NACKed sequence number from the source's cache (subscriber's executor): as
     * RTX (RFC 4588 section 4) when the subscriber negotiated it for the payload type, else as
     * the original packet. Returns true when something was sent.
     */
    boolean retransmit(int outSeq, long now, byte[] out) {
        RetransmissionCache cache = source.cache;
        SequenceRewriter rw = slot.rewriter;
        if (cache == null || !active || closed || !rw.started()) {
            return false;
        }
        int srcSeq = rw.toSource(outSeq);
        int i = srcSeq & (resendSeq.length - 1);
        if (resendSeq[i] == srcSeq && now - resendNanos[i] < subscriber.config.resendMinIntervalNanos()) {
            return false;
        }
        int len = cache.copy(srcSeq, rw.sourceSsrc(), now, out, 0);
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
        resendSeq[i] = srcSeq;
        resendNanos[i] = now;
        RtpPacket.setSequenceNumber(out, 0, outSeq);
        RtpPacket.setTimestamp(out, 0, rw.toOutgoingTimestamp(RtpPacket.timestamp(out, 0)));
        int rtxPt = m.rtxPtBySubscriberPt[outPt];
        if (rtxPt >= 0 && slot.rtxSsrc >= 0) {
            if (len + MediaEndpoint.RTX_OSN_LENGTH + RtpPacket.TAIL_ROOM > out.length) {
                return false;
            }
            // RFC 4588 section 4: the original sequence number leads the RTX payload.
            System.arraycopy(out, h, out, h + MediaEndpoint.RTX_OSN_LENGTH, len - h);
            out[h] = (byte) (outSeq >>> 8);
            out[h + 1] = (byte) outSeq;
            len += MediaEndpoint.RTX_OSN_LENGTH;
            RtpPacket.setPayloadType(out, 0, rtxPt);
            RtpPacket.setSsrc(out, 0, (int) slot.rtxSsrc);
            RtpPacket.setSequenceNumber(out, 0, slot.rtxSeq);
            slot.rtxSeq = (slot.rtxSeq + 1) & 0xFFFF;
        } else {
            RtpPacket.setPayloadType(out, 0, outPt);
            RtpPacket.setSsrc(out, 0, (int) slot.ssrc);
        }
        return subscriber.transport.sendRtp(out, 0, len);
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
