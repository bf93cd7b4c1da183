package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;

import java.util.List;

/**
 * A {@link RoomService} that refuses new joins once {@link #drain()} was called, so that a
 * server being taken out of service lets its calls in progress finish without taking new
 * participants. Everything but {@code join} passes through unchanged.
 */
public final class DrainingRoomService implements RoomService {
    /** The message of the DRAINING error a client gets for a join while the server drains. */
    public static final String DRAINING_MESSAGE = "This server is shutting down and accepts no new participants;"
            + " connect to another server, or try again in a minute.";

    private final RoomService rooms;
    private volatile boolean draining;

    public DrainingRoomService(RoomService rooms) {
        this.rooms = rooms;
    }

    /** From now on every join is refused with {@link ErrorCode#DRAINING}. Idempotent. */
    public void drain() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /**
     * @throws SignalingException DRAINING while the server drains, or what the wrapped service throws
     */
    @Override
    public JoinResult join(String room, String name, ParticipantEvents events) throws SignalingException {
        if (draining) {
            throw new SignalingException(ErrorCode.DRAINING, DRAINING_MESSAGE);
        }
        return rooms.join(room, name, events);
    }

    @Override
    public void chat(String participantId, String text) {
        rooms.chat(participantId, text);
    }

    @Override
    public List<ParticipantInfo> others(String participantId) {
        return rooms.others(participantId);
    }

    @Override
    public void publish(String participantId, List<PublishedTrack> tracks) {
        rooms.publish(participantId, tracks);
    }

    @Override
    public void subscribed(String participantId, List<Subscription> subscriptions) {
        rooms.subscribed(participantId, subscriptions);
    }

    @Override
    public void trackState(String participantId, boolean audioMuted, boolean videoMuted, Boolean screenShare) {
        rooms.trackState(participantId, audioMuted, videoMuted, screenShare);
    }

    @Override
    public void videoTiles(String participantId, List<VideoTile> tiles) {
        rooms.videoTiles(participantId, tiles);
    }

    @Override
    public void leave(String participantId) {
        rooms.leave(participantId);
    }
}
