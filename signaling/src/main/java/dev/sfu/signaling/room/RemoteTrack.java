package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;

/**
 * A track published by another participant of the room, which a subscriber should receive.
 *
 * @param publisherId the publishing participant's id (the msid stream id subscribers see)
 * @param track       the track as the publisher negotiated it
 */
public record RemoteTrack(String publisherId, PublishedTrack track) {
    /** A key unique within a room: publisher id and track id. */
    public String key() {
        return publisherId + "/" + track.trackId();
    }
}
