package dev.sfu.core.room;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.audio.DominantSpeakerDetector;
import dev.sfu.core.audio.SpeakerActivity;
import dev.sfu.core.forward.ForwardingMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of participants who all receive each other's tracks. Created by {@link RoomManager}
 * on the first join and removed when the last participant leaves. The participant list is a
 * copy-on-write snapshot: reading it never blocks.
 */
public final class Room {
    private final String id;
    private final int maxParticipants;
    private final ForwardingMetrics metrics;
    private final MetricRegistry registry;
    private final String participantsGauge;
    private volatile List<Participant> participants = List.of();
    /** Relays to the other nodes hosting this room (copy-on-write; RoomManager's lock writes). */
    private volatile List<RoomRelay> relays = List.of();
    private final DominantSpeakerDetector speakers = new DominantSpeakerDetector();
    private final java.util.Map<String, SpeakerActivity> activities = new java.util.concurrent.ConcurrentHashMap<>();

    Room(String id, int maxParticipants, MetricRegistry registry, java.util.function.LongSupplier clock) {
        this.id = id;
        this.maxParticipants = maxParticipants;
        this.registry = registry;
        this.metrics = new ForwardingMetrics(registry, id, clock);
        this.participantsGauge = MetricRegistry.name(metrics.prefix(), "participants");
        registry.register(participantsGauge, (Gauge<Integer>) () -> participants.size());
    }

    public String id() {
        return id;
    }

    public int maxParticipants() {
        return maxParticipants;
    }

    /** The participants now, in join order (an immutable snapshot). */
    public List<Participant> participants() {
        return participants;
    }

    public Participant participant(String participantId) {
        for (Participant p : participants) {
            if (p.id().equals(participantId)) {
                return p;
            }
        }
        return null;
    }

    public int size() {
        return participants.size();
    }

    /** Participants connected to this node (remote ones, mirrored through relays, not counted). */
    public int localSize() {
        int n = 0;
        for (Participant p : participants) {
            if (!p.isRemote()) {
                n++;
            }
        }
        return n;
    }

    /** The relays to other nodes hosting this room now (an immutable snapshot). */
    public List<RoomRelay> relays() {
        return relays;
    }

    void addRelay(RoomRelay r) {
        List<RoomRelay> n = new ArrayList<>(relays);
        n.add(r);
        relays = List.copyOf(n);
    }

    boolean removeRelay(RoomRelay r) {
        List<RoomRelay> n = new ArrayList<>(relays);
        boolean removed = n.remove(r);
        relays = List.copyOf(n);
        return removed;
    }

    /** Packets, bytes, drops, NACKs, PLIs and keyframes of this room's packet path. */
    public ForwardingMetrics metrics() {
        return metrics;
    }

    /** The room's dominant speaker detection (RFC 6464 levels of every audio track). */
    public DominantSpeakerDetector speakers() {
        return speakers;
    }

    /** The room's current dominant speaker, or null before anyone spoke. */
    public String dominantSpeaker() {
        return speakers.dominant();
    }

    /** The speech activity of {@code participantId}, created on first use. */
    SpeakerActivity speakerActivity(String participantId) {
        return activities.computeIfAbsent(participantId, speakers::add);
    }

    // Mutations are made by RoomManager under its lock.
    void add(Participant p) {
        List<Participant> n = new ArrayList<>(participants);
        n.add(p);
        participants = List.copyOf(n);
    }

    boolean remove(Participant p) {
        SpeakerActivity a = activities.remove(p.id());
        if (a != null) {
            speakers.remove(a);
        }
        List<Participant> n = new ArrayList<>(participants);
        boolean removed = n.remove(p);
        participants = List.copyOf(n);
        return removed;
    }

    void unregisterMetrics() {
        metrics.unregister();
        registry.remove(participantsGauge);
    }

    @Override
    public String toString() {
        return "Room[" + id + ", " + participants.size() + " participants]";
    }
}
