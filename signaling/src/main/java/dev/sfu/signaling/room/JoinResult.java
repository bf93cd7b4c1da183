package dev.sfu.signaling.room;

import java.util.List;

/**
 * What a successful join returns.
 *
 * @param participantId the new participant's id, unique on this server
 * @param room          the room name
 * @param others        the other participants as of the join
 * @param remoteTracks  the tracks of the others, which the new participant should receive
 */
public record JoinResult(String participantId, String room, List<ParticipantInfo> others,
                         List<RemoteTrack> remoteTracks) {
    public JoinResult {
        others = List.copyOf(others);
        remoteTracks = List.copyOf(remoteTracks);
    }
}
