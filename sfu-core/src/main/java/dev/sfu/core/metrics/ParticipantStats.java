package dev.sfu.core.metrics;

import java.util.List;

/**
 * One participant. "Up" is what it publishes to the server, "down" what the server forwards to
 * it. Loss, jitter and RTT of its downlink come from its RTCP receiver reports (RFC 3550 section
 * 6.4.2); its uplink loss is what the server itself measured on its streams.
 *
 * @param id              the participant id
 * @param displayName     the name it joined with
 * @param connectionState {@code connected} once ICE and DTLS are up, else {@code connecting}
 * @param audioMuted      microphone muted
 * @param videoMuted      camera off
 * @param bitrateUp       bits/s it sends (last complete second)
 * @param bitrateDown     bits/s it is sent
 * @param packetsUp       RTP packets received from it since it joined
 * @param packetsDown     RTP packets sent to it since it joined
 * @param lossUp          worst fraction lost (0-1) of its published streams, measured by the server
 * @param lossDown        worst fraction lost (0-1) it reported for what it receives
 * @param jitterMillis    worst interarrival jitter it reported, milliseconds
 * @param rttMillis       round-trip time from its receiver reports, milliseconds; -1 when not known yet
 * @param nacksReceived   NACKs it sent to the server
 * @param nacksSent       NACKs the server sent to it about its streams
 * @param plisReceived    keyframe requests (PLI/FIR) it sent
 * @param plisSent        keyframe requests the server sent to it
 * @param keyframes       keyframes it published
 * @param tracks          its published tracks (direction {@code up}) and the tracks it receives ({@code down})
 * @param downlink        its downlink as congestion control sees it: estimate, allocation, pacer
 */
public record ParticipantStats(String id, String displayName, String connectionState, boolean audioMuted,
                               boolean videoMuted, long bitrateUp, long bitrateDown, long packetsUp, long packetsDown,
                               double lossUp, double lossDown, double jitterMillis, double rttMillis,
                               long nacksReceived, long nacksSent, long plisReceived, long plisSent, long keyframes,
                               List<TrackStats> tracks, Downlink downlink) {
    public ParticipantStats {
        tracks = List.copyOf(tracks);
        downlink = downlink == null ? Downlink.NONE : downlink;
    }

    /** A participant without downlink figures (tests, synthetic rooms). */
    public ParticipantStats(String id, String displayName, String connectionState, boolean audioMuted,
                            boolean videoMuted, long bitrateUp, long bitrateDown, long packetsUp, long packetsDown,
                            double lossUp, double lossDown, double jitterMillis, double rttMillis,
                            long nacksReceived, long nacksSent, long plisReceived, long plisSent, long keyframes,
                            List<TrackStats> tracks) {
        this(id, displayName, connectionState, audioMuted, videoMuted, bitrateUp, bitrateDown, packetsUp, packetsDown,
                lossUp, lossDown, jitterMillis, rttMillis, nacksReceived, nacksSent, plisReceived, plisSent, keyframes,
                tracks, Downlink.NONE);
    }

    /**
     * What congestion control knows of a participant's downlink (issue 13).
     *
     * @param congestionControl  transport-cc negotiated and congestion control on: the server stamps,
     *                           paces and estimates for this participant
     * @param estimateBps        the estimated downlink, bits/s; -1 while unknown (no limit applied)
     * @param allocatedBps       what the allocation gives it now (audio and videos, measured layer rates)
     * @param desiredBps         what it would get without a bandwidth limit (every video at its tile's layer)
     * @param pausedVideos       videos paused now, every reason
     * @param pausedForBandwidth videos paused because even their lowest layer does not fit
     * @param layerSwitches      layer changes the bandwidth allocation made since it joined
     * @param switchesPerMinute  those in the last minute
     * @param pacerQueue         packets waiting in its pacer now
     * @param pacerQueued        packets that had to wait in the pacer since it joined
     * @param pacerDroppedFull   packets dropped because its pacer queue was full
     * @param pacerDroppedExpired packets dropped after waiting too long in its pacer
     * @param probeClusters      probe clusters sent to find headroom
     * @param feedbacks          transport-cc feedback messages it sent
     * @param estimator          the estimator's parts: delay-based and loss-based estimates, loss, decreases
     */
    public record Downlink(boolean congestionControl, long estimateBps, long allocatedBps, long desiredBps,
                           int pausedVideos, int pausedForBandwidth, long layerSwitches, int switchesPerMinute,
                           int pacerQueue, long pacerQueued, long pacerDroppedFull, long pacerDroppedExpired,
                           long probeClusters, long feedbacks, dev.sfu.core.forward.EgressStats.Estimator estimator) {
        public static final Downlink NONE = new Downlink(false, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }
}
