package dev.sfu.signaling.room;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomFullException;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.TransportServer;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.session.TransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The production room layer: signaling's {@link RoomService} and {@link TransportFactory} on top
 * of sfu-core's {@link RoomManager}, so that every call signaling makes reaches the packet path.
 * <ul>
 *   <li>{@code join} joins the RoomManager; the participant's media transport is created at once
 *       (through {@link TransportServer#createTransport}), its media bound to the participant's
 *       endpoint by the RoomManager, and handed to signaling by {@link #create} on the client's
 *       first offer, where signaling's close callback becomes one of its close handlers.</li>
 *   <li>{@code publish} sets the participant's published tracks; the others get DownTracks.</li>
 *   <li>{@code subscribed} binds each DownTrack to what the subscriber's answer accepted (mid,
 *       payload types, extension ids) and starts it; video asks its publisher for a keyframe.</li>
 *   <li>Room events become {@link ParticipantEvents}, in order, on one event thread.</li>
 * </ul>
 * The SSRCs a subscriber receives are chosen by its DownTracks and carried to signaling in
 * {@link RemoteTrack}; signaling only announces them, so the SDP and the packets cannot disagree.
 */
public final class SfuRoomService implements RoomService, TransportFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SfuRoomService.class);
    private static final char[] ID_CHARS = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final RoomManager manager;
    private final Function<String, MediaTransport> transports;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    /** Each open room's last chat messages; removed when the room closes. */
    private final Map<Room, ChatHistory> chats = new ConcurrentHashMap<>();
    private final ExecutorService events;
    private final SecureRandom random = new SecureRandom();
    /** Told the id of each room that closes (its last participant left); cluster mode releases its claim. */
    private volatile Consumer<String> roomClosedHook = id -> { };
    private volatile java.util.function.BiConsumer<String, ChatMessage> chatHook = (id, m) -> { };
    private volatile java.util.function.ObjIntConsumer<String> localJoinedHook = (id, n) -> { };
    private volatile java.util.function.ObjIntConsumer<String> localLeftHook = (id, n) -> { };

    /**
     * @param maxParticipants per room
     * @param registry        where room and participant metrics go
     * @param transports      creates a participant's transport from its id, with no listener
     *                        bound, for example {@code transportServer::createTransport}
     */
    public SfuRoomService(int maxParticipants, MetricRegistry registry, Function<String, MediaTransport> transports) {
        this(maxParticipants, registry, transports, CongestionControlConfig.defaults());
    }

    /** @param congestionControl how subscribers' downlinks are estimated and paced */
    public SfuRoomService(int maxParticipants, MetricRegistry registry, Function<String, MediaTransport> transports,
                          CongestionControlConfig congestionControl) {
        this.transports = transports;
        this.manager = new RoomManager(registry, new Events(), maxParticipants,
                ForwardingContext.defaults(congestionControl));
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sfu-room-events");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Rooms whose participants' media goes through {@code server}, with the room scheduler
     * (speaker detection, layer allocation, dynacast) running.
     */
    public static SfuRoomService over(TransportServer server, int maxParticipants, MetricRegistry registry) {
        return over(server, maxParticipants, registry, CongestionControlConfig.defaults());
    }

    /** As {@link #over(TransportServer, int, MetricRegistry)}, with the pacer thread running too. */
    public static SfuRoomService over(TransportServer server, int maxParticipants, MetricRegistry registry,
                                      CongestionControlConfig congestionControl) {
        SfuRoomService service = new SfuRoomService(maxParticipants, registry, server::createTransport, congestionControl);
        service.manager.trackPortDrops(server.portDrops());
        service.manager.scheduler().start();
        service.manager.pacer().start();
        return service;
    }

    /** {@code hook} is told the id of each room that closes, on the thread where its last participant left. */
    public void onRoomClosed(Consumer<String> hook) {
        roomClosedHook = hook;
    }

    /**
     * {@code joined} and {@code left} are told the room's id and its local participants (those
     * connected to this node, not through a relay) after each local participant joins or leaves;
     * 0 left means this node's part of the room is empty (the room may stay for its relays). On
     * the room layer's thread; they must not block.
     */
    public void onLocalParticipants(java.util.function.ObjIntConsumer<String> joined,
                                    java.util.function.ObjIntConsumer<String> left) {
        localJoinedHook = joined;
        localLeftHook = left;
    }

    /** The rooms (tests, metrics, the dashboard). */
    public RoomManager rooms() {
        return manager;
    }

    /** The participant with this id, or null when it is not in a room. */
    public Participant participant(String participantId) {
        Member m = members.get(participantId);
        return m == null ? null : m.participant;
    }

    // ---------------------------------------------------------------- RoomService

    @Override
    public JoinResult join(String room, String name, ParticipantEvents events) throws SignalingException {
        String id = newId();
        Member m = new Member(id, events);
        members.put(id, m);
        Participant p;
        try {
            p = manager.join(room, id, name, transports);
        } catch (RoomFullException e) {
            members.remove(id);
            throw new SignalingException(ErrorCode.ROOM_FULL, "The room '" + room + "' is full ("
                    + e.maxParticipants() + " participants); try again later or use another room.");
        } catch (RuntimeException e) {
            members.remove(id);
            LOG.error("{} could not join {}", id, room, e);
            throw new SignalingException(ErrorCode.INTERNAL, "The server could not set up media for you ("
                    + e.getMessage() + "); try again.");
        }
        m.participant = p;
        List<ParticipantInfo> others = new ArrayList<>();
        for (Participant o : p.room().participants()) {
            if (o != p) {
                others.add(info(o));
            }
        }
        ChatHistory history = chats.get(p.room());
        return new JoinResult(id, room, others, remoteTracks(p), history == null ? List.of() : history.snapshot());
    }

    @Override
    public void chat(String participantId, String text) {
        Participant p = participant(participantId);
        if (p == null) {
            return;
        }
        Room room = p.room();
        ChatMessage m = new ChatMessage(participantId, p.displayName(), text, System.currentTimeMillis());
        deliver(room, m);
        try {
            chatHook.accept(room.id(), m);
        } catch (RuntimeException e) {
            LOG.warn("the chat hook failed for room {}", room.id(), e);
        }
    }

    /**
     * {@code hook} is told of each chat message a local participant sends (room id, message), for
     * the room's other nodes; on the caller's thread, must not block.
     */
    public void onChat(java.util.function.BiConsumer<String, ChatMessage> hook) {
        chatHook = hook;
    }

    /**
     * A chat message from a participant of another node hosting {@code roomId}: kept in the room's
     * history and delivered to the participants here, like a local one. Dropped when the room is
     * not open here.
     */
    public void remoteChat(String roomId, ChatMessage m) {
        Room room = manager.room(roomId);
        if (room != null) {
            deliver(room, m);
        }
    }

    private void deliver(Room room, ChatMessage m) {
        chats.computeIfAbsent(room, r -> new ChatHistory()).add(m);
        List<Participant> recipients = room.participants();
        post(() -> {
            for (Participant o : recipients) {
                ParticipantEvents e = eventsOf(o);
                if (e != null) {
                    e.chat(m);
                }
            }
        });
    }

    @Override
    public List<ParticipantInfo> others(String participantId) {
        Participant p = participant(participantId);
        if (p == null) {
            return null;
        }
        List<ParticipantInfo> others = new ArrayList<>();
        for (Participant o : p.room().participants()) {
            if (o != p) {
                others.add(info(o));
            }
        }
        return others;
    }

    @Override
    public void publish(String participantId, List<dev.sfu.core.room.PublishedTrack> tracks) {
        Participant p = participant(participantId);
        if (p != null) {
            p.publish(tracks);
        }
    }

    @Override
    public void subscribed(String participantId, List<Subscription> subscriptions) {
        Participant p = participant(participantId);
        if (p == null) {
            return;
        }
        for (DownTrack d : p.downTracks()) {
            Subscription s = find(subscriptions, d);
            if (s == null) {
                continue; // Not negotiated yet: the next answer brings it.
            }
            if (s.ssrc() != d.ssrc()) {
                // Signaling announced an older stream of this track; the offer it is preparing
                // announces this one, and the answer to it starts the DownTrack.
                LOG.debug("{}: {} agreed on SSRC {}, the DownTrack sends {}", participantId, d.trackId(), s.ssrc(), d.ssrc());
                continue;
            }
            d.setMid(s.mid());
            d.setNegotiated(s.codecs(), s.extensions());
            d.activate();
        }
    }

    private static Subscription find(List<Subscription> subscriptions, DownTrack d) {
        for (Subscription s : subscriptions) {
            if (s.publisherId().equals(d.streamId()) && s.trackId().equals(d.trackId())) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void trackState(String participantId, boolean audioMuted, boolean videoMuted, Boolean screenShare) {
        Participant p = participant(participantId);
        if (p != null) {
            p.setMuted(MediaKind.AUDIO, audioMuted);
            p.setMuted(MediaKind.VIDEO, videoMuted);
            if (screenShare != null) {
                for (UpTrack u : p.upTracks()) {
                    if (u.kind() == MediaKind.VIDEO) {
                        u.setScreenShare(screenShare);
                    }
                }
            }
        }
    }

    @Override
    public void videoTiles(String participantId, List<VideoTile> tiles) {
        Participant p = participant(participantId);
        if (p == null) {
            return;
        }
        LOG.debug("{}: video tiles {}", participantId, tiles);
        for (DownTrack d : p.downTracks()) {
            if (d.kind() != MediaKind.VIDEO || d.mid() == null) {
                continue;
            }
            for (VideoTile t : tiles) {
                if (t.mid().equals(d.mid())) {
                    d.setConstraints(new VideoConstraints(t.width(), t.height(), t.visible()));
                }
            }
        }
        manager.scheduler().requestAllocation(p.room());
    }

    @Override
    public void leave(String participantId) {
        Member m = members.remove(participantId);
        if (m != null && m.participant != null) {
            manager.leave(m.participant, LeaveReason.LEFT);
        }
    }

    // ---------------------------------------------------------------- TransportFactory

    /**
     * Hands signaling the transport made at join, and adds {@code onClosed} to its close handlers
     * for a transport that ends by itself (consent expiry, DTLS failure); a local close is not
     * reported. A transport that already ended reports at once.
     *
     * @throws IllegalStateException when the participant is not in a room
     */
    @Override
    public MediaTransport create(String participantId, BiConsumer<CloseReason, String> onClosed) {
        Member m = members.get(participantId);
        if (m == null || m.participant == null) {
            throw new IllegalStateException("participant " + participantId + " is not in a room");
        }
        MediaTransport t = m.participant.transport();
        t.addCloseHandler((reason, detail) -> {
            if (reason != CloseReason.LOCAL_CLOSE) {
                onClosed.accept(reason, detail);
            }
        });
        return t;
    }

    /** Removes everyone (closing their transports) and stops the event thread. */
    @Override
    public void close() {
        manager.close();
        events.shutdown();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ParticipantInfo info(Participant p) {
        return new ParticipantInfo(p.id(), p.displayName(), p.isMuted(MediaKind.AUDIO), p.isMuted(MediaKind.VIDEO),
                p.publishedTracks());
    }

    /** What {@code subscriber} receives now: one entry per DownTrack, with its SSRCs. */
    static List<RemoteTrack> remoteTracks(Participant subscriber) {
        List<RemoteTrack> out = new ArrayList<>();
        for (DownTrack d : subscriber.downTracks()) {
            out.add(new RemoteTrack(d.streamId(), d.source().track(), d.ssrc(), d.rtxSsrc(), d.cname()));
        }
        return out;
    }

    private ParticipantEvents eventsOf(Participant p) {
        Member m = members.get(p.id());
        return m == null ? null : m.events;
    }

    private void post(Runnable r) {
        try {
            events.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("a room event failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("room event after close dropped");
        }
    }

    private static void hook(java.util.function.ObjIntConsumer<String> h, Room room) {
        try {
            h.accept(room.id(), room.localSize());
        } catch (RuntimeException e) {
            LOG.warn("a local-participants hook failed for room {}", room.id(), e);
        }
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

    /**
     * RoomManager's events as ParticipantEvents. Recipients are taken when the event happens;
     * receive sets are read when the event thread gets to them, so the last one sent is current.
     */
    private final class Events implements RoomListener {
        @Override
        public void roomClosed(Room room) {
            chats.remove(room);
            try {
                roomClosedHook.accept(room.id());
            } catch (RuntimeException e) {
                LOG.warn("the room-closed hook failed for room {}", room.id(), e);
            }
        }

        @Override
        public void participantJoined(Room room, Participant participant) {
            if (!participant.isRemote()) {
                hook(localJoinedHook, room);
            }
            List<Participant> recipients = room.participants();
            post(() -> {
                ParticipantInfo info = info(participant);
                for (Participant o : recipients) {
                    ParticipantEvents e = o == participant ? null : eventsOf(o);
                    if (e != null) {
                        e.participantJoined(info);
                    }
                }
            });
        }

        @Override
        public void participantLeft(Room room, Participant participant, LeaveReason reason) {
            members.remove(participant.id());
            if (!participant.isRemote()) {
                hook(localLeftHook, room);
            }
            List<Participant> recipients = room.participants();
            post(() -> {
                for (Participant o : recipients) {
                    ParticipantEvents e = eventsOf(o);
                    if (e != null) {
                        e.participantLeft(participant.id());
                    }
                }
            });
        }

        @Override
        public void trackStateChanged(Room room, Participant participant, MediaKind kind, boolean muted) {
            List<Participant> recipients = room.participants();
            post(() -> {
                boolean audio = participant.isMuted(MediaKind.AUDIO);
                boolean video = participant.isMuted(MediaKind.VIDEO);
                for (Participant o : recipients) {
                    ParticipantEvents e = o == participant ? null : eventsOf(o);
                    if (e != null) {
                        e.trackStateChanged(participant.id(), audio, video);
                    }
                }
            });
        }

        @Override
        public void videoStateChanged(Participant subscriber, DownTrack track, boolean paused, String reason, String rid) {
            String mid = track.mid();
            String publisher = track.streamId();
            post(() -> {
                ParticipantEvents e = eventsOf(subscriber);
                if (e != null && mid != null) {
                    e.remoteVideo(mid, publisher, paused, reason, rid);
                }
            });
        }

        @Override
        public void layersNeeded(Participant publisher, UpTrack track, List<String> rids) {
            String mid = track.track().mid();
            post(() -> {
                ParticipantEvents e = eventsOf(publisher);
                if (e != null) {
                    e.layersNeeded(mid, rids);
                }
            });
        }

        @Override
        public void dominantSpeakerChanged(Room room, String participantId, List<String> recent) {
            List<Participant> recipients = room.participants();
            post(() -> {
                for (Participant o : recipients) {
                    ParticipantEvents e = eventsOf(o);
                    if (e != null) {
                        e.dominantSpeaker(participantId, recent);
                    }
                }
            });
        }

        @Override
        public void receiveSetChanged(Participant subscriber) {
            post(() -> {
                ParticipantEvents e = eventsOf(subscriber);
                if (e != null) {
                    e.remoteTracksChanged(remoteTracks(subscriber));
                }
            });
        }
    }

    /** One participant's signaling side: its events, and its participant once joined. */
    private static final class Member {
        final String id;
        final ParticipantEvents events;
        volatile Participant participant;

        Member(String id, ParticipantEvents events) {
            this.id = id;
            this.events = events;
        }
    }
}
