package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory rooms and participants, without media: membership, mute state, published tracks,
 * and the events each participant needs. Rooms are created on first join and removed when
 * empty. One lock guards everything; events are handed to {@link ParticipantEvents}, which
 * return at once.
 */
public final class RoomDirectory implements RoomService {
    private static final char[] ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final int maxParticipants;
    private final Map<String, Map<String, Member>> rooms = new HashMap<>();
    private final Map<String, Member> members = new HashMap<>();

    private static final class Member {
        final String id;
        final String room;
        final String name;
        final ParticipantEvents events;
        boolean audioMuted;
        boolean videoMuted;
        List<PublishedTrack> tracks = List.of();
        List<Subscription> subscriptions = List.of();

        Member(String id, String room, String name, ParticipantEvents events) {
            this.id = id;
            this.room = room;
            this.name = name;
            this.events = events;
        }

        ParticipantInfo info() {
            return new ParticipantInfo(id, name, audioMuted, videoMuted, tracks);
        }
    }

    public RoomDirectory(int maxParticipants) {
        if (maxParticipants < 1) {
            throw new IllegalArgumentException("maxParticipants must be at least 1");
        }
        this.maxParticipants = maxParticipants;
    }

    @Override
    public synchronized JoinResult join(String room, String name, ParticipantEvents events) throws SignalingException {
        Map<String, Member> r = rooms.get(room);
        if (r != null && r.size() >= maxParticipants) {
            throw new SignalingException(ErrorCode.ROOM_FULL, "The room '" + room + "' is full (" + maxParticipants
                    + " participants); try again later or use another room.");
        }
        if (r == null) {
            r = new LinkedHashMap<>();
            rooms.put(room, r);
        }
        String id = newId();
        Member m = new Member(id, room, name, events);
        List<ParticipantInfo> others = new ArrayList<>();
        for (Member o : r.values()) {
            others.add(o.info());
            o.events.participantJoined(m.info());
        }
        r.put(id, m);
        members.put(id, m);
        return new JoinResult(id, room, others, remoteTracksFor(m));
    }

    @Override
    public synchronized void publish(String participantId, List<PublishedTrack> tracks) {
        Member m = members.get(participantId);
        if (m == null || m.tracks.equals(tracks)) {
            return;
        }
        m.tracks = List.copyOf(tracks);
        notifyTracks(m.room, m.id);
    }

    @Override
    public synchronized void subscribed(String participantId, List<Subscription> subscriptions) {
        Member m = members.get(participantId);
        if (m != null) {
            m.subscriptions = List.copyOf(subscriptions);
        }
    }

    @Override
    public synchronized void trackState(String participantId, boolean audioMuted, boolean videoMuted) {
        Member m = members.get(participantId);
        if (m == null) {
            return;
        }
        m.audioMuted = audioMuted;
        m.videoMuted = videoMuted;
        for (Member o : rooms.get(m.room).values()) {
            if (o != m) {
                o.events.trackStateChanged(m.id, audioMuted, videoMuted);
            }
        }
    }

    @Override
    public synchronized void leave(String participantId) {
        Member m = members.remove(participantId);
        if (m == null) {
            return;
        }
        Map<String, Member> r = rooms.get(m.room);
        r.remove(participantId);
        if (r.isEmpty()) {
            rooms.remove(m.room);
            return;
        }
        for (Member o : r.values()) {
            o.events.participantLeft(participantId);
        }
        if (!m.tracks.isEmpty()) {
            notifyTracks(m.room, null);
        }
    }

    /** The names of the rooms that exist now. */
    public synchronized List<String> roomNames() {
        return new ArrayList<>(rooms.keySet());
    }

    /** The participant ids of a room, in join order; empty when the room does not exist. */
    public synchronized List<String> participants(String room) {
        Map<String, Member> r = rooms.get(room);
        return r == null ? List.of() : new ArrayList<>(r.keySet());
    }

    /** The subscriptions a participant last agreed to; empty when unknown. */
    public synchronized List<Subscription> subscriptions(String participantId) {
        Member m = members.get(participantId);
        return m == null ? List.of() : m.subscriptions;
    }

    private void notifyTracks(String room, String exceptId) {
        for (Member o : rooms.get(room).values()) {
            if (!o.id.equals(exceptId)) {
                o.events.remoteTracksChanged(remoteTracksFor(o));
            }
        }
    }

    private List<RemoteTrack> remoteTracksFor(Member m) {
        List<RemoteTrack> out = new ArrayList<>();
        Map<String, Member> r = rooms.get(m.room);
        if (r == null) {
            return out;
        }
        for (Member o : r.values()) {
            if (o != m) {
                for (PublishedTrack t : o.tracks) {
                    out.add(new RemoteTrack(o.id, t));
                }
            }
        }
        return out;
    }

    private String newId() {
        while (true) {
            char[] c = new char[8];
            for (int i = 0; i < c.length; i++) {
                c[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
            }
            String id = new String(c);
            if (!members.containsKey(id)) {
                return id;
            }
        }
    }
}
