package dev.sfu.core.forward;

import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.cc.SendSideBandwidthEstimator;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.FirPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import dev.sfu.rtp.util.BufferPool;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The sending half of a relay to another node (docs/architecture.md, "Relays"). Every packet of
 * the local tracks {@link #attach attached} to it crosses once, whatever the number of subscribers
 * on the far node, and crosses unchanged: the publisher's SSRC, sequence number, timestamp,
 * payload type and header extension ids (an RTX retransmission from the publisher crosses as the
 * original packet it repairs). All simulcast layers cross; the far node picks one per subscriber.
 *
 * <p>Feedback from the far node is terminated here, per hop (RFC 3550 section 6, RFC 4585):
 * <ul>
 *   <li>a NACK is answered from this node's retransmission cache of the layer, as RTX (RFC 4588)
 *       on the layer's RTX SSRC with a sequence of the relay's own: the same packet sent again on
 *       its own SSRC and sequence number would be an SRTP replay (RFC 3711 section 3.3.2) and
 *       dropped by the far node;</li>
 *   <li>a PLI or FIR becomes a keyframe request to the publisher, rate-limited like a local
 *       subscriber's ({@code ForwardingConfig.pliMinIntervalNanos});</li>
 *   <li>receiver reports give the loss on the relay; nothing goes on to the publisher, which gets
 *       this node's own reports;</li>
 *   <li>the publisher's sender reports are not forwarded: this node writes its own, with the
 *       publisher's NTP/RTP mapping and the packets and octets it relayed
 *       ({@link #senderReport}).</li>
 * </ul>
 *
 * <p><b>Congestion control on the relay</b> (docs/architecture.md, "Relays"), with the classes
 * subscribers use: every RTP packet that crosses (media and RTX) carries this node's own
 * transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01), written
 * over the publisher's element, or added under the id {@link #transportCcIdOnRelay} picks, which
 * the track's description tells the far node; a {@link SendSideBandwidthEstimator} per relay
 * turns the far node's transport-cc feedback into the relay's estimate ({@link #estimatedBps}).
 * The estimate limits what crosses only after it has been cut (an overuse or a loss cut: the
 * relay was found congested) and only while it is below what the far node needs: then, for
 * {@link #HOLD_NANOS} after the last cut, the highest simulcast layers are held back
 * ({@link Drop#BANDWIDTH}), the layers above the lowest one by one, lowest first, in the
 * budget the estimate leaves after audio and each track's lowest layer (which always crosses,
 * needed or not, so that the far node's subscribers keep a video); audio and single-layer video
 * are never held back. When the hold ends everything needed crosses again: if the relay is still
 * congested the estimator cuts again and the hold starts over (media, not padding, probes the
 * relay: there is no pacer or padding probe on a relay). A relay normally has the bandwidth: the
 * estimate is never cut and nothing changes. With congestion control off for the node nothing is
 * stamped and nothing held back.
 *
 * <p>Threads: {@link #forward} and {@link #senderReport} run on publishers' executors with their
 * buffers and allocate nothing; {@link #onFeedback} runs on the relay transport's executor with a
 * buffer of this egress's own; counters are atomics. One lock keeps the transport-wide sequence
 * in send order, around stamping, the send, and the estimator.
 */
public final class RelayEgress {
    /** Why a packet did not cross, counted by {@link #drops(Drop)}. */
    public enum Drop {
        /** The relay transport refused it (not connected yet, closed, encryption failed): its own counters say which. */
        TRANSPORT_REFUSED,
        /** No room for the SRTP tag after the packet. */
        TOO_LARGE,
        /** The relay was closed. */
        CLOSED,
        /** A simulcast layer the far node does not need now (dynacast across the relay); not an error. */
        LAYER_NOT_NEEDED,
        /** Feedback about an SSRC this relay does not send. */
        UNKNOWN_SSRC,
        /** A NACKed packet no longer (or never) in the cache. */
        NOT_CACHED,
        /** A NACKed packet of a layer without an RTX SSRC or payload type to resend it on. */
        NO_RTX,
        /** Feedback that its view rejected. */
        MALFORMED,
        /** A simulcast layer held back because the relay's estimate is below what the far node needs. */
        BANDWIDTH
    }

    /** How long after the estimate's last cut the layers that do not fit it are held back. */
    public static final long HOLD_NANOS = 10_000_000_000L;
    /** A relay's estimate may go this high (a subscriber's is bounded by its config's maximum). */
    public static final long MAX_RELAY_BPS = 1_000_000_000L;
    /** Layer bitrates are measured over at least this long. */
    static final long RATE_WINDOW_NANOS = 500_000_000L;

    /**
     * Hears what the far node must be told again (publisher's executor, or the room scheduler
     * after it released the room's lock; must not block for long, and is never called with the
     * room's lock held: its implementation takes the relay's lock).
     */
    public interface Listener {
        /**
         * A layer of {@code track} was found on an SSRC the track's description did not have, or
         * was measured for the first time (size, bitrate: the far node prices it from them).
         */
        void ssrcLearned(UpTrack track);

        /** The relay's estimate started or stopped holding layers back (relay executor; must not block). */
        default void limitChanged() {
        }
    }

    private static final UpTrack[] NONE = new UpTrack[0];

    private final MediaTransport transport;
    private final BufferPool pool;
    private final LongSupplier clock;
    private final byte[] feedbackBuffer;
    private final NackPacket nack = new NackPacket();
    private final PliPacket pli = new PliPacket();
    private final FirPacket fir = new FirPacket();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();
    private volatile UpTrack[] tracks = NONE;
    /** Per simulcast track, the layers the far node needs (bit per layer index); absent: all. */
    private final java.util.concurrent.ConcurrentHashMap<UpTrack, Integer> needed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Listener listener;
    private final InFlightGate gate = new InFlightGate(this::releaseFeedbackBuffer);

    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong senderReportsSent = new AtomicLong();
    private final AtomicLong nacksReceived = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();
    private final AtomicLong keyframeRequestsReceived = new AtomicLong();
    private final AtomicLong keyframeRequestsSent = new AtomicLong();
    private final AtomicLong receiverReports = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private volatile int fractionLost;

    // Congestion control: under ccLock, but the volatile results.
    private final Object ccLock = new Object();
    /** Null when congestion control is off for the node. */
    private final SendSideBandwidthEstimator estimator;
    private final TransportCcFeedback transportCc = new TransportCcFeedback();
    private int nextTransportSeq;
    private long lastSendNanos = Long.MIN_VALUE / 2;
    private long unstamped;
    private final AtomicLong transportFeedbacks = new AtomicLong();
    private volatile long estimate = -1;
    // The hold (relay executor only, but the volatile ones).
    private int cutsSeen;
    private long lastCutNanos = Long.MIN_VALUE;
    private long lastCutEstimate = -1;
    /** Per layer: bytes received and when, at the last measurement, and the bitrate then. */
    private final java.util.concurrent.ConcurrentHashMap<SimulcastLayer, long[]> rates = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per simulcast track held back now, the layers allowed to cross (bit per layer index). */
    private final java.util.concurrent.ConcurrentHashMap<UpTrack, Integer> allowed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean limiting;
    private volatile long neededBps;
    private volatile int layersHeldBack;
    private final AtomicLong holds = new AtomicLong();

    public RelayEgress(MediaTransport transport, ForwardingContext context) {
        this.transport = transport;
        this.pool = context.pool();
        this.clock = context.nanoClock();
        this.feedbackBuffer = pool.acquire();
        CongestionControlConfig cc = context.congestionControl();
        long now = clock.getAsLong();
        this.estimator = cc.enabled()
                ? new SendSideBandwidthEstimator(cc.withBitrates(cc.initialBitrateBps(), cc.minBitrateBps(),
                        Math.max(cc.maxBitrateBps(), MAX_RELAY_BPS)), now)
                : null;
        this.nextTransportSeq = (int) (now & 0xFFFF);
    }

    /**
     * The header extension id under which the packets of {@code t} carry the relay's
     * transport-wide sequence number: the publisher's own transport-cc id when it negotiated one
     * (its element is overwritten), else the lowest one-byte id (1-14) the track does not use
     * (the element is added), or -1 when none is free. The sending node stamps under it, and the
     * track's description ({@code RelayTrack}) names it to the receiving node.
     */
    public static int transportCcIdOnRelay(PublishedTrack t) {
        long used = 0;
        for (HeaderExtension e : t.extensions()) {
            if (TransportCcExtension.URI.equals(e.uri()) && e.id() > 0 && e.id() <= 255) {
                return e.id();
            }
            if (e.id() > 0 && e.id() < 64) {
                used |= 1L << e.id();
            }
        }
        for (int id = 1; id <= 14; id++) {
            if ((used & (1L << id)) == 0) {
                return id;
            }
        }
        return -1;
    }

    public void setListener(Listener l) {
        listener = l;
    }

    /** Starts relaying {@code up}'s packets (idempotent). Any thread. */
    public synchronized void attach(UpTrack up) {
        for (UpTrack u : tracks) {
            if (u == up) {
                return;
            }
        }
        tracks = CopyOnWrite.with(tracks, up);
        up.addRelay(this);
    }

    /** Stops relaying {@code up}'s packets. Any thread. */
    public synchronized void detach(UpTrack up) {
        tracks = CopyOnWrite.without(tracks, up);
        needed.remove(up);
        allowed.remove(up);
        for (SimulcastLayer l : up.layers()) {
            rates.remove(l);
        }
        up.removeRelay(this);
    }

    /**
     * Dynacast across the relay: the far node needs only these layers of {@code up} (by rid);
     * the others stop crossing, and the publisher may stop sending them if no one else needs
     * them. Unknown rids are ignored; an empty list keeps the smallest layer. Any thread.
     */
    public void setLayersNeeded(UpTrack up, List<String> rids) {
        int mask = 0;
        for (int i = 0; i < up.layerCount(); i++) {
            if (rids.contains(up.layer(i).rid)) {
                mask |= 1 << i;
            }
        }
        needed.put(up, mask == 0 ? 1 : mask);
    }

    /**
     * The layers of {@code up} the far node needs, as a bit mask (all until it said); while the
     * estimate holds layers back, the lowest layer too (it crosses instead).
     */
    int layersNeeded(UpTrack up) {
        Integer m = needed.get(up);
        int mask = m == null ? -1 : m;
        return limiting ? mask | 1 : mask;
    }

    /** The tracks relayed now. */
    public List<UpTrack> tracks() {
        return List.of(tracks);
    }

    // ---------------------------------------------------------------- packet path

    /** Sends one packet across, unchanged (publisher's executor; {@code out} is its buffer). */
    void forward(IngressPacket p, byte[] out) {
        if (gate.isClosed()) {
            drops.incrementAndGet(Drop.CLOSED.ordinal());
            return;
        }
        if (p.track.layerCount() > 1) {
            Integer a = limiting ? allowed.get(p.track) : null;
            if (a != null) {
                if ((a & (1 << p.layer.index)) == 0) {
                    drops.incrementAndGet(Drop.BANDWIDTH.ordinal());
                    return;
                }
            } else {
                Integer m = needed.get(p.track);
                if (m != null && (m & (1 << p.layer.index)) == 0) {
                    drops.incrementAndGet(Drop.LAYER_NOT_NEEDED.ordinal());
                    return;
                }
            }
        }
        int len = p.len;
        if (len + RtpPacket.TAIL_ROOM > out.length) {
            drops.incrementAndGet(Drop.TOO_LARGE.ordinal());
            return;
        }
        System.arraycopy(p.buf, p.off, out, 0, len);
        int n = send(out, len, p.track.relayTransportCcId);
        if (n >= 0) {
            packetsSent.incrementAndGet();
            bytesSent.addAndGet(n);
        } else {
            drops.incrementAndGet(Drop.TRANSPORT_REFUSED.ordinal());
        }
    }

    /**
     * Stamps the relay's transport-wide sequence number under {@code id} (when congestion control
     * is on), sends, and records the packet with the estimator. Returns the size sent, or -1 when
     * the transport refused it (no sequence number is used up then).
     */
    private int send(byte[] buf, int len, int id) {
        SendSideBandwidthEstimator e = estimator;
        if (e == null) {
            return transport.sendRtp(buf, 0, len) ? len : -1;
        }
        synchronized (ccLock) {
            int seq = nextTransportSeq;
            int n = id > 0 ? SubscriberEgress.stamp(buf, len, id, seq) : -1;
            boolean stamped = n >= 0;
            if (!stamped) {
                n = len;
                unstamped++;
            }
            if (!transport.sendRtp(buf, 0, n)) {
                return -1;
            }
            if (stamped) {
                nextTransportSeq = (seq + 1) & 0xFFFF;
                long now = clock.getAsLong();
                // Send times in sequence order (see SubscriberEgress#send).
                if (now - lastSendNanos < 0) {
                    now = lastSendNanos;
                }
                lastSendNanos = now;
                e.onPacketSent(seq, n, now, -1);
            }
            return n;
        }
    }

    /**
     * This node's own sender report for a relayed layer (RFC 3550 section 6.4.1), when the
     * publisher sent one: the publisher's NTP time and RTP timestamp (so the far node can align
     * layers and keep lip sync), and the packets and payload octets this node relayed on that
     * SSRC. Publisher's executor; {@code out} is its RTCP buffer.
     */
    void senderReport(SimulcastLayer l, long ntp, long rtpTimestamp, byte[] out) {
        if (gate.isClosed() || (layersNeeded(l.track) & (1 << l.index)) == 0) {
            return;
        }
        int n = SenderReport.write(out, 0, out.length - RtpPacket.TAIL_ROOM, l.ssrc, ntp, rtpTimestamp,
                l.relayedPackets & 0xFFFFFFFFL, l.relayedOctets & 0xFFFFFFFFL, 0);
        if (n > 0 && transport.sendRtcp(out, 0, n)) {
            senderReportsSent.incrementAndGet();
        }
    }

    void ssrcLearned(UpTrack up) {
        Listener l = listener;
        if (l != null) {
            l.ssrcLearned(up);
        }
    }

    /**
     * A layer of {@code up} was measured for the first time (room scheduler, outside the room's
     * lock: {@link LayerAllocator#describeMeasured}): describe the track again.
     */
    void layerMeasured(UpTrack up) {
        ssrcLearned(up);
    }

    /**
     * One RTCP packet (not a compound) from the far node about the streams this relay sends:
     * a receiver report, a NACK, a PLI or a FIR; anything else is ignored. Relay executor.
     */
    public void onFeedback(byte[] b, int off, int len) {
        if (!gate.enter()) {
            return;
        }
        try {
            long now = clock.getAsLong();
            int type = RtcpHeader.packetType(b, off);
            int fmt = RtcpHeader.count(b, off);
            if (type == RtcpHeader.PT_RR) {
                if (rr.wrap(b, off, len)) {
                    receiverReport();
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_RTPFB && fmt == RtcpFeedback.FMT_TRANSPORT_CC) {
                if (transportCc.wrap(b, off, len)) {
                    transportFeedback(now);
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_RTPFB && fmt == RtcpFeedback.FMT_NACK) {
                if (nack.wrap(b, off, len)) {
                    nack(now);
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_PSFB && fmt == RtcpFeedback.FMT_PLI) {
                if (pli.wrap(b, off, len)) {
                    keyframeRequest(pli.mediaSsrc(), now);
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_PSFB && fmt == RtcpFeedback.FMT_FIR) {
                if (fir.wrap(b, off, len)) {
                    // RFC 5104 section 4.3.1.1: one FCI entry per requested SSRC.
                    for (int i = 0; i < fir.entryCount(); i++) {
                        keyframeRequest(fir.entrySsrc(i), now);
                    }
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            }
        } finally {
            gate.exit();
        }
    }

    private void receiverReport() {
        for (int i = 0; i < rr.reportCount(); i++) {
            if (rr.reportBlock(i, block) && layer(block.ssrc()) != null) {
                receiverReports.incrementAndGet();
                fractionLost = block.fractionLost();
            }
        }
    }

    /** RFC 4585 section 6.2.1: answered from this node's cache, never passed to the publisher. */
    private void nack(long now) {
        nacksReceived.incrementAndGet();
        SimulcastLayer l = layer(nack.mediaSsrc());
        if (l == null || l.cache == null) {
            drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
            return;
        }
        for (int i = 0; i < nack.entryCount(); i++) {
            int pid = nack.pid(i);
            int blp = nack.blp(i);
            resend(l, pid, now);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    resend(l, (pid + bit + 1) & 0xFFFF, now);
                }
            }
        }
    }

    private void resend(SimulcastLayer l, int seq, long now) {
        byte[] out = feedbackBuffer;
        long rtxSsrc = l.rtxSsrc;
        int len = l.cache.copy(seq, l.ssrc, now, out, 0);
        if (len < 0) {
            drops.incrementAndGet(Drop.NOT_CACHED.ordinal());
            return;
        }
        int h = RtpPacket.validHeaderLength(out, 0, len);
        int pt = RtpPacket.payloadType(out, 0);
        dev.sfu.core.room.Codec codec = h < 0 ? null : l.track.codecByPt[pt];
        int rtxPt = codec == null ? -1 : codec.rtxPayloadType();
        if (rtxSsrc < 0 || rtxPt < 0 || rtxPt > 127) {
            drops.incrementAndGet(Drop.NO_RTX.ordinal());
            return;
        }
        if (len + RtxDecoder.OSN_LENGTH + RtpPacket.TAIL_ROOM > out.length) {
            drops.incrementAndGet(Drop.TOO_LARGE.ordinal());
            return;
        }
        // RFC 4588 section 4: the original sequence number leads the payload.
        System.arraycopy(out, h, out, h + RtxDecoder.OSN_LENGTH, len - h);
        out[h] = (byte) (seq >>> 8);
        out[h + 1] = (byte) seq;
        len += RtxDecoder.OSN_LENGTH;
        RtpPacket.setPayloadType(out, 0, rtxPt);
        RtpPacket.setSsrc(out, 0, (int) rtxSsrc);
        RtpPacket.setSequenceNumber(out, 0, l.relayRtxSequence.incrementAndGet() & 0xFFFF);
        if (send(out, len, l.track.relayTransportCcId) >= 0) {
            retransmissions.incrementAndGet();
        } else {
            drops.incrementAndGet(Drop.TRANSPORT_REFUSED.ordinal());
        }
    }

    private void keyframeRequest(long mediaSsrc, long now) {
        keyframeRequestsReceived.incrementAndGet();
        SimulcastLayer l = layer(mediaSsrc);
        if (l == null) {
            drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
            return;
        }
        if (l.requestKeyframe(now, feedbackBuffer)) {
            keyframeRequestsSent.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- the relay's estimate (relay executor)

    /** One transport-cc feedback message from the far node (wrapped in {@link #transportCc}). */
    private void transportFeedback(long now) {
        SendSideBandwidthEstimator e = estimator;
        if (e == null) {
            return;
        }
        transportFeedbacks.incrementAndGet();
        int cuts;
        synchronized (ccLock) {
            e.onFeedback(transportCc, now);
            estimate = e.targetBitrateBps();
            cuts = e.delayDecreases() + e.lossDecreases();
        }
        if (cuts != cutsSeen) {
            cutsSeen = cuts;
            lastCutNanos = now;
            lastCutEstimate = estimate;
        }
        allocate(now);
    }

    /**
     * Decides what crosses: everything needed, unless the estimate was cut in the last
     * {@link #HOLD_NANOS} and is below what the needed layers take now (see the class comment).
     */
    private void allocate(long now) {
        UpTrack[] ts = tracks;
        long est = estimate;
        long need = 0;
        for (UpTrack u : ts) {
            int mask = neededMask(u);
            for (int i = 0; i < u.layerCount(); i++) {
                if ((mask & (1 << i)) != 0 || u.layerCount() == 1) {
                    need += layerBps(u.layer(i), now);
                }
            }
        }
        neededBps = need;
        boolean limit = lastCutNanos != Long.MIN_VALUE && now - lastCutNanos < HOLD_NANOS && est < need;
        if (!limit) {
            if (limiting) {
                limiting = false;
                allowed.clear();
                layersHeldBack = 0;
                notifyLimitChanged();
            }
            return;
        }
        // Audio, single-layer video and each simulcast track's lowest layer always cross.
        long budget = est;
        int maxLayers = 0;
        for (UpTrack u : ts) {
            budget -= layerBps(u.layer(0), now);
            maxLayers = Math.max(maxLayers, u.layerCount());
        }
        int[] masks = new int[ts.length];
        int held = 0;
        for (int level = 1; level < maxLayers; level++) {
            for (int k = 0; k < ts.length; k++) {
                UpTrack u = ts[k];
                if (level >= u.layerCount() || u.kind() != MediaKind.VIDEO) {
                    continue;
                }
                masks[k] |= 1;
                if ((neededMask(u) & (1 << level)) == 0) {
                    continue;
                }
                long cost = layerBps(u.layer(level), now);
                if (cost <= budget) {
                    budget -= cost;
                    masks[k] |= 1 << level;
                } else {
                    held++;
                }
            }
        }
        for (int k = 0; k < ts.length; k++) {
            if (ts[k].layerCount() > 1) {
                allowed.put(ts[k], masks[k]);
            }
        }
        layersHeldBack = held;
        if (!limiting) {
            limiting = true;
            holds.incrementAndGet();
            notifyLimitChanged();
        }
    }

    private int neededMask(UpTrack u) {
        Integer m = needed.get(u);
        return m == null ? -1 : m;
    }

    /** The layer's bitrate from the publisher, measured here over {@link #RATE_WINDOW_NANOS} or more. */
    private long layerBps(SimulcastLayer l, long now) {
        long[] r = rates.get(l);
        long bytes = l.bytesReceived;
        if (r == null) {
            rates.put(l, new long[] {bytes, now, 0});
            return 0;
        }
        long dt = now - r[1];
        if (dt >= RATE_WINDOW_NANOS) {
            r[2] = (long) ((bytes - r[0]) * 8e9 / dt);
            r[0] = bytes;
            r[1] = now;
        }
        return r[2];
    }

    private void notifyLimitChanged() {
        Listener l = listener;
        if (l != null) {
            l.limitChanged();
        }
    }

    /** True when packets across carry this node's transport-wide sequence number (congestion control on). */
    public boolean stamps() {
        return estimator != null;
    }

    /** The relay's estimate, bits/s; -1 before the far node's first feedback, or with congestion control off. */
    public long estimatedBps() {
        return estimate;
    }

    /** What the far node needs of the relayed tracks now, bits/s (as measured from the publishers). */
    public long neededBps() {
        return neededBps;
    }

    /** True while the estimate holds layers back. */
    public boolean isLimiting() {
        return limiting;
    }

    /** Layers held back by the estimate now (over all tracks). */
    public int layersHeldBack() {
        return layersHeldBack;
    }

    /** Times the estimate started holding layers back. */
    public long holds() {
        return holds.get();
    }

    /** Transport-cc feedback messages received from the far node. */
    public long transportFeedbacks() {
        return transportFeedbacks.get();
    }

    /** Packets sent without the relay's transport-wide sequence number (no id free, no room). */
    public long unstamped() {
        synchronized (ccLock) {
            return unstamped;
        }
    }

    /** The estimator, read only where no other thread sends (tests). */
    SendSideBandwidthEstimator estimator() {
        return estimator;
    }

    /** The relayed layer whose media SSRC this is, or null. */
    private SimulcastLayer layer(long ssrc) {
        for (UpTrack u : tracks) {
            SimulcastLayer l = u.layerByMediaSsrc(ssrc);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- counters

    /** RTP packets sent across (retransmissions not included). */
    public long packetsSent() {
        return packetsSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long senderReportsSent() {
        return senderReportsSent.get();
    }

    /** NACK packets received from the far node. */
    public long nacksReceived() {
        return nacksReceived.get();
    }

    /** Packets sent again across, from this node's cache, for the far node's NACKs. */
    public long retransmissions() {
        return retransmissions.get();
    }

    /** PLIs and FIR entries received from the far node. */
    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived.get();
    }

    /** Of those, the ones that became a PLI to the publisher (the others fell in the rate limit). */
    public long keyframeRequestsSent() {
        return keyframeRequestsSent.get();
    }

    /** Report blocks received about the relayed streams. */
    public long receiverReports() {
        return receiverReports.get();
    }

    /** The fraction lost (RFC 3550, out of 256) in the far node's last report block. */
    public int fractionLost() {
        return fractionLost;
    }

    public long drops(Drop reason) {
        return drops.get(reason.ordinal());
    }

    // ---------------------------------------------------------------- lifecycle

    /** Detaches every track and stops the relay; the buffer goes back once no feedback is in flight. Idempotent. */
    public void close() {
        int inFlight = gate.close();
        if (inFlight < 0) {
            return;
        }
        synchronized (this) {
            for (UpTrack u : tracks) {
                u.removeRelay(this);
            }
            tracks = NONE;
        }
        if (inFlight == 0) {
            releaseFeedbackBuffer();
        }
    }

    private void releaseFeedbackBuffer() {
        pool.release(feedbackBuffer);
    }

    public boolean isClosed() {
        return gate.isClosed();
    }
}
