package dev.sfu.signaling.room;

import java.util.List;

/** A participant that ignores every room event (tests that only need someone in a room); extend it to record some. */
public class NoParticipantEvents implements ParticipantEvents {
    @Override
    public void participantJoined(ParticipantInfo participant) {
    }

    @Override
    public void participantLeft(String participantId) {
    }

    @Override
    public void trackStateChanged(String participantId, boolean audioMuted, boolean videoMuted) {
    }

    @Override
    public void remoteTracksChanged(List<RemoteTrack> tracks) {
    }
}
