package dev.sfu.core.forward;

import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.cc.SendSideBandwidthEstimator;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import dev.sfu.rtp.util.BufferPool;

import java.util.List;

/**
 * The one door every RTP packet to one subscriber goes through (media from
 * {@link DownTrack#forward}, retransmissions from {@link DownTrack#retransmit}, probe padding):
 * it stamps the transport-wide sequence number, paces, and tells the subscriber's
 * {@link SendSideBandwidthEstimator} what left when.
 *
 * <p><b>Stamping</b> (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2): when the
 * subscriber negotiated the extension for the packet's media kind, one 16-bit counter across
 * all its streams numbers each packet at the moment it is handed to the transport, so sequence
 * order is send order, and the estimator records that number, size and time. The element is
 * overwritten when the packet carries it and added otherwise (the DownTrack turned the
 * publisher's element into padding, which the new element reuses in place).
 *
 * <p><b>Pacing</b>: a token bucket at {@link CongestionControlConfig#pacingFactor()} times the
 * estimate. A packet that finds the queue empty and budget left is sent at once from the
 * caller's buffer (the fast path: no copy, as cheap as before); otherwise it is copied into a
 * pooled buffer in the {@link PacerQueue} (bounded in packets and age; drops counted as
 * {@link DropReason#PACER_QUEUE_FULL} and {@link DropReason#PACER_EXPIRED}), which the shared
 * {@link PacerThread} drains, retransmissions first. Audio is never queued: it is small, steady
 * (50 packets/s) and the most delay-sensitive, so holding it behind a keyframe would only add
 * latency; its bytes still use up budget. libwebrtc does the same by default (audio is paced
 * only under the {@code WebRTC-Pacer-BlockAudio} field trial).
 *
 * <p><b>Probes</b>: on each pacer tick, once the subscriber has sent its first feedback (its
 * transport is up), the estimator may start a probe cluster; its bytes go out
 * as padding-only packets ({@link ProbePadding}) at the probe rate, on the RTX SSRC and payload
 * type of one of the subscriber's active video tracks, each recorded with the cluster id. A
 * subscriber without RTX gets no probes (counted in {@link #probesWithoutRtx}).
 *
 * <p>When congestion control is off, or the subscriber did not negotiate the extension, packets
 * go straight to the transport as before: unstamped, unpaced, no lock.
 *
 * <p>Threading: media arrives on publishers' executors, retransmissions on the subscriber's,
 * ticks and feedback on the pacer thread and the subscriber's executor. One lock guards the
 * counter, the bucket, the queue, the RTX sequence numbers and the estimator; it is held for
 * the send itself ({@link MediaTransport#sendRtp} encrypts one packet and queues it), which
 * is what keeps sequence order equal to send order.
 */
public final class SubscriberEgress {
    /** Bounded work per egress per tick (a 5 ms tick at 150 Mbit/s). */
    static final int MAX_PACKETS_PER_TICK = 64;
    private static final int KINDS = MediaKind.values().length;
    /** The most stamping can grow a packet: a new extension header and one padded element. */
    private static final int MAX_STAMP_GROWTH = 8;
    /** The pacer empties its queue within about this long, whatever the estimate (see {@link #pacingRateBps}). */
    static final long QUEUE_DRAIN_NANOS = 250_000_000L;
    /** A thread stall longer than this does not turn into a burst of budget. */
    private static final long MAX_ELAPSED_NANOS = 100_000_000L;
    private static final double NANOS_PER_SECOND = 1e9;

    private final Object lock = new Object();
    private final MediaEndpoint endpoint;
    private final MediaTransport transport;
    private final ForwardingMetrics roomMetrics;
    private final CongestionControlConfig config;
    private final PacerThread pacer;
    private final BufferPool pool;
    /** Replaced when the path changes ({@link #onRouteChanged}); under the lock. */
    private SendSideBandwidthEstimator estimator;
    private long desiredBps = -1;
    private final PacerQueue queue;
    /** The subscriber's extension id for the transport-wide sequence number, by media kind; 0: not negotiated. */
    private final int[] transportCcIds = new int[KINDS];
    private volatile boolean active;
    private boolean closed;
    private int nextTransportSeq;

    private double budgetBytes;
    private long lastRefill;
    private boolean refilled;

    private int probeCluster = -1;
    /** The cluster sending came from the estimator, which may stop it early (not from a test). */
    private boolean probeFromEstimator;
    private long probeRateBps;
    private int probeBytesLeft;
    private double probeCredit;
    private long probeLast;
    private byte[] padding;

    private volatile long estimate = -1;
    /** Send time of the last stamped packet (under the lock). */
    private long lastSendNanos = Long.MIN_VALUE / 2;

    // Counters: written under the lock, read by the getters under it.
    private long packetsQueued;
    private long bytesQueued;
    private long packetsDirect;
    private long bytesDirect;
    private long packetsPaced;
    private long bytesPaced;
    private long probeClusters;
    private long probePackets;
    private long probeBytes;
    private long probesWithoutRtx;
    private long feedbacks;
    private long unstamped;
    private final long[] drops = new long[DropReason.values().length];

    SubscriberEgress(MediaEndpoint endpoint, MediaTransport transport, ForwardingContext context,
                     ForwardingMetrics roomMetrics) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.roomMetrics = roomMetrics;
        this.config = context.congestionControl();
        this.pacer = context.pacer();
        this.pool = context.pool();
        long now = context.nanoClock().getAsLong();
        this.estimator = new SendSideBandwidthEstimator(config, now);
        this.queue = new PacerQueue(pool, config.pacerQueuePackets());
        this.nextTransportSeq = (int) (now & 0xFFFF);
    }

    // ---------------------------------------------------------------- set-up (any thread)

    /**
     * Sets the subscriber's transport-wide sequence number extension id for {@code kind} from
     * what it negotiated ({@code extensions} as its offer or answer listed them); null or a list
     * without it turns stamping off for that kind.
     */
    void setNegotiatedExtensions(MediaKind kind, List<HeaderExtension> extensions) {
        int id = 0;
        if (extensions != null) {
            for (int i = 0; i < extensions.size(); i++) {
                HeaderExtension e = extensions.get(i);
                if (TransportCcExtension.URI.equals(e.uri()) && e.id() > 0 && e.id() <= 255) {
                    id = e.id();
                }
            }
        }
        synchronized (lock) {
            transportCcIds[kind.ordinal()] = id;
            boolean on = config.enabled() && !closed;
            boolean any = false;
            for (int x : transportCcIds) {
                any |= x > 0;
            }
            on &= any;
            if (on == active) {
                return;
            }
            active = on;
            if (on) {
                pacer.register(this);
            } else {
                pacer.unregister(this);
                flush(lastRefill);
            }
        }
    }

    /** True while packets are stamped and paced (congestion control on and negotiated). */
    public boolean isActive() {
        return active;
    }

    // ---------------------------------------------------------------- packet path

    /**
     * Sends one media packet the caller rewrote into {@code buf} at offset 0 (a buffer with
     * {@link RtpPacket#TAIL_ROOM}), now or, copied, later. Returns true when sent or queued;
     * a drop is counted here.
     */
    boolean sendMedia(MediaKind kind, byte[] buf, int len, long now) {
        if (!active) {
            return sendUnpaced(buf, len);
        }
        synchronized (lock) {
            if (closed) {
                return drop(DropReason.CLOSED);
            }
            refill(now);
            if (kind == MediaKind.AUDIO || (queue.isEmpty() && budgetBytes > 0)) {
                return sendDirect(buf, len, kind.ordinal(), null, now);
            }
            return enqueue(PacerQueue.VIDEO, buf, len, kind.ordinal(), null, now);
        }
    }

    /**
     * Sends one retransmission (subscriber's executor). For RTX ({@code rtxSlot} not null) the
     * RTX sequence number is taken from the slot when the packet actually leaves, so the RTX
     * stream and the probes that share it stay in order.
     */
    boolean sendRetransmission(MediaKind kind, SendSlot rtxSlot, byte[] buf, int len, long now) {
        synchronized (lock) {
            if (closed) {
                return drop(DropReason.CLOSED);
            }
            if (!active) {
                return send(buf, len, kind.ordinal(), rtxSlot, now, -1, false) >= 0;
            }
            refill(now);
            if (budgetBytes > 0 && queue.nextClass() != PacerQueue.RETRANSMISSION) {
                return sendDirect(buf, len, kind.ordinal(), rtxSlot, now);
            }
            return enqueue(PacerQueue.RETRANSMISSION, buf, len, kind.ordinal(), rtxSlot, now);
        }
    }

    private boolean sendUnpaced(byte[] buf, int len) {
        if (transport.sendRtp(buf, 0, len)) {
            return true;
        }
        roomMetrics.drop(DropReason.TRANSPORT_REFUSED);
        return false;
    }

    private boolean sendDirect(byte[] buf, int len, int kind, SendSlot rtxSlot, long now) {
        int n = send(buf, len, kind, rtxSlot, now, -1, true);
        if (n < 0) {
            return false;
        }
        packetsDirect++;
        bytesDirect += n;
        return true;
    }

    private boolean enqueue(int cls, byte[] buf, int len, int kind, SendSlot rtxSlot, long now) {
        if (queue.isFull()) {
            expire(now);
            if (queue.isFull()) {
                return drop(DropReason.PACER_QUEUE_FULL);
            }
        }
        queue.add(cls, buf, len, kind, rtxSlot, now);
        packetsQueued++;
        bytesQueued += len;
        return true;
    }

    /**
     * Stamps (when negotiated for {@code kind}), sends and records one packet; under the lock.
     * Returns its size as sent, or -1 when the transport refused it (counted; no sequence
     * number is used up then).
     */
    private int send(byte[] buf, int len, int kind, SendSlot rtxSlot, long now, int cluster, boolean useBudget) {
        if (rtxSlot != null) {
            RtpPacket.setSequenceNumber(buf, 0, rtxSlot.rtxSeq);
        }
        int id = transportCcIds[kind];
        int seq = nextTransportSeq;
        int n = len;
        boolean stamped = false;
        if (id > 0 && active) {
            n = stamp(buf, len, id, seq);
            stamped = n >= 0;
            if (!stamped) {
                n = len;
                unstamped++;
            }
        }
        if (!transport.sendRtp(buf, 0, n)) {
            drop(DropReason.TRANSPORT_REFUSED);
            return -1;
        }
        if (useBudget) {
            budgetBytes -= n;
        }
        if (rtxSlot != null) {
            rtxSlot.rtxSeq = (rtxSlot.rtxSeq + 1) & 0xFFFF;
        }
        if (stamped) {
            nextTransportSeq = (seq + 1) & 0xFFFF;
            // Send times in sequence order: a forwarding thread's time was read before its
            // fan-out, so it can be older than the last packet the pacer thread sent; out of
            // order they would look like a delay trend to the estimator's inter-arrival groups.
            if (now - lastSendNanos < 0) {
                now = lastSendNanos;
            }
            lastSendNanos = now;
            estimator.onPacketSent(seq, n, now, cluster);
        }
        return n;
    }

    /**
     * Writes {@code seq} into the packet's element {@code id}, adding the element when absent.
     * Returns the packet's new length, or -1 when it is malformed or has no room left for the
     * element and the SRTP tail. Public for its benchmark.
     */
    public static int stamp(byte[] b, int len, int id, int seq) {
        int pos = HeaderExtensions.find(b, 0, len, id);
        if (pos >= 0) {
            if (HeaderExtensions.dataLength(b, 0, pos) != TransportCcExtension.DATA_LENGTH) {
                return -1;
            }
            TransportCcExtension.write(b, pos, seq);
            return len;
        }
        if (len + MAX_STAMP_GROWTH + RtpPacket.TAIL_ROOM > b.length) {
            return -1;
        }
        return TransportCcExtension.add(b, 0, len, id, seq);
    }

    private boolean drop(DropReason reason) {
        drops[reason.ordinal()]++;
        roomMetrics.drop(reason);
        return false;
    }

    // ---------------------------------------------------------------- pacer

    /**
     * The rate the bucket fills at, bits/s: the pacing factor times the estimate, and never so
     * slow that what waits would take longer than {@link #QUEUE_DRAIN_NANOS} to leave. With a low
     * estimate, one key frame would otherwise outlast the queue's age limit and be dropped
     * whole, which costs a key frame request and another such burst (libwebrtc's pacer likewise
     * raises its rate to empty its queue within an expected queue time).
     */
    private double pacingRateBps() {
        double paced = estimator.targetBitrateBps() * config.pacingFactor();
        double drain = queue.bytes() * 8.0 * NANOS_PER_SECOND / QUEUE_DRAIN_NANOS;
        return Math.max(paced, drain);
    }

    private void refill(long now) {
        double bytesPerNano = pacingRateBps() / 8 / NANOS_PER_SECOND;
        double burst = Math.max(bytesPerNano * config.pacerBurstNanos(), RtpPacket.MTU);
        if (!refilled) {
            refilled = true;
            lastRefill = now;
            budgetBytes = burst;
            return;
        }
        long elapsed = now - lastRefill;
        if (elapsed <= 0) {
            return;
        }
        lastRefill = now;
        budgetBytes += bytesPerNano * Math.min(elapsed, MAX_ELAPSED_NANOS);
        // Idle time does not build up a burst; while packets wait, a late tick does not lose budget.
        double cap = queue.isEmpty() ? burst : burst + bytesPerNano * MAX_ELAPSED_NANOS;
        if (budgetBytes > cap) {
            budgetBytes = cap;
        }
    }

    private void expire(long now) {
        int n = queue.expire(now - config.pacerMaxDelayNanos());
        if (n > 0) {
            drops[DropReason.PACER_EXPIRED.ordinal()] += n;
            for (int i = 0; i < n; i++) {
                roomMetrics.drop(DropReason.PACER_EXPIRED);
            }
        }
    }

    /** Loss from one receiver report of the subscriber (its executor): lost and expected since its previous one. */
    void onReceiverReportLoss(long lost, long expected, long now) {
        synchronized (lock) {
            if (active) {
                estimator.onReceiverReportLoss(lost, expected, now);
            }
        }
    }

    /** One pacer tick (pacer thread): expire, send what the budget allows, probe. */
    void onTick(long now) {
        synchronized (lock) {
            if (closed || !active) {
                return;
            }
            refill(now);
            if (!queue.isEmpty()) {
                expire(now);
                drain(now, MAX_PACKETS_PER_TICK);
            }
            probe(now);
            if (feedbacks > 0) {
                estimate = estimator.targetBitrateBps();
            }
        }
    }

    private void drain(long now, int max) {
        int sent = 0;
        while (budgetBytes > 0 && sent < max && !queue.isEmpty()) {
            int c = queue.nextClass();
            int n = send(queue.headBuffer(c), queue.headLength(c), queue.headKind(c), queue.headRtxSlot(c), now, -1, true);
            if (n >= 0) {
                packetsPaced++;
                bytesPaced += n;
            }
            queue.removeHead(c);
            sent++;
        }
    }

    /** Sends everything queued at once (congestion control turned off); under the lock. */
    private void flush(long now) {
        while (!queue.isEmpty()) {
            int c = queue.nextClass();
            int n = send(queue.headBuffer(c), queue.headLength(c), queue.headKind(c), queue.headRtxSlot(c), now, -1, false);
            if (n >= 0) {
                packetsPaced++;
                bytesPaced += n;
            }
            queue.removeHead(c);
        }
    }

    private void probe(long now) {
        if (probeCluster < 0) {
            if (feedbacks == 0) {
                // Not before the subscriber's first feedback: until then its transport may not be
                // connected (the probe's packets are refused, seen for a subscriber whose offer
                // named videos before its DTLS was up), and a probe judged against nothing counts
                // as failed, which holds the next one back for the estimator's back-off (6 s at
                // the initial estimate: three videos at 300 kbit/s stayed paused that long).
                return;
            }
            int c = estimator.pollProbe(now);
            if (c < 0) {
                return;
            }
            beginProbe(c, estimator.probeRateBps(), estimator.probeBytes(), now);
            probeFromEstimator = true;
        } else if (probeFromEstimator && !estimator.probeSending(probeCluster, now)) {
            probeCluster = -1; // Stopped early: feedback reported loss while it was sending.
            return;
        } else {
            probeCredit += probeRateBps / 8.0 / NANOS_PER_SECOND * Math.min(now - probeLast, MAX_ELAPSED_NANOS);
            probeLast = now;
        }
        DownTrack d = probeTrack();
        if (d == null || transportCcIds[MediaKind.VIDEO.ordinal()] == 0) {
            probesWithoutRtx++;
            probeCluster = -1;
            return;
        }
        if (padding == null) {
            padding = pool.acquire();
        }
        int pt = d.probeRtxPayloadType();
        int video = MediaKind.VIDEO.ordinal();
        int n = 0;
        while (probeBytesLeft > 0 && probeCredit > 0 && n < MAX_PACKETS_PER_TICK) {
            int len = ProbePadding.write(padding, pt, d.slot.rewriter.lastTimestamp(), d.slot.rtxSsrc);
            int sent = send(padding, len, video, d.slot, now, probeCluster, false);
            if (sent < 0) {
                break;
            }
            probeBytesLeft -= sent;
            probeCredit -= sent;
            probePackets++;
            probeBytes += sent;
            n++;
        }
        if (probeBytesLeft <= 0) {
            probeCluster = -1;
        }
    }

    /** Starts a cluster: its first packet goes at once, the rest at {@code rateBps}; under the lock. */
    private void beginProbe(int cluster, long rateBps, int bytes, long now) {
        probeCluster = cluster;
        probeFromEstimator = false;
        probeRateBps = rateBps;
        probeBytesLeft = bytes;
        probeCredit = 1;
        probeLast = now;
        probeClusters++;
    }

    /**
     * Starts a probe cluster as if the estimator had asked for it; the next ticks send it
     * (tests, which cannot make the estimator probe on cue).
     */
    void startProbe(int cluster, long rateBps, int bytes, long now) {
        synchronized (lock) {
            beginProbe(cluster, rateBps, bytes, now);
        }
    }

    /** An active video DownTrack of this subscriber with RTX negotiated, or null. */
    private DownTrack probeTrack() {
        for (DownTrack d : endpoint.downTrackArray()) {
            if (d.kind() == MediaKind.VIDEO && d.isActive() && d.probeRtxPayloadType() >= 0) {
                return d;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- feedback and estimate

    /** One valid transport-cc feedback message from the subscriber (its executor). */
    void onFeedback(TransportCcFeedback feedback, long now) {
        synchronized (lock) {
            if (closed || !active) {
                return;
            }
            feedbacks++;
            estimator.onFeedback(feedback, now);
            estimate = estimator.targetBitrateBps();
        }
    }

    /** The estimate, bits/s; -1 until the subscriber negotiated transport-cc and sent feedback. */
    long estimatedBps() {
        return active ? estimate : -1;
    }

    void setDesiredBitrate(long bps) {
        synchronized (lock) {
            desiredBps = bps;
            estimator.setDesiredBitrate(bps);
        }
    }

    /** What the estimator was last told to probe toward, bits/s, or -1 (tests). */
    long desiredBitrate() {
        synchronized (lock) {
            return desiredBps;
        }
    }

    /**
     * The subscriber's path changed (an ICE restart selected a new pair): the estimate starts
     * again from the configured initial bitrate, as libwebrtc resets its estimator on a network
     * route change. Otherwise the old path's outage (every packet sent while the link was down
     * reported lost, no feedback for seconds) would hold the new path at the minimum and pause
     * the subscriber's videos for seconds after it is back.
     */
    void onRouteChanged(long now) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            estimator = new SendSideBandwidthEstimator(config, now);
            if (desiredBps >= 0) {
                estimator.setDesiredBitrate(desiredBps);
            }
            probeCluster = -1;
            probeBytesLeft = 0;
            if (feedbacks > 0) {
                estimate = estimator.targetBitrateBps();
            }
        }
    }

    /** Releases the queue's buffers and leaves the pacer; later packets are dropped as CLOSED. */
    void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            active = false;
            int n = queue.clear();
            drops[DropReason.CLOSED.ordinal()] += n;
            if (padding != null) {
                pool.release(padding);
                padding = null;
            }
        }
        pacer.unregister(this);
    }

    // ---------------------------------------------------------------- counters (any thread)

    /** This egress's counters, read together under its lock (metrics, API, tests). */
    public EgressStats stats() {
        synchronized (lock) {
            return new EgressStats(active, queue.size(), packetsQueued, bytesQueued, packetsDirect, bytesDirect,
                    packetsPaced, bytesPaced, drops[DropReason.PACER_QUEUE_FULL.ordinal()],
                    drops[DropReason.PACER_EXPIRED.ordinal()], drops[DropReason.TRANSPORT_REFUSED.ordinal()],
                    probeClusters, probePackets, probeBytes, probesWithoutRtx, feedbacks, unstamped,
                    new EgressStats.Estimator(estimator.delayBasedBitrateBps(),
                            estimator.lossBasedLimitBps() == Long.MAX_VALUE ? -1 : estimator.lossBasedLimitBps(),
                            estimator.ackedBitrateBps(), estimator.lossPermille(),
                            estimator.delayState().name().toLowerCase(java.util.Locale.ROOT),
                            estimator.delayDecreases(), estimator.lossDecreases(), estimator.probeResults(),
                            estimator.probeFailures(), estimator.probeRaises()));
        }
    }

    /** Packets this egress dropped for {@code reason} (PACER_QUEUE_FULL, PACER_EXPIRED, TRANSPORT_REFUSED, CLOSED). */
    public long drops(DropReason reason) {
        synchronized (lock) {
            return drops[reason.ordinal()];
        }
    }

    /** The next transport-wide sequence number (tests). */
    int nextTransportSequence() {
        synchronized (lock) {
            return nextTransportSeq;
        }
    }

    /** The estimator; read it only where no other thread sends (tests). */
    SendSideBandwidthEstimator estimator() {
        return estimator;
    }
}
