package dev.sfu.bench.loadtest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured; written as JSON by {@code --json} and printed as tables.
 * Times are milliseconds; rates, latency and CPU over the measured window (from when every
 * participant connected or failed, plus a settling second and {@code --warmup}, for {@code --duration}); loss over
 * the whole run (it counts from each stream's first packet). {@code rampSeconds} is the time
 * from the first join to the start of the window. {@code simulcast} is there only with
 * {@code --simulcast} or {@code --subscribe-layer}.
 */
public record RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                        double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                        Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                        List<Sample> timeline, Verdict verdict,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Simulcast simulcast) {

    /** A report without simulcast figures. */
    public RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                     double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                     Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                     List<Sample> timeline, Verdict verdict) {
        this(config, machine, rampSeconds, steadySeconds, total, rooms, failures, failureCounts, server, loadTester,
                timeline, verdict, null);
    }

    /**
     * The figures of one room, or of all rooms together. {@code expected}, {@code lost} and
     * {@code lossPercent} cover the measured window (steady state, every participant connected);
     * {@code runExpected}, {@code runLost} and {@code runLossPercent} the whole run, joins included.
     * A publisher stream that a connected receiver in its room never got at all
     * ({@code streamsNeverReceived}) counts as lost whole in both.
     */
    public record Group(String name, int participants, int publishers, int connected, int failed,
                        long packetsSent, long packetsReceived, double packetsSentPerSecond,
                        double packetsReceivedPerSecond, double mbpsSent, double mbpsReceived,
                        long expected, long lost, double lossPercent, long undeliveredAtEnd, long duplicates,
                        long reordered,
                        long retransmissionsReceived, long misrouted, long foreign,
                        Latency latency, double jitterMeanMs, double jitterMaxMs,
                        Distribution joinToFirstMediaMs, Distribution connectMs,
                        long keyframesSent, long keyframeRequests, long retransmissionsSent, long nacksMissed,
                        long runExpected, long runLost, double runLossPercent, long receiverNacks,
                        long streamsNeverReceived) {
    }

    /** One-way latency percentiles in ms (original packets only, RTX excluded). */
    public record Latency(long samples, double p50, double p95, double p99, double max, double mean) {
    }

    /** A small distribution (per participant values). */
    public record Distribution(int count, double p50, double p95, double max) {
    }

    public record FailureEntry(String participant, String room, FailureReason reason, String detail,
                               double atSeconds) {
    }

    /**
     * The server's CPU over the steady window.
     *
     * @param cpuPercent              user + system, percent of one core
     * @param microsPerForwardedPacket CPU time per packet received by the participants
     */
    public record Server(String cpuSource, double cpuSeconds, double cpuPercent, double microsPerForwardedPacket,
                         double microsPerPacketIn) {
    }

    /**
     * The load tester's own cost and delays: if its senders lag or its own receive queues hold
     * packets, the run measured the tester, not the server.
     *
     * @param sendLagP50Ms        send lag (actual start of a due send minus its due time), median
     * @param sendLagP99Ms        send lag, 99th percentile
     * @param receiveQueueMeanMs  mean time a received datagram waited in the tester's own
     *                            transport ingress queue before it was decrypted and measured
     *                            (included in the latency figures)
     * @param receiveQueueMaxMs   the longest such wait
     * @param overloaded          the tester could not keep its schedule or its receive queues: the
     *                            run is invalid (exit 7)
     */
    public record LoadTester(double cpuPercent, int sendThreads, double sendLagP50Ms, double sendLagP99Ms,
                             double maxSendLagMs, long sendSkips, double receiveQueueMeanMs,
                             double receiveQueueMaxMs, boolean overloaded, Map<String, Long> transportDrops) {
    }

    /** One progress line. */
    public record Sample(double t, int connected, int failed, double packetsOutPerSecond, double packetsInPerSecond,
                         double mbpsIn, double mbpsOut, double lossPercent, double p50Ms, double p99Ms,
                         double serverCpuPercent, double sendLagP99Ms, double receiveQueueMeanMs,
                         double receiveQueueMaxMs) {
    }

    /**
     * Simulcast over the measured window (all rooms).
     *
     * @param publishersOffering    publishers that offered simulcast (--simulcast)
     * @param publishersSimulcast   those whose offer the server answered with a=simulcast:recv
     * @param publishersFellBack    those it declined: they sent one stream at --video-kbps
     * @param subscribeLayer        the layer receivers asked for with videoTiles, null without
     *                              --subscribe-layer
     * @param videoTilesSent        videoTiles messages sent
     * @param layers                per layer q, h, f, then "unknown" (before a key frame, or
     *                              another width)
     * @param layerSwitches         changes of the received layer, told by key frame width
     * @param switchesNotAtKeyframe changes of the layer sent (probe trailer) on a packet that did
     *                              not start a key frame: the server switched elsewhere than at a
     *                              key frame, or that key frame's first packet was lost
     * @param remoteVideoMessages   remoteVideo messages received
     * @param remoteVideoPaused     those saying paused
     * @param layersNeededMessages  dynacast layersNeeded messages received by publishers
     * @param layerStops            layers stopped by them
     * @param layerResumes          layers resumed by them
     */
    public record Simulcast(int publishersOffering, int publishersSimulcast, int publishersFellBack,
                            String subscribeLayer, long videoTilesSent, List<Layer> layers, long layerSwitches,
                            long switchesNotAtKeyframe, long remoteVideoMessages, long remoteVideoPaused,
                            long layersNeededMessages, long layerStops, long layerResumes) {
    }

    /**
     * One simulcast layer.
     *
     * @param rid                   q, h, f or "unknown"
     * @param sentMbps              sent by all publishers on this layer (RTP bytes, RTX included)
     * @param forwardedMbps         received by all receivers while on this layer, over the window
     * @param kbpsPerStream         a receiving stream's rate while on this layer (bits on the
     *                              layer / time on it)
     * @param streamOnLayerSeconds  time receiving streams spent on this layer, summed
     * @param streamsAtEnd          receiving streams on this layer when the window closed
     */
    public record Layer(String rid, double sentMbps, double forwardedMbps, double kbpsPerStream,
                        double streamOnLayerSeconds, int streamsAtEnd) {
    }

    /** The pass criteria and the exit code. */
    public record Verdict(int exitCode, List<String> missed) {
    }
}
