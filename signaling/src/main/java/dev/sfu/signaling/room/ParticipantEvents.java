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

    /** Dynacast: the simulcast encodings (rids) of this participant's track on {@code mid} that someone receives. */
    default void layersNeeded(String mid, java.util.List<String> rids) {
    }

    /**
     * Whether the remote video this participant receives on {@code mid} is forwarded, and which
     * layer ({@code rid}, null when not simulcast or paused); {@code reason} says why it is paused.
     */
    default void remoteVideo(String mid, String publisherId, boolean paused, String reason, String rid) {
    }

    /** The room's dominant speaker changed; {@code recent} lists the latest speakers, newest first. */
    default void dominantSpeaker(String speakerId, java.util.List<String> recent) {
    }

    /** A chat message in the room (also one this participant sent: the server's copy, with its timestamp). */
    default void chat(ChatMessage message) {
    }

}
