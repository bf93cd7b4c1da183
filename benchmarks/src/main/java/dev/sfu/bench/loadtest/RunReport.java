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
 * {@code --simulcast} or {@code --subscribe-layer}. {@code nodes} is there only with several
 * {@code --server}s or when a join was redirected: the figures of the participants that joined
 * each node.
 */
public record RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                        double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                        Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                        List<Sample> timeline, Verdict verdict,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Simulcast simulcast,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Capped capped,
                        @JsonInclude(JsonInclude.Include.NON_NULL) TransportCc transportCc,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Node> nodes) {

    /** A report of one node (no per-node figures). */
    public RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                     double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                     Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                     List<Sample> timeline, Verdict verdict, Simulcast simulcast, Capped capped,
                     TransportCc transportCc) {
        this(config, machine, rampSeconds, steadySeconds, total, rooms, failures, failureCounts, server, loadTester,
                timeline, verdict, simulcast, capped, transportCc, List.of());
    }

    /**
     * The participants that joined one node (a {@code --server}, or the node a redirect sent them
     * to): {@code joinedThere} of them, {@code redirected} of those after a redirect, and their
     * figures as a room's ({@code figures.participants} also counts those that failed before joining
     * anywhere: none, they have no node).
     */
    public record Node(String node, int joinedThere, int redirected, Group figures) {
    }

    /** A report without transport-cc figures. */
    public RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                     double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                     Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                     List<Sample> timeline, Verdict verdict, Simulcast simulcast, Capped capped) {
        this(config, machine, rampSeconds, steadySeconds, total, rooms, failures, failureCounts, server, loadTester,
                timeline, verdict, simulcast, capped, null);
    }

    /** A report without capped subscribers. */
    public RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                     double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                     Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                     List<Sample> timeline, Verdict verdict, Simulcast simulcast) {
        this(config, machine, rampSeconds, steadySeconds, total, rooms, failures, failureCounts, server, loadTester,
                timeline, verdict, simulcast, null, null);
    }

    /** A report without simulcast figures. */
    public RunReport(Map<String, Object> config, Map<String, Object> machine, double rampSeconds,
                     double steadySeconds, Group total, List<Group> rooms, List<FailureEntry> failures,
                     Map<String, Integer> failureCounts, Server server, LoadTester loadTester,
                     List<Sample> timeline, Verdict verdict) {
        this(config, machine, rampSeconds, steadySeconds, total, rooms, failures, failureCounts, server, loadTester,
                timeline, verdict, null, null);
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

    /**
     * The receive-only subscribers behind a capped downlink ({@code --subscriber-kbps}), over the
     * measured window.
     *
     * @param capKbps              the cap, kbit/s on the wire (IP and UDP headers included)
     * @param queueMs              the cap's queue bound
     * @param estimateSource       where the estimates come from, or why there are none
     * @param subscribers          one row per capped subscriber
     * @param lossPercent          loss of all capped subscribers together: RTP packets the server
     *                             sent them that never arrived, after NACK and RTX (bottleneck
     *                             drops are the cause)
     * @param worstLossPercent     the highest loss of one capped subscriber
     * @param uncappedLossPercent  loss of every other receiver together, to show they are unaffected
     * @param bottleneckDrops      datagrams the caps dropped (the server sent more than they carry)
     * @param dropPercent          those drops, percent of the datagrams that reached the caps
     * @param goodputKbps          mean RTP bitrate a capped subscriber received
     * @param layerSwitches        received layer changes of all capped subscribers
     * @param transportCcSubscribers capped subscribers whose server offer negotiated transport-cc
     * @param probeLossPercent     probe sequences of the publishers' streams the capped subscribers
     *                             never received: loss, and also what the server chose not to send
     *                             them (dropped temporal layers, paused videos)
     */
    public record Capped(int capKbps, double queueMs, String estimateSource, List<CappedSubscriber> subscribers,
                         double lossPercent, double worstLossPercent, double uncappedLossPercent,
                         long bottleneckDrops, double dropPercent, double goodputKbps, long layerSwitches,
                         int transportCcSubscribers, double probeLossPercent) {
    }

    /**
     * One capped subscriber over the measured window.
     *
     * @param estimateKbps     the server's last downlink estimate for it, null when unknown
     * @param estimateMeanKbps the mean of the estimates read once a second, null when unknown
     * @param transportCc      the server's offer negotiated transport-cc (feedback was sent)
     * @param feedbackSent     transport-cc feedback messages sent in the window
     * @param layers           time share of each received simulcast layer, e.g. "q 20% h 80%";
     *                         "-" without layer tracking (no --simulcast or --subscribe-layer)
     * @param layerAtEnd       the layer received last (rid), "-" when unknown
     * @param goodputKbps      RTP bitrate received (after the cap, RTX included)
     * @param goodputPercentOfCap that bitrate, percent of the cap
     * @param expected         RTP packets the server sent it (by sequence number)
     * @param lost             those that never arrived, after NACK and RTX
     * @param bottleneckDrops  datagrams its cap dropped
     * @param dropPercent      percent of the datagrams that reached its cap
     * @param maxQueueMs       the longest wait in its cap's queue (since it connected)
     * @param layerSwitches    received layer changes
     * @param probeLossPercent the publishers' probe sequences it never received: loss, and what
     *                         the server chose not to send it
     */
    public record CappedSubscriber(String name, String room, Double estimateKbps, Double estimateMeanKbps,
                                   boolean transportCc, long feedbackSent, String layers, String layerAtEnd,
                                   double goodputKbps, double goodputPercentOfCap, long expected, long lost,
                                   double lossPercent, long bottleneckDrops, double dropPercent, double maxQueueMs,
                                   long layerSwitches, double probeLossPercent) {
    }

    /**
     * The receivers' transport-cc feedback over the whole run; present when the server
     * negotiated it with at least one receiver.
     *
     * @param receivers          receivers whose server offer negotiated it
     * @param of                 receivers in all
     * @param messages           feedback messages sent
     * @param packets            RTP packets that carried the transport-wide sequence number
     * @param withoutExtension   RTP packets that arrived without it although it was negotiated
     * @param late               packets that arrived after their sequence number was reported
     */
    public record TransportCc(int receivers, int of, long messages, long packets, long withoutExtension,
                              long late) {
    }

    /** The pass criteria and the exit code. */
    public record Verdict(int exitCode, List<String> missed) {
    }
}
