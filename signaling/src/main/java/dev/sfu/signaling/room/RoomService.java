package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;
import dev.sfu.signaling.message.SignalingException;

import java.util.List;

/**
 * The room layer as signaling sees it; {@link SfuRoomService} implements it over sfu-core's
 * rooms and forwarding. Methods may be called from any
 * signaling thread; implementations are thread-safe and never block on the network.
 */
public interface RoomService {
    /**
     * Adds a participant, creating the room on first join.
     *
     * @param room   a validated room name
     * @param name   the display name
     * @param events where the room sends this participant's events
     * @throws SignalingException ROOM_FULL when the room has its maximum of participants
     */
    JoinResult join(String room, String name, ParticipantEvents events) throws SignalingException;

    /**
     * The tracks the participant publishes, from its latest accepted offer (replaces the earlier
     * set). The others get {@link ParticipantEvents#remoteTracksChanged}.
     */
    void publish(String participantId, List<PublishedTrack> tracks);

    /**
     * The tracks the participant has agreed to receive, with its SSRCs, payload types and
     * extension ids (after each answer to a server offer). Forwarding starts or stops to match,
     * and asks the publishers for a keyframe for new video subscriptions.
     */
    void subscribed(String participantId, List<Subscription> subscriptions);

    /**
     * The participant's mute state; the others get {@link ParticipantEvents#trackStateChanged}.
     * {@code screenShare}, when not null, says whether its video is a screen now (served first
     * by the bandwidth allocation).
     */
    void trackState(String participantId, boolean audioMuted, boolean videoMuted, Boolean screenShare);

    /**
     * How the participant shows each remote video now (replaces the previous list): the server
     * forwards the simulcast layer that fits each tile and pauses videos that are not visible.
     */
    void videoTiles(String participantId, List<VideoTile> tiles);

    /**
     * A chat message from the participant: kept in the room's history (the last 100) and sent to
     * everyone in the room, the sender included, with the server's timestamp. Ignored when the
     * participant is not in a room.
     */
    void chat(String participantId, String text);

    /**
     * The others in the participant's room as of now (for a session resumed on a new connection),
     * or null when the participant is not in a room.
     */
    List<ParticipantInfo> others(String participantId);

    /** Removes the participant (idempotent); the room is removed when it becomes empty. */
    void leave(String participantId);
}
