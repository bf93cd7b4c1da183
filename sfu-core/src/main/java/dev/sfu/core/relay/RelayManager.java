package dev.sfu.core.relay;

import dev.sfu.core.room.RoomManager;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceDtlsTransport;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relays of one node: one {@link RelayLink} per (room, other node) (docs/architecture.md,
 * "Relays"). The node that joins a room later dials ({@link #connect}): ICE controlling and DTLS
 * client, from a {@link TransportClient} socket, to the room owner's media port; the owner
 * answers from its {@link TransportServer} (ICE controlled, DTLS server). The two exchange
 * their parameters as {@link RelayMessage.Offer} and {@link RelayMessage.Answer} through
 * {@link RelaySignals}, then describe their participants to each other.
 *
 * <p>Who decides that a room spans nodes, and which node dials, is the cluster's business (the
 * room placement in Redis); this class only makes and keeps the links it is asked for.
 */
public final class RelayManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayManager.class);
    /**
     * Receiving SSRCs per kind on a relay: the far node's publishers' streams (audio, three
     * simulcast layers and their RTX each, plus their sender reports), not one browser's few.
     */
    public static final int MAX_RELAY_SSRCS = 1024;

    private final String nodeId;
    private final TransportServer server;
    private final RoomManager rooms;
    private final RelaySignals signals;
    private final AutoCloseable registration;
    private final Map<String, RelayLink> links = new ConcurrentHashMap<>();
    private final AtomicLong unexpectedMessages = new AtomicLong();
    private volatile TransportClient client;

    /**
     * @param nodeId  this node's id in the cluster (what other nodes send messages to)
     * @param server  this node's media port: relays it answers are on it
     * @param rooms   this node's rooms
     * @param signals how nodes reach each other
     */
    public RelayManager(String nodeId, TransportServer server, RoomManager rooms, RelaySignals signals) {
        this.nodeId = nodeId;
        this.server = server;
        this.rooms = rooms;
        this.signals = signals;
        this.registration = signals.register(nodeId, this::onMessage);
    }

    public String nodeId() {
        return nodeId;
    }

    private static String key(String roomId, String peer) {
        return roomId + "\n" + peer;
    }

    /** The link of {@code roomId} with {@code peerNode}, or null. */
    public RelayLink link(String roomId, String peerNode) {
        return links.get(key(roomId, peerNode));
    }

    /** Every live link (for /api/cluster). */
    public List<RelayLink> links() {
        return new ArrayList<>(links.values());
    }

    /** Every live relay's state and counters (for /api/cluster). */
    public List<RelayStats> stats() {
        List<RelayStats> all = new ArrayList<>();
        for (RelayLink l : links.values()) {
            all.add(l.stats());
        }
        return all;
    }

    /** Messages that named a link this node does not have (counted, logged, dropped). */
    public long unexpectedMessages() {
        return unexpectedMessages.get();
    }

    /**
     * Dials {@code peerNode} for {@code roomId} (this node joined the room later): makes the
     * client transport, sends the offer, attaches the link to the local room. Returns the
     * existing link when there is one.
     */
    public synchronized RelayLink connect(String roomId, String peerNode) {
        RelayLink existing = link(roomId, peerNode);
        if (existing != null) {
            return existing;
        }
        RelayLink link = newLink(roomId, peerNode, true);
        IceDtlsTransport t = client().createTransport(RelayLink.transportId(roomId, nodeId, peerNode), link.receiver());
        // The link holds its transport before the offer goes: the answer may come back on the
        // signals thread at once and needs it (seen in CI: the answer was lost, ICE failed). It is
        // attached to the room after, so that the offer is the first message the peer gets.
        link.use(t);
        signals.send(peerNode, new RelayMessage.Offer(roomId, nodeId, new RelayMessage.IceParameters(
                t.localIceUfrag(), t.localIcePwd(), t.localCandidates(), t.localFingerprint(), DtlsSetup.ACTPASS)));
        link.attach();
        LOG.info("relay for room {}: dialing node {}", roomId, peerNode);
        return link;
    }

    /** Closes the link of {@code roomId} with {@code peerNode} (its remote participants leave); the peer is told. */
    public void disconnect(String roomId, String peerNode, String why) {
        RelayLink l = link(roomId, peerNode);
        if (l != null) {
            l.close(true, why);
        }
    }

    /**
     * {@code node} is dead (its registration expired in the cluster): every relay to it closes at
     * once, without telling it, and its participants leave this node's rooms, instead of waiting
     * for the relays' consent to expire (30 s). Returns how many relays closed.
     */
    public int nodeGone(String node) {
        int n = 0;
        for (RelayLink l : links()) {
            if (l.peerNode().equals(node)) {
                l.close(false, "node " + node + " is gone");
                n++;
            }
        }
        return n;
    }

    private RelayLink newLink(String roomId, String peerNode, boolean dialer) {
        String k = key(roomId, peerNode);
        RelayLink[] self = new RelayLink[1];
        RelayLink link = new RelayLink(roomId, nodeId, peerNode, dialer, rooms, signals,
                () -> links.remove(k, self[0]));
        self[0] = link;
        links.put(k, link);
        return link;
    }

    private TransportClient client() {
        TransportClient c = client;
        if (c == null) {
            c = TransportClient.start(server.config());
            client = c;
        }
        return c;
    }

    // ---------------------------------------------------------------- messages (signals thread)

    private void onMessage(RelayMessage m) {
        if (m instanceof RelayMessage.Offer o) {
            answer(o);
            return;
        }
        RelayLink l = expected(m);
        if (l == null) {
            return;
        }
        if (m instanceof RelayMessage.Answer a) {
            if (l.isDialer()) {
                l.transport().setRemote(remote(a.parameters()));
            }
        } else if (m instanceof RelayMessage.Publisher p) {
            l.onPublisher(p);
        } else if (m instanceof RelayMessage.LayersNeeded n) {
            l.onLayersNeeded(n);
        } else if (m instanceof RelayMessage.PublisherLeft p) {
            l.onPublisherLeft(p);
        } else if (m instanceof RelayMessage.Close c) {
            l.close(false, "closed by node " + c.fromNode() + ": " + c.reason());
        }
    }

    private RelayLink expected(RelayMessage m) {
        RelayLink l = link(m.roomId(), m.fromNode());
        if (l == null && m instanceof RelayMessage.Close) {
            // Both ends closed at once (both lost their last participant, or shut down): nothing to do.
            LOG.debug("relay for room {} with node {} already closed", m.roomId(), m.fromNode());
            return null;
        }
        if (l == null) {
            unexpectedMessages.incrementAndGet();
            LOG.warn("relay message for room {} from node {} without a relay: {}", m.roomId(), m.fromNode(),
                    m.getClass().getSimpleName());
        }
        return l;
    }

    /** The owner's side: a transport on the media port, the answer, then the link. */
    private synchronized void answer(RelayMessage.Offer o) {
        RelayLink old = link(o.roomId(), o.fromNode());
        if (old != null) {
            // The dialer started again (it restarted, or lost its end): the new offer wins.
            old.close(false, "replaced by a new offer");
        }
        RelayLink link = newLink(o.roomId(), o.fromNode(), false);
        MediaTransport t = server.createTransport(RelayLink.transportId(o.roomId(), o.fromNode(), nodeId), MAX_RELAY_SSRCS);
        t.bind(link.receiver());
        RemoteParameters remote = remote(o.parameters());
        DtlsSetup setup = t.localSetup(remote.setup());
        t.setRemote(remote);
        signals.send(o.fromNode(), new RelayMessage.Answer(o.roomId(), nodeId, new RelayMessage.IceParameters(
                t.localIceUfrag(), t.localIcePwd(), t.localCandidates(), t.localFingerprint(), setup)));
        link.start(t);
        LOG.info("relay for room {}: answered node {}", o.roomId(), o.fromNode());
    }

    private static RemoteParameters remote(RelayMessage.IceParameters p) {
        return new RemoteParameters(p.ufrag(), p.pwd(), List.of(p.fingerprint()), p.setup(), p.candidates());
    }

    /** Closes every link (telling the peers), then stops listening and the client's threads. */
    @Override
    public void close() {
        for (RelayLink l : links()) {
            l.close(true, "node shutting down");
        }
        try {
            registration.close();
        } catch (Exception e) {
            LOG.warn("stopping relay signals for {} failed", nodeId, e);
        }
        TransportClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
