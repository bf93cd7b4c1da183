package dev.sfu.signaling.room;

import java.util.List;

/**
 * What a successful join returns.
 *
 * @param participantId the new participant's id, unique on this server
 * @param room          the room name
 * @param others        the other participants as of the join
 * @param remoteTracks  the tracks of the others, which the new participant should receive
 * @param chatHistory   the room's last chat messages, oldest first
 */
public record JoinResult(String participantId, String room, List<ParticipantInfo> others,
                         List<RemoteTrack> remoteTracks, List<ChatMessage> chatHistory) {
    public JoinResult {
        others = List.copyOf(others);
        remoteTracks = List.copyOf(remoteTracks);
        chatHistory = List.copyOf(chatHistory);
    }

    public JoinResult(String participantId, String room, List<ParticipantInfo> others, List<RemoteTrack> remoteTracks) {
        this(participantId, room, others, remoteTracks, List.of());
    }
}
