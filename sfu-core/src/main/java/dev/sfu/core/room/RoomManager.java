package dev.sfu.core.room;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.PacerThread;
import dev.sfu.core.forward.MediaEndpoint;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.metrics.TransportDropMetrics;
import dev.sfu.core.transport.DropCounters;
import dev.sfu.core.transport.MediaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The rooms of one server. A room is created on its first join and removed when its last
 * participant leaves. Every track published in a room is subscribed by every other participant
 * of that room and by no one else.
 *
 * <p>Membership changes (join, publish, leave) are serialized by one lock; they are rare and
 * never touch the packet path, which reads copy-on-write snapshots. Listener calls are made after
 * the lock is released.
 */
public final class RoomManager {
    private static final Logger LOG = LoggerFactory.getLogger(RoomManager.class);

    private final MetricRegistry registry;
    private final RoomListener listener;
    private final int maxParticipants;
    private final ForwardingContext context;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final TransportDropMetrics transportDrops;
    private final RoomScheduler scheduler;

    /**
     * @param registry        where room and participant metrics are registered
     * @param listener        the signaling layer
     * @param maxParticipants per room; a join beyond it throws {@link RoomFullException}
     * @param context         buffer pool, forwarding tunables, clock
     */
    public RoomManager(MetricRegistry registry, RoomListener listener, int maxParticipants, ForwardingContext context) {
        this.registry = registry;
        this.listener = listener;
        this.maxParticipants = maxParticipants;
        this.context = context;
        this.transportDrops = new TransportDropMetrics(registry);
        this.scheduler = new RoomScheduler(this, listener, context.nanoClock());
    }

    /** Dominant speaker, layer allocation and dynacast over time ({@link RoomScheduler#start} to run). */
    public RoomScheduler scheduler() {
        return scheduler;
    }

    public RoomManager(MetricRegistry registry, RoomListener listener, int maxParticipants) {
        this(registry, listener, maxParticipants, ForwardingContext.defaults());
    }

    /** Counts the shared media port's drops (datagrams no transport got) in the transport drop totals. */
    public void trackPortDrops(DropCounters counters) {
        transportDrops.trackPort(counters);
    }

    /** The buffer pool, forwarding tunables and clock this server's rooms share. */
    public ForwardingContext context() {
        return context;
    }

    MetricRegistry registry() {
        return registry;
    }

    public int maxParticipants() {
        return maxParticipants;
    }

    public Room room(String roomId) {
        return rooms.get(roomId);
    }

    public Collection<Room> rooms() {
        return List.copyOf(rooms.values());
    }

    public int participantCount() {
        int n = 0;
        for (Room r : rooms.values()) {
            n += r.size();
        }
        return n;
    }

    /**
     * Joins {@code roomId}, creating it if needed. The transport is created by
     * {@code transportFactory} from the participant id (only when the room has space); the
     * participant's {@link MediaEndpoint} is then bound as its listener, so media goes from the
     * transport to the endpoint directly, and its end makes the participant leave (a close
     * handler, registered once the join is complete). The participant immediately gets inactive
     * DownTracks for every track already published in the room
     * ({@link RoomListener#receiveSetChanged} is raised if any).
     *
     * @throws RoomFullException    when the room holds {@link #maxParticipants()} already
     * @throws IllegalStateException when the id is already in the room
     */
    public Participant join(String roomId, String participantId, String displayName,
                            Function<String, MediaTransport> transportFactory) throws RoomFullException {
        Participant p;
        Room room;
        boolean receives;
        synchronized (lock) {
            room = rooms.get(roomId);
            if (room == null) {
                room = new Room(roomId, maxParticipants, registry, context.nanoClock());
                rooms.put(roomId, room);
                LOG.info("room {} created", roomId);
            }
            if (room.participant(participantId) != null) {
                throw new IllegalStateException("participant " + participantId + " already in room " + roomId);
            }
            // The limit is this node's: participants of other nodes hosting the room do not count.
            if (room.localSize() >= maxParticipants) {
                throw new RoomFullException(roomId, maxParticipants);
            }
            p = create(room, participantId, displayName, transportFactory);
            for (Participant other : room.participants()) {
                for (UpTrack up : other.endpoint().upTracks()) {
                    p.endpoint().subscribe(up);
                }
            }
            room.add(p);
            // The room's forwarding on one media thread: no two threads meet on a subscriber's send path.
            p.transport().setAffinityGroup(roomId);
            transportDrops.track(p.transport());
            receives = !p.endpoint().downTracks().isEmpty();
        }
        LOG.info("{} joined room {} ({} participants)", participantId, roomId, room.size());
        listener.participantJoined(room, p);
        if (receives) {
            listener.receiveSetChanged(p);
        }
        for (RoomRelay r : room.relays()) {
            r.localParticipantChanged(p);
        }
        // Last, so that a transport already ended makes the participant leave after it joined.
        p.transport().addCloseHandler(p::transportClosed);
        return p;
    }

    /**
     * Joins with an existing transport, which must have no listener bound yet: the participant's
     * endpoint is bound to it.
     */
    public Participant join(String roomId, String participantId, String displayName, MediaTransport transport)
            throws RoomFullException {
        return join(roomId, participantId, displayName, id -> transport);
    }

    /**
     * Adds a participant of another node hosting {@code roomId}, mirrored here through a relay
     * (creating the room if needed). Its transport is the relay's: nothing is bound to it here
     * (the relay delivers each packet to the remote participant's endpoint) and its end is the
     * relay's business, so neither leaving nor the per-node limit concerns it. It receives
     * nothing from this node; local participants receive what it publishes
     * ({@link Participant#publish}).
     *
     * @throws IllegalStateException when the id is already in the room
     */
    public Participant joinRemote(String roomId, String participantId, String displayName,
                                  MediaTransport relayTransport, String remoteNode) {
        Participant p;
        Room room;
        synchronized (lock) {
            room = roomOrNew(roomId);
            if (room.participant(participantId) != null) {
                throw new IllegalStateException("participant " + participantId + " already in room " + roomId);
            }
            p = new Participant(participantId, displayName, room, this, relayTransport, remoteNode);
            room.add(p);
        }
        LOG.info("{} (on node {}) joined room {} through a relay ({} participants)", participantId, remoteNode,
                roomId, room.size());
        listener.participantJoined(room, p);
        return p;
    }

    /**
     * Attaches a relay to another node hosting {@code roomId} (creating the room if needed): every
     * track local participants publish, now or later, crosses it once; the relay hears of local
     * participants now and whenever they change. The room stays while relays are attached.
     */
    public Room attachRelay(String roomId, RoomRelay relay) {
        Room room;
        List<Participant> locals = new ArrayList<>();
        synchronized (lock) {
            room = roomOrNew(roomId);
            room.addRelay(relay);
            for (Participant p : room.participants()) {
                if (!p.isRemote()) {
                    locals.add(p);
                    for (UpTrack up : p.endpoint().upTracks()) {
                        relay.egress().attach(up);
                    }
                }
            }
        }
        for (Participant p : locals) {
            relay.localParticipantChanged(p);
        }
        return room;
    }

    /**
     * Detaches a relay: local tracks stop crossing it. Remove its remote participants first
     * ({@link #leave}). The room goes when nobody is left in it and no relay is attached.
     */
    public void detachRelay(String roomId, RoomRelay relay) {
        Room room;
        boolean roomClosed = false;
        synchronized (lock) {
            room = rooms.get(roomId);
            if (room == null || !room.removeRelay(relay)) {
                return;
            }
            for (UpTrack up : relay.egress().tracks()) {
                relay.egress().detach(up);
            }
            roomClosed = removeIfEmpty(room);
        }
        if (roomClosed) {
            LOG.info("room {} removed", room.id());
            listener.roomClosed(room);
        }
    }

    /** Under the lock. */
    private Room roomOrNew(String roomId) {
        Room room = rooms.get(roomId);
        if (room == null) {
            room = new Room(roomId, maxParticipants, registry, context.nanoClock());
            rooms.put(roomId, room);
            LOG.info("room {} created", roomId);
        }
        return room;
    }

    /** Under the lock: removes a room with no participant and no relay; true when it did. */
    private boolean removeIfEmpty(Room room) {
        if (room.size() == 0 && room.relays().isEmpty() && rooms.get(room.id()) == room) {
            rooms.remove(room.id());
            room.unregisterMetrics();
            return true;
        }
        return false;
    }

    /** Under the lock: the transport, the participant over it, and the endpoint bound to it. */
    private Participant create(Room room, String participantId, String displayName,
                               Function<String, MediaTransport> transportFactory) {
        MediaTransport transport = null;
        Participant p = null;
        try {
            transport = transportFactory.apply(participantId);
            p = new Participant(participantId, displayName, room, this, transport);
            transport.bind(p.endpoint());
            return p;
        } catch (RuntimeException ex) {
            if (p != null) {
                p.endpoint().close();
            }
            if (transport != null) {
                transport.close();
            }
            removeIfEmpty(room);
            throw ex;
        }
    }

    void publish(Participant p, List<PublishedTrack> tracks) {
        Set<Participant> affected = new LinkedHashSet<>();
        Room room = p.room();
        synchronized (lock) {
            if (room.participant(p.id()) != p) {
                return;
            }
            MediaEndpoint e = p.endpoint();
            Set<String> keep = new HashSet<>();
            for (PublishedTrack t : tracks) {
                keep.add(t.trackId());
            }
            for (UpTrack up : e.upTracks()) {
                if (!keep.contains(up.trackId())) {
                    e.unpublish(up.trackId());
                    unsubscribeAll(room, up, affected);
                    for (RoomRelay r : room.relays()) {
                        r.egress().detach(up);
                    }
                }
            }
            for (PublishedTrack t : tracks) {
                UpTrack up = e.publish(t);
                if (up == null) {
                    continue;
                }
                if (t.kind() == MediaKind.AUDIO) {
                    up.setAudioLevelListener(room.speakerActivity(p.id())::onLevel);
                }
                for (Participant other : room.participants()) {
                    // A remote participant gets this track from its own node, through the relay.
                    if (other != p && !other.isRemote() && other.endpoint().subscribe(up) != null) {
                        affected.add(other);
                    }
                }
                if (!p.isRemote()) {
                    // Local tracks only: a relayed track never crosses another relay (no loops).
                    for (RoomRelay r : room.relays()) {
                        r.egress().attach(up);
                    }
                }
            }
        }
        listener.tracksChanged(room, p, List.copyOf(tracks));
        notifyRelays(room, p);
        for (Participant s : affected) {
            listener.receiveSetChanged(s);
        }
        scheduler.requestAllocation(room);
    }

    private static void unsubscribeAll(Room room, UpTrack up, Set<Participant> affected) {
        for (DownTrack d : up.downTracks()) {
            d.subscriber().unsubscribe(d);
            Participant s = room.participant(d.subscriber().id());
            if (s != null) {
                affected.add(s);
            }
        }
    }

    void trackStateChanged(Participant p, MediaKind kind, boolean muted) {
        listener.trackStateChanged(p.room(), p, kind, muted);
        notifyRelays(p.room(), p);
    }

    private static void notifyRelays(Room room, Participant p) {
        if (p.isRemote()) {
            return;
        }
        for (RoomRelay r : room.relays()) {
            r.localParticipantChanged(p);
        }
    }

    /**
     * Removes a participant: its tracks stop reaching everyone (their DownTracks are removed and
     * each subscriber gets {@link RoomListener#receiveSetChanged}), its own DownTracks are
     * removed, its transport is closed and its buffers return to the pool. Idempotent.
     */
    public void leave(Participant p, LeaveReason reason) {
        Set<Participant> affected = new LinkedHashSet<>();
        Room room = p.room();
        boolean roomClosed = false;
        synchronized (lock) {
            if (!room.remove(p)) {
                return;
            }
            for (UpTrack up : p.endpoint().upTracks()) {
                unsubscribeAll(room, up, affected);
                for (RoomRelay r : room.relays()) {
                    r.egress().detach(up);
                }
            }
            for (DownTrack d : p.endpoint().downTracks()) {
                p.endpoint().unsubscribe(d);
            }
            p.endpoint().close();
            affected.remove(p);
            roomClosed = removeIfEmpty(room);
        }
        LOG.info("{} left room {} ({})", p.id(), room.id(), reason);
        if (!p.isRemote()) {
            // A remote participant's transport is its relay's, which outlives it.
            try {
                p.transport().close();
            } catch (RuntimeException ex) {
                LOG.warn("closing the transport of {} failed", p.id(), ex);
            }
            transportDrops.retire(p.transport());
        }
        listener.participantLeft(room, p, reason);
        if (!p.isRemote()) {
            for (RoomRelay r : room.relays()) {
                r.localParticipantLeft(p);
            }
        }
        for (Participant s : affected) {
            listener.receiveSetChanged(s);
        }
        if (roomClosed) {
            LOG.info("room {} removed", room.id());
            listener.roomClosed(room);
        }
    }

    /**
     * The thread that drains the subscribers' pacers ({@link PacerThread#start} to run it;
     * {@link #close} stops it).
     */
    public PacerThread pacer() {
        return context.pacer();
    }

    /** Removes everyone (server shutdown) and stops the scheduler and the pacer thread. */
    public void close() {
        scheduler.close();
        context.pacer().close();
        List<Participant> all = new ArrayList<>();
        for (Room r : rooms.values()) {
            all.addAll(r.participants());
        }
        for (Participant p : all) {
            leave(p, LeaveReason.REMOVED);
        }
    }
}
