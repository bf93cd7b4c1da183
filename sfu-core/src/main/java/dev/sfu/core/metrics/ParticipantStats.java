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
 */
public record ParticipantStats(String id, String displayName, String connectionState, boolean audioMuted,
                               boolean videoMuted, long bitrateUp, long bitrateDown, long packetsUp, long packetsDown,
                               double lossUp, double lossDown, double jitterMillis, double rttMillis,
                               long nacksReceived, long nacksSent, long plisReceived, long plisSent, long keyframes,
                               List<TrackStats> tracks) {
    public ParticipantStats {
        tracks = List.copyOf(tracks);
    }
}
