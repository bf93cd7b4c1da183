package dev.sfu.core.room;

/** A join was refused because the room holds its maximum number of participants. */
public final class RoomFullException extends Exception {
    private final String roomId;
    private final int maxParticipants;

    public RoomFullException(String roomId, int maxParticipants) {
        super("Room " + roomId + " is full (" + maxParticipants + " participants)");
        this.roomId = roomId;
        this.maxParticipants = maxParticipants;
    }

    public String roomId() {
        return roomId;
    }

    public int maxParticipants() {
        return maxParticipants;
    }
}
