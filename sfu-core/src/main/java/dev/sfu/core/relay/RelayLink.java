package dev.sfu.core.relay;

import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.room.RoomRelay;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.MediaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One relay: this node's end of the server-to-server transport to {@link #peerNode()} for one
 * room (docs/architecture.md, "Relays"). It ties together
 * <ul>
 *   <li>the transport (ICE, DTLS, SRTP; the dialer's from {@code TransportClient}, the
 *       answerer's from {@code TransportServer});</li>
 *   <li>the {@link RelayEgress}, where every local publisher's tracks cross once;</li>
 *   <li>the {@link RelayReceiver}, which hands what arrives to the remote participants;</li>
 *   <li>the remote participants: the far node's participants, mirrored in the local room from
 *       {@link RelayMessage.Publisher} messages ({@link RoomManager#joinRemote}).</li>
 * </ul>
 * It tells the far node about local participants through {@link RelaySignals}.
 */
public final class RelayLink implements RoomRelay {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLink.class);

    private final String roomId;
    private final String localNode;
    private final String peerNode;
    private final boolean dialer;
    private final RoomManager rooms;
    private final RelaySignals signals;
    private final RelayReceiver receiver;
    private final Map<String, Participant> remotes = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClosed;
    private volatile MediaTransport transport;
    private volatile RelayEgress egress;

    RelayLink(String roomId, String localNode, String peerNode, boolean dialer, RoomManager rooms,
              RelaySignals signals, Runnable onClosed) {
        this.roomId = roomId;
        this.localNode = localNode;
        this.peerNode = peerNode;
        this.dialer = dialer;
        this.rooms = rooms;
        this.signals = signals;
        this.onClosed = onClosed;
        this.receiver = new RelayReceiver(roomId + "<->" + peerNode);
    }

    /** The transport's id on both nodes' logs. */
    static String transportId(String roomId, String dialerNode, String answererNode) {
        return "relay:" + roomId + ":" + dialerNode + ">" + answererNode;
    }

    RelayReceiver receiver() {
        return receiver;
    }

    /** Takes the transport (its listener is {@link #receiver()}) and attaches the link to the room. */
    void start(MediaTransport t) {
        use(t);
        attach();
    }

    /**
     * Takes the transport (its listener is {@link #receiver()}), without attaching to the room yet:
     * the dialer holds it before its offer goes (the answer may come back at once), and attaches
     * after, so that no message of the link reaches the peer before the offer.
     */
    void use(MediaTransport t) {
        this.transport = t;
        RelayEgress e = new RelayEgress(t, rooms.context());
        e.setListener(new RelayEgress.Listener() {
            @Override
            public void ssrcLearned(UpTrack track) {
                RelayLink.this.ssrcLearned(track);
            }

            @Override
            public void limitChanged() {
                // The lowest layers the estimate substitutes must come from the publishers (dynacast).
                Room room = rooms.room(roomId);
                if (room != null) {
                    rooms.scheduler().requestAllocation(room);
                }
            }
        });
        this.egress = e;
        receiver.setEgress(e);
        receiver.setTransport(t);
        t.setAffinityGroup(roomId);
        t.addCloseHandler(this::transportClosed);
    }

    /** Attaches the link to its room: the room's publishers are described to the peer from now on. */
    void attach() {
        rooms.attachRelay(roomId, this);
    }

    public String roomId() {
        return roomId;
    }

    public String localNode() {
        return localNode;
    }

    public String peerNode() {
        return peerNode;
    }

    /** True when this node dialed (ICE controlling, DTLS client); false when it answered. */
    public boolean isDialer() {
        return dialer;
    }

    public MediaTransport transport() {
        return transport;
    }

    @Override
    public RelayEgress egress() {
        return egress;
    }

    /** What arrives from the far node, and its counters. */
    public RelayReceiver incoming() {
        return receiver;
    }

    /** The far node's participants as mirrored here. */
    public List<Participant> remoteParticipants() {
        return List.copyOf(remotes.values());
    }

    /** Waits until DTLS keyed SRTP on this end. */
    public boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
        return receiver.awaitConnected(timeout, unit);
    }

    public boolean isConnected() {
        return receiver.isConnected() && !closed.get();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** This relay's state and counters now. */
    public RelayStats stats() {
        RelayEgress e = egress;
        java.util.Map<String, Long> drops = new java.util.TreeMap<>();
        if (e != null) {
            for (RelayEgress.Drop d : RelayEgress.Drop.values()) {
                drops.put("egress." + d, e.drops(d));
            }
        }
        for (RelayReceiver.Drop d : RelayReceiver.Drop.values()) {
            drops.put("incoming." + d, receiver.drops(d));
        }
        return new RelayStats(roomId, peerNode, dialer, isConnected(), remotes.size(),
                e == null ? 0 : e.tracks().size(), e == null ? 0 : e.packetsSent(), e == null ? 0 : e.bytesSent(),
                e == null ? 0 : e.retransmissions(), e == null ? 0 : e.nacksReceived(),
                e == null ? 0 : e.keyframeRequestsReceived(), e == null ? 0 : e.keyframeRequestsSent(),
                e == null ? 0 : e.senderReportsSent(), e == null ? 0 : e.fractionLost(),
                receiver.packetsReceived(), receiver.bytesReceived(), drops,
                e == null ? -1 : e.estimatedBps(), e == null ? 0 : e.neededBps(), e == null ? 0 : e.layersHeldBack(),
                e == null ? 0 : e.transportFeedbacks(), receiver.transportFeedbacksSent());
    }

    // ---------------------------------------------------------------- local participants -> far node

    /**
     * Describes a local participant to the far node. Synchronized, with {@link #localParticipantLeft}:
     * descriptions leave in the order their snapshots were taken, whichever threads change the
     * participant (signaling publishes, a media thread learns an SSRC), so the far node, which
     * applies them in the order received, never ends on an older one.
     */
    @Override
    public synchronized void localParticipantChanged(Participant p) {
        if (closed.get()) {
            return;
        }
        List<RelayTrack> tracks = new ArrayList<>();
        RelayEgress e = egress;
        boolean stamped = e != null && e.stamps();
        for (UpTrack up : p.upTracks()) {
            tracks.add(RelayTrack.of(up, stamped));
        }
        signals.send(peerNode, new RelayMessage.Publisher(roomId, localNode, p.id(), p.displayName(),
                p.isMuted(MediaKind.AUDIO), p.isMuted(MediaKind.VIDEO), tracks));
    }

    @Override
    public synchronized void localParticipantLeft(Participant p) {
        if (!closed.get()) {
            signals.send(peerNode, new RelayMessage.PublisherLeft(roomId, localNode, p.id()));
        }
    }

    /** Dynacast for one of the far node's tracks mirrored here: ask the far node for these layers only. */
    @Override
    public void remoteLayersNeeded(Participant remote, UpTrack track, List<String> rids) {
        if (!closed.get() && remotes.get(remote.id()) == remote) {
            signals.send(peerNode, new RelayMessage.LayersNeeded(roomId, localNode, remote.id(), track.trackId(), rids));
        }
    }

    /** The far node needs only some layers of a local track (signals thread). */
    void onLayersNeeded(RelayMessage.LayersNeeded m) {
        Room room = rooms.room(roomId);
        Participant p = room == null ? null : room.participant(m.participantId());
        RelayEgress e = egress;
        if (p == null || p.isRemote() || e == null) {
            return;
        }
        for (UpTrack up : p.upTracks()) {
            if (up.trackId().equals(m.trackId())) {
                e.setLayersNeeded(up, m.rids());
                // This node's own dynacast now counts the far node's needs.
                rooms.scheduler().requestAllocation(room);
            }
        }
    }

    /** A simulcast SSRC learned after the track was described (publisher's executor): describe it again. */
    private void ssrcLearned(UpTrack up) {
        Room room = rooms.room(roomId);
        Participant p = room == null ? null : room.participant(up.publisher().id());
        if (p != null && !p.isRemote()) {
            localParticipantChanged(p);
        }
    }

    // ---------------------------------------------------------------- far node -> remote participants

    /** The far node's participant, as it is now (signals thread). */
    synchronized void onPublisher(RelayMessage.Publisher m) {
        if (closed.get()) {
            return;
        }
        Participant p = remotes.get(m.participantId());
        if (p == null) {
            p = rooms.joinRemote(roomId, m.participantId(), m.displayName(), transport, peerNode);
            remotes.put(m.participantId(), p);
            receiver.addRemote(p.endpoint());
        }
        List<PublishedTrack> published = new ArrayList<>();
        for (RelayTrack t : m.tracks()) {
            published.add(t.toPublishedTrack());
            receiver.setTransportCcId(m.participantId(), t.trackId(), t.transportCcId());
        }
        // Layer SSRCs first, for tracks already there: packets on a learned SSRC are routed at once.
        apply(p, m.tracks());
        p.publish(published);
        apply(p, m.tracks());
        receiver.rebuild();
        p.setMuted(MediaKind.AUDIO, m.audioMuted());
        p.setMuted(MediaKind.VIDEO, m.videoMuted());
    }

    private static void apply(Participant p, List<RelayTrack> tracks) {
        for (RelayTrack t : tracks) {
            for (UpTrack up : p.upTracks()) {
                if (up.trackId().equals(t.trackId())) {
                    t.applyLayers(up);
                }
            }
        }
    }

    synchronized void onPublisherLeft(RelayMessage.PublisherLeft m) {
        Participant p = remotes.remove(m.participantId());
        if (p != null) {
            receiver.removeRemote(p.endpoint());
            receiver.forgetTransportCcIds(m.participantId());
            p.leave(LeaveReason.LEFT);
        }
    }

    // ---------------------------------------------------------------- end

    private void transportClosed(CloseReason reason, String detail) {
        close(reason != CloseReason.LOCAL_CLOSE, "transport closed: " + reason + " (" + detail + ")");
    }

    /**
     * Ends the relay: the far node's participants leave the local room, local tracks stop
     * crossing, the transport closes; the far node is told unless it said so first.
     * Synchronized with the far node's descriptions, so none adds a remote participant after it.
     */
    synchronized void close(boolean tellPeer, String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("relay {} <-> {} for room {} closed: {}", localNode, peerNode, roomId, why);
        for (Participant p : remotes.values()) {
            receiver.removeRemote(p.endpoint());
            p.leave(LeaveReason.REMOVED);
        }
        remotes.clear();
        rooms.detachRelay(roomId, this);
        RelayEgress e = egress;
        if (e != null) {
            e.close();
        }
        MediaTransport t = transport;
        if (t != null) {
            t.close();
        }
        if (tellPeer) {
            signals.send(peerNode, new RelayMessage.Close(roomId, localNode, why));
        }
        onClosed.run();
    }

    @Override
    public String toString() {
        return "RelayLink[" + roomId + " " + localNode + (dialer ? " -> " : " <- ") + peerNode + "]";
    }
}
