package dev.sfu.signaling.room;

/**
 * What the room layer tells one participant's signaling session. Implementations return at
 * once (they hand the event to the session's own thread); they may be called from any thread.
 */
public interface ParticipantEvents {
    /** Another participant joined the room. */
    void participantJoined(ParticipantInfo participant);

    /** Another participant left the room (leave, closed connection, transport failure). */
    void participantLeft(String participantId);

    /** Another participant's mute state changed. */
    void trackStateChanged(String participantId, boolean audioMuted, boolean videoMuted);

    /**
     * The full set of the others' tracks this participant should now receive changed (a
     * publish, a leave). The session renegotiates to match.
     */
    void remoteTracksChanged(java.util.List<RemoteTrack> tracks);
}
