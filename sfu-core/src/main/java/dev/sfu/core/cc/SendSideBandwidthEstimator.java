package dev.sfu.core.cc;

import dev.sfu.rtp.rtcp.TransportCcFeedback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's downlink estimate from transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): the server stamps every packet it sends
 * the subscriber with a transport-wide sequence number ({@link #onPacketSent}), the subscriber
 * reports when each arrived ({@link #onFeedback}), and this class turns send and arrival times
 * into a target bitrate ({@link #targetBitrateBps}), following Google Congestion Control
 * (draft-ietf-rmcat-gcc-02) with libwebrtc's constants (docs/congestion-control.md):
 *
 * <ul>
 * <li>{@link SendHistory} matches feedback to send times; {@link ArrivalClock} rebuilds arrival
 *     times;</li>
 * <li>delay-based: {@link InterArrival} groups -> {@link TrendlineEstimator} ->
 *     {@link OveruseDetector} -> {@link AimdRateControl}, which decreases to a fraction of the
 *     {@link AckedBitrateEstimator acknowledged bitrate};</li>
 * <li>loss-based: {@link LossBasedControl};</li>
 * <li>probing: {@link ProbeController} says when, {@link ProbeBitrateEstimator} what was found;
 *     a result above the delay-based estimate raises it.</li>
 * </ul>
 *
 * The target is min(delay-based, loss-based) clamped to the configured bounds.
 *
 * <p>Not thread-safe: its owner (the subscriber's egress) calls it under one lock. Allocates
 * nothing per packet or per feedback: feedback is walked with a visitor held in a field.
 * Feedback naming packets never sent, too old, or already reported is counted and skipped.
 */
public final class SendSideBandwidthEstimator {
    private final CongestionControlConfig config;
    private int probesAborted;
    private final SendHistory history = new SendHistory();
    private final ArrivalClock clock = new ArrivalClock();
    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final OveruseDetector detector = new OveruseDetector();
    private final AckedBitrateEstimator acked = new AckedBitrateEstimator();
    /**
     * What media (not probe padding) is sending now, by send time: the part of a long probe's
     * rate its padding need not make up. Not the acknowledged rate, which right after a probe
     * still holds that probe's padding (seen: a 1.3 Mbit/s probe sent 330 kbit/s of padding over
     * an acknowledged 950 kbit/s of which 400 were media, and measured only 890 kbit/s).
     */
    private final AckedBitrateEstimator mediaSent = new AckedBitrateEstimator();
    private final AimdRateControl aimd;
    private final LossBasedControl loss = new LossBasedControl();
    private final ProbeController probes;
    private final ProbeBitrateEstimator probeResults = new ProbeBitrateEstimator();
    private final TransportCcFeedback.PacketVisitor visitor = this::onReportedPacket;

    private long target;
    private long lastNow;
    private long rttNanos = -1;

    // Per-feedback scratch, reset by onFeedback.
    private int feedbackLost;
    /** True once the subscriber's receiver reports give the loss (see {@link #onReceiverReportLoss}). */
    private boolean receiverReportLoss;
    private int feedbackReceived;
    private long feedbackMinRtt;

    private long packetsSent;
    private long feedbacks;
    private long unknownSeqReports;
    private long duplicateReports;
    private long badSizePackets;
    private int probeRaises;

    /** Debug trace of probes and estimate changes (off by default; logback level DEBUG). */
    private static final Logger TRACE = LoggerFactory.getLogger(SendSideBandwidthEstimator.class);

    public SendSideBandwidthEstimator(CongestionControlConfig config, long nowNanos) {
        this.config = config;
        this.aimd = new AimdRateControl(config.initialBitrateBps(), config.minBitrateBps(), config.maxBitrateBps());
        this.probes = new ProbeController(nowNanos);
        this.target = clamp(config.initialBitrateBps());
        this.lastNow = nowNanos;
    }

    /**
     * Records one RTP packet sent to the subscriber.
     *
     * @param transportSeq the transport-wide sequence number it carries (16 bits)
     * @param sizeBytes    the packet's size on the wire before SRTP (RTP header included)
     * @param nowNanos     send time
     * @param probeCluster the probe cluster it belongs to, or -1 for media
     */
    public void onPacketSent(int transportSeq, int sizeBytes, long nowNanos, int probeCluster) {
        if (sizeBytes <= 0) {
            badSizePackets++;
            return;
        }
        lastNow = nowNanos;
        int cluster = probeCluster;
        if (probeCluster >= 0) {
            probeResults.onSent(probeCluster, sizeBytes);
            if (probes.onProbeSent(probeCluster, sizeBytes)) {
                probeResults.onSendDone(probeCluster);
            }
        } else {
            mediaSent.onPacket(nowNanos, sizeBytes);
            cluster = probes.activeCluster(nowNanos);
            if (cluster >= 0) {
                probeResults.onSent(cluster, sizeBytes);
            }
        }
        history.record(transportSeq, sizeBytes, nowNanos, cluster);
        packetsSent++;
    }

    /** Processes one transport-cc feedback message (already wrapped and valid). */
    public void onFeedback(TransportCcFeedback feedback, long nowNanos) {
        lastNow = nowNanos;
        feedbacks++;
        feedbackLost = 0;
        feedbackReceived = 0;
        feedbackMinRtt = Long.MAX_VALUE;
        clock.begin(feedback.referenceTime());
        long known = duplicateReports;
        feedback.forEachPacket(visitor);
        if (feedbackLost == 0 && feedbackReceived == 0) {
            if (duplicateReports == known) {
                clock.undo(); // Named nothing we sent: its reference time proves nothing.
            }
            return;
        }
        if (feedbackMinRtt != Long.MAX_VALUE) {
            // Smoothed like RFC 6298's SRTT (gain 1/8); includes the wait for the feedback.
            rttNanos = rttNanos < 0 ? feedbackMinRtt : (7 * rttNanos + feedbackMinRtt) / 8;
            aimd.setRtt(rttNanos);
        }
        if (!receiverReportLoss) {
            loss.onFeedback(feedbackLost, feedbackReceived, nowNanos);
        }
        if (feedbackLost > 0) {
            int aborted = probes.abortActive();
            if (aborted >= 0) {
                // The link's queue is full: padding sent on would only push out media (in the
                // load test's 50 ms queues, 89 % of the drops fell while probe padding arrived,
                // most of them audio, which NACK does not repair).
                probeResults.onSendDone(aborted);
                probesAborted++;
                if (TRACE.isDebugEnabled()) {
                    TRACE.debug("{} probe {} stopped: feedback reported {} lost", System.identityHashCode(this), aborted,
                            feedbackLost);
                }
            }
        }
        long ackedBps = acked.bitrateBps();

        long probeBps = -1;
        long before = target;
        if (probeResults.evaluate(nowNanos) >= 0) {
            probeBps = probeResults.resultBps(aimd.linkCapacityBps());
            if (TRACE.isDebugEnabled()) {
                TRACE.debug("{} probe judged: {} bit/s{}{}, {} lost (target {}, capacity {}, delay {})",
                        System.identityHashCode(this), probeBps, probeResults.judgedByTail() ? " by its tail" : "",
                        probeResults.saturated() ? ", saturated" : "", probeResults.lost(), target,
                        aimd.linkCapacityBps(), detector.state());
            }
            // Headroom is news only above where the link was last found full.
            boolean longProbe = probeResults.judgedByTail();
            probes.onJudged(probeBps, Math.max(target, aimd.linkCapacityBps()), longProbe && !probeResults.saturated(),
                    longProbe && (probeResults.saturated() || detector.state() == BandwidthUsage.OVERUSING),
                    probeResults.lost() > ProbeController.LOSSY_SHARE * probeResults.sent(), nowNanos);
        }
        BandwidthUsage usage = detector.state();
        long capacity = aimd.linkCapacityBps();
        long measuredCapacity = -1;
        if (probeBps > capacity && capacity > 0 && usage == BandwidthUsage.OVERUSING
                && probeResults.judgedByTail() && probeResults.saturated()) {
            // A long probe that filled the link measured it: its tail arrived at the link's rate.
            // The queue it built is the overuse, so the estimate still decreases below; but the
            // capacity is now what the probe found, not the slow average of acknowledged rates at
            // overuse (seen on a simulated 1 Mbit/s link: probes at 1.5 x a capacity of 800 kbit/s
            // overused, were dropped, and the estimate stayed in a 670-790 kbit/s sawtooth).
            measuredCapacity = probeBps;
            // And the decrease starts from what it measured, as a decrease on overuse starts from
            // the acknowledged rate: an estimate far below it would otherwise climb additively,
            // near-capacity steps, all the way (seen on a simulated link lifted from 500 kbit/s to
            // 2.5 Mbit/s: 1.6 Mbit/s after such a probe, 2 Mbit/s only 8 s later).
            long fromProbe = (long) (AimdRateControl.BETA * probeBps);
            if (fromProbe > aimd.estimateBps()) {
                aimd.setEstimate(fromProbe, nowNanos);
            }
        }
        if (probeBps > 0 && usage != BandwidthUsage.OVERUSING
                && (probeBps > aimd.estimateBps() || (!aimd.initialized() && probeResults.saturated()))) {
            // A probe measures the link: it raises the estimate, and sets the first one when the link
            // was found full. A first probe that was merely sent slowly (a starved pacer thread:
            // on a loaded machine 2 Mbit/s probes went out at 150-400 kbit/s on loopback) says only
            // that the link carries at least that much: no reason to start below the initial estimate.
            if (capacity > 0 && probeBps > capacity) {
                aimd.raiseLinkCapacity(probeBps); // Only a long probe, judged by its tail, gets here.
            }
            aimd.setEstimate(probeBps, nowNanos);
            loss.onProbe(probeBps);
            probeRaises++;
        } else if (feedbackReceived > 0) {
            if (usage != BandwidthUsage.OVERUSING || aimd.timeToReduceFurther(nowNanos, ackedBps)) {
                aimd.update(usage, ackedBps, mediaSent.bitrateBps(), nowNanos);
                if (capacity > 0 && aimd.linkCapacityBps() < 0) {
                    probes.capacityForgotten(nowNanos);
                }
            }
        }
        if (measuredCapacity > 0) {
            // After any decrease, which averages the acknowledged rate into the capacity (or
            // resets it to that rate): the probe measured the link more directly.
            aimd.raiseLinkCapacity(measuredCapacity);
        }
        long lossLimit = loss.update(target, ackedBps, Math.max(rttNanos, 0), nowNanos);
        if (lossLimit < aimd.estimateBps()) {
            // The delay-based estimate goes on from the limit when it lifts (see LossBasedControl).
            aimd.capAt(lossLimit);
        }
        target = clamp(Math.min(aimd.estimateBps(), lossLimit));
        if (TRACE.isDebugEnabled() && (target > before * 1.1 || target < before * 0.9)) {
            TRACE.debug("{} target {} -> {} (delay-based {}, loss limit {}, acked {}, capacity {}, delay {}, loss {}/{})",
                    System.identityHashCode(this), before, target, aimd.estimateBps(), lossLimit, ackedBps,
                    aimd.linkCapacityBps(), usage, feedbackLost, feedbackLost + feedbackReceived);
        }
    }

    private void onReportedPacket(int seq, int status, int delta) {
        long arrivalNanos = status == TransportCcFeedback.NOT_RECEIVED ? 0 : clock.next(delta) * 1000L;
        int slot = history.find(seq);
        if (slot < 0) {
            unknownSeqReports++;
            return;
        }
        byte state = history.state(slot);
        int cluster = history.cluster(slot);
        if (status == TransportCcFeedback.NOT_RECEIVED) {
            if (state == SendHistory.UNREPORTED) {
                history.setState(slot, SendHistory.LOST);
                feedbackLost++;
                if (cluster >= 0) {
                    probeResults.onLost(cluster);
                }
            } else {
                duplicateReports++;
            }
            return;
        }
        if (state == SendHistory.RECEIVED) {
            duplicateReports++;
            return;
        }
        if (state == SendHistory.LOST) {
            // Reported lost before, arrived after all (reordering, or a late feedback).
            feedbackLost--;
        }
        history.setState(slot, SendHistory.RECEIVED);
        feedbackReceived++;
        long sendNanos = history.sendNanos(slot);
        int size = history.size(slot);
        acked.onPacket(arrivalNanos, size);
        if (cluster >= 0) {
            probeResults.onReceived(cluster, sendNanos, arrivalNanos, size);
        }
        long rtt = lastNow - sendNanos;
        if (rtt >= 0 && rtt < feedbackMinRtt) {
            feedbackMinRtt = rtt;
        }
        if (interArrival.onPacket(sendNanos, arrivalNanos, lastNow, size)) {
            double sendDeltaMs = interArrival.sendDeltaNanos / 1e6;
            double modified = trendline.update(interArrival.arrivalDeltaNanos / 1e6, sendDeltaMs, arrivalNanos / 1e6);
            detector.detect(modified, trendline.trend(), trendline.numDeltas(), sendDeltaMs, arrivalNanos / 1e6);
        }
    }

    /**
     * Loss from the subscriber's RTCP receiver reports (RFC 3550 section 6.4.2), summed over the
     * streams the server sends it: packets lost and packets expected since its previous report.
     * Once one arrives, the loss-based side counts these instead of the transport-cc feedback's
     * not-received packets, as libwebrtc's loss-based estimator (v1) does with its
     * TransportLossReport: seen with real Chromium here (BrowserBandwidthLimitTest's unlimited
     * phase, the estimator's counters read through the admin API), 7-14 % of the video packets
     * were reported not received in transport-cc feedback on an unshaped link while the same
     * browsers sent 10-12 NACKs in the whole call, and that loss held the estimate at its
     * minimum. (Those were publishers' RTX probe copies the server forwarded under used sequence
     * numbers, discarded by the subscriber's SRTP replay check: now dropped by
     * {@code DuplicateFilter}.) The delay-based side still reads the feedback.
     */
    public void onReceiverReportLoss(long lost, long expected, long nowNanos) {
        receiverReportLoss = true;
        if (expected > 0) {
            long l = Math.max(0, Math.min(lost, expected));
            loss.onFeedback((int) Math.min(l, Integer.MAX_VALUE), (int) Math.min(expected - l, Integer.MAX_VALUE), nowNanos);
        }
    }

    /** The bitrate the subscriber's link is estimated to carry now, bits/s. */
    public long targetBitrateBps() {
        return target;
    }

    /**
     * What the allocation would send if the estimate allowed it, bits/s. When it is above the
     * estimate the estimator asks for probes ({@link #pollProbe}).
     */
    public void setDesiredBitrate(long bps) {
        probes.setDesired(bps, target, lastNow);
    }

    /**
     * Called by the pacer on each of its ticks: the id of a probe cluster to start now (send
     * {@link #probeBytes} bytes of padding at {@link #probeRateBps} bits/s, each packet recorded
     * with that cluster id), or -1 when no probe is due.
     */
    public int pollProbe(long nowNanos) {
        lastNow = nowNanos;
        if (target >= config.maxBitrateBps()) {
            // Nothing to find: seen with uncapped load-test receivers at the 20 Mbit/s maximum,
            // probing every 3-6 s with 20-40 Mbit/s of padding that could not raise the estimate.
            return -1;
        }
        int id = probes.poll(nowNanos, target, aimd.linkCapacityBps(), Math.max(mediaSent.bitrateBps(), 0));
        if (id >= 0) {
            probeResults.start(id, nowNanos, probes.tailFromNanos());
            if (TRACE.isDebugEnabled()) {
                TRACE.debug("{} probe {} started: {} bit/s of padding, {} bytes, {} (target {}, capacity {}, ceiling {})",
                        System.identityHashCode(this), id, probes.rateBps(), probes.bytes(),
                        probes.tailFromNanos() < 0 ? "short" : "long", target, aimd.linkCapacityBps(),
                        probes.ceilingBps(nowNanos));
            }
        }
        return id;
    }

    /**
     * Whether probe cluster {@code id} should still send: false once all its bytes went out,
     * or once feedback reported loss while it was sending.
     */
    public boolean probeSending(int id, long nowNanos) {
        return id >= 0 && probes.activeCluster(nowNanos) == id;
    }

    /** Probe clusters stopped early because feedback reported loss while they were sending. */
    public int probesAborted() {
        return probesAborted;
    }

    /** The rate of the probe cluster {@link #pollProbe} last started, bits/s. */
    public long probeRateBps() {
        return probes.rateBps();
    }

    /** Bytes the probe cluster {@link #pollProbe} last started should send. */
    public int probeBytes() {
        return probes.bytes();
    }

    /** The delay-based estimate (AIMD), bits/s. */
    public long delayBasedBitrateBps() {
        return aimd.estimateBps();
    }

    /** The loss-based limit, bits/s, or {@code Long.MAX_VALUE} when loss imposes none. */
    public long lossBasedLimitBps() {
        return loss.limitBps();
    }

    /** The bitrate the subscriber received over the last 250 ms ({@code AckedBitrateEstimator}), bits/s, or -1 before known. */
    public long ackedBitrateBps() {
        return acked.bitrateBps();
    }


    /** Fraction of packets lost over the last second of loss reports, when last judged, in thousandths. */
    public int lossPermille() {
        return (int) Math.round(loss.lossFraction() * 1000);
    }

    /** The delay-based detector's verdict now. */
    public BandwidthUsage delayState() {
        return detector.state();
    }




    /** Probe clusters started. */
    public int probesSent() {
        return probes.started();
    }

    /** Probe clusters started above a known link capacity: long, and judged by their tail. */
    public int longProbesSent() {
        return probes.longStarted();
    }

    /** Probe clusters judged with a result. */
    public int probeResults() {
        return probeResults.results();
    }

    /** Probe clusters judged without one. */
    public int probeFailures() {
        return probeResults.failures();
    }

    /** Probe results that raised the delay-based estimate. */
    public int probeRaises() {
        return probeRaises;
    }

    /** Decreases of the delay-based estimate on overuse. */
    public int delayDecreases() {
        return aimd.decreases();
    }

    /** Cuts of the loss-based limit. */
    public int lossDecreases() {
        return loss.decreases();
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long feedbacks() {
        return feedbacks;
    }

    /** Feedback entries naming a sequence number never sent or too old to remember. */
    public long unknownSeqReports() {
        return unknownSeqReports;
    }

    /** Feedback entries for packets already reported (duplicated or reordered feedback). */
    public long duplicateReports() {
        return duplicateReports;
    }

    /** Packets given to {@link #onPacketSent} with a size of zero or less, ignored. */
    public long badSizePackets() {
        return badSizePackets;
    }

    private long clamp(long bps) {
        return Math.max(config.minBitrateBps(), Math.min(config.maxBitrateBps(), bps));
    }
}
