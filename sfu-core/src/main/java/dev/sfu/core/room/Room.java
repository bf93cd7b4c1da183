package dev.sfu.core.room;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
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

    /** Packets, bytes, drops, NACKs, PLIs and keyframes of this room's packet path. */
    public ForwardingMetrics metrics() {
        return metrics;
    }

    // Mutations are made by RoomManager under its lock.
    void add(Participant p) {
        List<Participant> n = new ArrayList<>(participants);
        n.add(p);
        participants = List.copyOf(n);
    }

    boolean remove(Participant p) {
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
