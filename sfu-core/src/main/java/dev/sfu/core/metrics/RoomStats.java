package dev.sfu.core.metrics;

import java.util.List;
import java.util.Map;

/**
 * One room. Bitrates are bits/s over the last complete second; "in" is what its publishers
 * send to the server, "out" what the server sends to its subscribers.
 *
 * @param id               the room's name
 * @param participantCount participants now
 * @param trackCount       tracks published now
 * @param bitrateIn        bits/s received
 * @param bitrateOut       bits/s sent
 * @param packetRateIn     RTP packets/s received
 * @param packetRateOut    RTP packets/s sent
 * @param packetsIn        RTP packets received since the room was created
 * @param packetsOut       RTP packets sent since the room was created
 * @param bytesIn          RTP bytes received since the room was created
 * @param bytesOut         RTP bytes sent since the room was created
 * @param nacksReceived    NACKs received from subscribers
 * @param retransmissions  packets resent from the retransmission cache
 * @param plisSent         keyframe requests (PLI) sent to publishers
 * @param keyframes        keyframes received from publishers
 * @param drops            packets this room dropped, by reason (only reasons seen)
 * @param participants     the participants, in join order
 */
public record RoomStats(String id, int participantCount, int trackCount, long bitrateIn, long bitrateOut,
                        long packetRateIn, long packetRateOut, long packetsIn, long packetsOut, long bytesIn,
                        long bytesOut, long nacksReceived, long retransmissions, long plisSent, long keyframes,
                        Map<String, Long> drops, List<ParticipantStats> participants) {
    public RoomStats {
        drops = Map.copyOf(drops);
        participants = List.copyOf(participants);
    }
}
