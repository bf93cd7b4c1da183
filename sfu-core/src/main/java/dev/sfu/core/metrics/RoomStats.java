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
 * @param stages           the receive path's stages, in pipeline order, with their packet counts
 * @param dominantSpeaker  id of the participant speaking most now, or null before anyone spoke
 * @param participants     the participants, in join order
 */
public record RoomStats(String id, int participantCount, int trackCount, long bitrateIn, long bitrateOut,
                        long packetRateIn, long packetRateOut, long packetsIn, long packetsOut, long bytesIn,
                        long bytesOut, long nacksReceived, long retransmissions, long plisSent, long keyframes,
                        Map<String, Long> drops, List<Stage> stages, String dominantSpeaker,
                        List<ParticipantStats> participants) {
    public RoomStats {
        drops = Map.copyOf(drops);
        stages = List.copyOf(stages);
        participants = List.copyOf(participants);
    }

    /**
     * Packets through one stage of the room's receive path since the room was created (registry
     * counters {@code room.<id>.stage.<name>.in|out|dropped}).
     *
     * @param name    the stage: {@code resolve}, {@code rtx}, {@code nack}, {@code keyframe}, {@code fanout}
     * @param in      packets that entered it
     * @param out     packets it passed on
     * @param dropped packets it dropped (each also counted under its reason in {@link #drops()})
     */
    public record Stage(String name, long in, long out, long dropped) {
    }
}
