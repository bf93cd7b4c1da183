package dev.sfu.core.room;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.UpTrack;

import java.util.List;

/**
 * What the signaling layer hears from rooms. Calls come from the thread that made the change
 * (a signaling thread, or a transport's executor when a transport closes), never under a room
 * lock; an implementation hops to its own executor and does not block.
 */
public interface RoomListener {
    /** Someone joined; {@code participant} is new, the others should be told. */
    default void participantJoined(Room room, Participant participant) {
    }

    /** Someone left; its tracks are already unsubscribed from everyone. */
    default void participantLeft(Room room, Participant participant, LeaveReason reason) {
    }

    /** A participant's published tracks changed (added or removed). */
    default void tracksChanged(Room room, Participant publisher, List<PublishedTrack> tracks) {
    }

    /** A participant muted or unmuted its microphone (AUDIO) or camera (VIDEO). */
    default void trackStateChanged(Room room, Participant participant, MediaKind kind, boolean muted) {
    }

    /**
     * {@code subscriber}'s set of DownTracks changed: some were added (inactive until
     * activated) or removed. Signaling should offer it an updated description: new m-lines (or
     * recycled inactive ones) for {@link Participant#downTracks()}, inactive ones for the rest.
     */
    default void receiveSetChanged(Participant subscriber) {
    }

    /** The last participant left and the room was removed. */
    default void roomClosed(Room room) {
    }

    /**
     * A video {@code subscriber} receives was paused or resumed, or changed simulcast layer
     * ({@code rid}; null when not simulcast or paused). {@code reason} says why it is paused:
     * {@link dev.sfu.core.forward.LayerAllocator#HIDDEN} or {@link dev.sfu.core.forward.LayerAllocator#LAST_N}.
     */
    default void videoStateChanged(Participant subscriber, DownTrack track, boolean paused, String reason, String rid) {
    }

    /** Dynacast: {@code publisher} should send exactly these simulcast encodings of {@code track}. */
    default void layersNeeded(Participant publisher, UpTrack track, List<String> rids) {
    }

    /** The room's dominant speaker changed; {@code recent} lists the latest speakers, newest first. */
    default void dominantSpeakerChanged(Room room, String participantId, List<String> recent) {
    }
}
