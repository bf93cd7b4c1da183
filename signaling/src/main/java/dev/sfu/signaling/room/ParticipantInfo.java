package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;

import java.util.List;

/**
 * A participant as the others see it.
 *
 * @param id         the participant id (also the msid stream id of its media)
 * @param name       the display name
 * @param audioMuted the microphone is muted
 * @param videoMuted the camera is off
 * @param tracks     the tracks it publishes
 */
public record ParticipantInfo(String id, String name, boolean audioMuted, boolean videoMuted,
                              List<PublishedTrack> tracks) {
    public ParticipantInfo {
        tracks = List.copyOf(tracks);
    }
}
