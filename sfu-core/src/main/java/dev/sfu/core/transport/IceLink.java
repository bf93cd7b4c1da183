package dev.sfu.core.transport;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidatePairState;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ice4j {@link Agent} with one stream and one component (rtcp-mux, BUNDLE: RFC 8843), in
 * the controlled role on the server's single port or the controlling role on a client's own
 * socket. It reports validated pairs, the selected pair, consent responses and failure, and
 * hands received non-STUN datagrams to the owning transport.
 */
final class IceLink implements IceChannel {
    private static final Logger LOG = LoggerFactory.getLogger(IceLink.class);
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    /** What the link reports to its transport. */
    interface Events {
        /** A received non-STUN datagram; the receiver owns {@code buffer} from here on. */
        void iceIngress(Buffer buffer);

        /** ICE validated a pair (RFC 8445 section 7.2.5.3); the route leads to its remote end. */
        void icePairValidated(Route route);

        /** A pair was selected (nominated) for media; may change later. */
        void iceSelected(Route route);

        /** ICE processing failed. */
        void iceFailed(String detail);

        /** A consent-freshness check on the selected pair was answered (RFC 7675 section 5.1). */
        void consentRefreshed();
    }

    /**
     * One sending thread's reusable datagram packet, owned by whoever holds the lock it is used
     * under.
     */
    static final class Outbox {
        final DatagramPacket packet = new DatagramPacket(new byte[0], 0);
    }

    /**
     * Where to send: the socket of a validated pair and its remote address. When the pair's
     * local candidate is the server's {@link SharedUdpPort}, {@code port} sends there (batched
     * on media threads); on a client's host socket, {@code direct} does. Either way without
     * ice4j's wrapper layers.
     */
    record Route(IceSocketWrapper socket, InetSocketAddress remote, PolledDatagramSocket.Sender direct,
                 SharedUdpPort port) {
        Route(IceSocketWrapper socket, InetSocketAddress remote) {
            this(socket, remote, null, null);
        }

        /**
         * Sends one datagram; {@code ctx} is the sending thread's ({@link SendContext#current()}),
         * which batches it on a media thread when the port has native I/O.
         */
        void send(SendContext ctx, Outbox box, byte[] buf, int off, int len) throws IOException {
            if (port != null) {
                port.send(ctx, box, buf, off, len, remote);
                return;
            }
            DatagramPacket packet = box.packet;
            packet.setData(buf, off, len);
            packet.setSocketAddress(remote);
            if (direct != null) {
                direct.send(packet);
            } else {
                socket.send(packet);
            }
        }
    }

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final Events events;
    /** The client role's host socket, or null (server: the pair's candidate says). */
    private final PolledDatagramSocket.Sender clientSocket;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile CandidatePair selected;

    private IceLink(Agent agent, IceMediaStream stream, Component component, Events events,
                    ClientSocketPoller.Endpoint clientEndpoint) {
        this.agent = agent;
        this.stream = stream;
        this.component = component;
        this.events = events;
        this.clientSocket = clientEndpoint == null ? null : clientEndpoint.socket::send;
        stream.addPairChangeListener(this::pairChanged);
        agent.addStateChangeListener(this::stateChanged);
        if (clientEndpoint != null) {
            clientEndpoint.deliverTo(events);
        } else {
            component.setBufferCallback(events::iceIngress);
        }
    }

    /** The server role: ICE controlled, candidates from the shared single-port harvesters. */
    static IceLink server(String id, Collection<? extends CandidateHarvester> harvesters, Events events)
            throws IOException {
        Agent agent = new Agent();
        agent.setControlling(false);
        agent.setUseDynamicPorts(false);
        agent.setPerformConsentFreshness(true);
        for (CandidateHarvester h : harvesters) {
            agent.addCandidateHarvester(h);
        }
        IceMediaStream stream = agent.createMediaStream("media");
        // ALL_SUCCEEDED: after ICE completes ice4j still answers checks on every valid pair, not
        // only its selected one, so a browser that switches pairs keeps its consent.
        Component component = agent.createComponent(stream, KeepAliveStrategy.ALL_SUCCEEDED, false);
        return new IceLink(agent, stream, component, events, null);
    }

    /**
     * The client role: ICE controlling, one host candidate on an ephemeral port of {@code local}.
     * The socket is read by the client's shared {@link ClientSocketPoller} (one selector thread
     * for all of a client's transports) rather than through ice4j's merging component socket,
     * which would add a thread and a copy per datagram. STUN still reaches the agent: the poller
     * hands it to the socket ice4j's multiplexing socket reads, and the transport checks every
     * other datagram's source against the ICE-validated addresses.
     */
    static IceLink client(InetAddress local, ClientSocketPoller poller, Events events) throws IOException {
        Agent agent = new Agent();
        agent.setControlling(true);
        agent.setUseDynamicPorts(false);
        agent.setPerformConsentFreshness(true);
        EphemeralHostHarvester harvester = new EphemeralHostHarvester(local, poller);
        agent.addCandidateHarvester(harvester);
        IceMediaStream stream = agent.createMediaStream("media");
        Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
        if (harvester.endpoint == null) {
            agent.free();
            throw new IOException("cannot bind a client socket on " + local);
        }
        return new IceLink(agent, stream, component, events, harvester.endpoint);
    }

    @Override
    public String localUfrag() {
        return agent.getLocalUfrag();
    }

    @Override
    public String localPassword() {
        return agent.getLocalPassword();
    }

    @Override
    public List<IceCandidate> localCandidates() {
        List<IceCandidate> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress ta = c.getTransportAddress();
            out.add(new IceCandidate(c.getFoundation(), component.getComponentID(), "udp", c.getPriority(),
                    ta.getHostAddress(), ta.getPort(), c.getType().toString()));
        }
        return out;
    }

    /** Sets the remote credentials and candidates and starts the checks once. */
    @Override
    public synchronized void setRemote(String ufrag, String password, List<IceCandidate> candidates) {
        if (closed) {
            return;
        }
        stream.setRemoteUfrag(ufrag);
        stream.setRemotePassword(password);
        if (candidates != null) {
            for (IceCandidate c : candidates) {
                addRemoteCandidate(c);
            }
        }
        if (!started) {
            started = true;
            agent.startConnectivityEstablishment();
        }
    }

    /** Adds one remote candidate; ignores TCP, other components, and names (mDNS) that are not IP literals. */
    @Override
    public synchronized void addRemoteCandidate(IceCandidate c) {
        if (closed || c == null || !"udp".equals(c.transport()) || c.component() != component.getComponentID()
                || c.address() == null || !IP_LITERAL.matcher(c.address()).matches()) {
            return;
        }
        CandidateType type;
        try {
            type = CandidateType.parse(c.type().toLowerCase(Locale.ROOT));
            InetAddress address = InetAddress.getByName(c.address());
            RemoteCandidate rc = new RemoteCandidate(new TransportAddress(address, c.port(), Transport.UDP), component,
                    type, c.foundation(), c.priority(), null);
            if (started) {
                component.addUpdateRemoteCandidates(rc);
                component.updateRemoteCandidates();
            } else {
                component.addRemoteCandidate(rc);
            }
        } catch (IllegalArgumentException | IOException e) {
            LOG.debug("ignoring remote candidate {}: {}", c, e.toString());
        }
    }

    /** The current selected route, or null before nomination. */
    Route selectedRoute() {
        CandidatePair p = component.getSelectedPair();
        return p == null ? null : routeOf(p);
    }

    /** A route to a validated pair's remote address (used before nomination completes), or null. */
    @Override
    public Route validatedRoute(InetSocketAddress remote) {
        CandidatePair p = stream.getCheckList() == null ? null : findValidPair(remote);
        return p == null ? null : routeOf(p);
    }

    private CandidatePair findValidPair(InetSocketAddress remote) {
        var list = stream.getCheckList();
        synchronized (list) {
            for (CandidatePair p : list) {
                if (p.getParentComponent() == component && p.getState() == CandidatePairState.SUCCEEDED
                        && toPlain(p.getRemoteCandidate().getTransportAddress()).equals(remote)) {
                    return p;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            agent.free();
        } catch (RuntimeException e) {
            LOG.debug("agent.free failed", e);
        }
    }

    private Route routeOf(CandidatePair p) {
        IceSocketWrapper socket = p.getIceSocketWrapper();
        if (socket == null) {
            return null;
        }
        LocalCandidate local = p.getLocalCandidate();
        LocalCandidate base = local.getBase() != null ? local.getBase() : local;
        SharedUdpPort port = base instanceof PortCandidate pc ? pc.port() : null;
        return new Route(socket, toPlain(p.getRemoteCandidate().getTransportAddress()),
                port == null ? clientSocket : null, port);
    }

    static InetSocketAddress toPlain(TransportAddress ta) {
        return new InetSocketAddress(ta.getAddress(), ta.getPort());
    }

    private void pairChanged(PropertyChangeEvent e) {
        if (closed || !(e.getSource() instanceof CandidatePair pair) || pair.getParentComponent() != component) {
            return;
        }
        String name = e.getPropertyName();
        if (IceMediaStream.PROPERTY_PAIR_VALIDATED.equals(name)
                || (IceMediaStream.PROPERTY_PAIR_STATE_CHANGED.equals(name)
                    && e.getNewValue() == CandidatePairState.SUCCEEDED)) {
            Route r = routeOf(pair);
            if (r != null) {
                events.icePairValidated(r);
            }
        } else if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(name)
                && pair == component.getSelectedPair()) {
            events.consentRefreshed();
        }
        checkSelected();
    }

    private void stateChanged(PropertyChangeEvent e) {
        if (closed) {
            return;
        }
        Object state = e.getNewValue();
        if (state == IceProcessingState.FAILED) {
            events.iceFailed("ICE processing failed");
        } else {
            checkSelected();
        }
    }

    private void checkSelected() {
        CandidatePair p = component.getSelectedPair();
        if (p != null && p != selected) {
            selected = p;
            Route r = routeOf(p);
            if (r != null) {
                events.iceSelected(r);
            }
        }
    }

    /**
     * A host-candidate harvester for the client role: one UDP socket on an ephemeral port of a
     * given local address (ice4j's own host harvester skips loopback interfaces).
     */
    private static final class EphemeralHostHarvester implements CandidateHarvester {
        private final InetAddress local;
        private final ClientSocketPoller poller;
        private final HarvestStatistics statistics = new HarvestStatistics();
        /** The socket of the last harvest (one component per client link). */
        private volatile ClientSocketPoller.Endpoint endpoint;

        EphemeralHostHarvester(InetAddress local, ClientSocketPoller poller) {
            this.local = local;
            this.poller = poller;
        }

        @Override
        public Collection<LocalCandidate> harvest(Component component) {
            try {
                ClientSocketPoller.Endpoint e = poller.open(local);
                MultiplexingDatagramSocket socket = new MultiplexingDatagramSocket(e.socket);
                this.endpoint = e;
                HostCandidate candidate = new HostCandidate(new IceUdpSocketWrapper(socket), component, Transport.UDP);
                component.addLocalCandidate(candidate);
                candidate.getStunStack().addSocket(candidate.getStunSocket(null));
                if (component.getComponentSocket() != null) {
                    component.getComponentSocket().add(socket);
                }
                return List.of(candidate);
            } catch (IOException e) {
                LOG.warn("cannot bind a client socket on {}", local, e);
                return List.of();
            }
        }

        @Override
        public HarvestStatistics getHarvestStatistics() {
            return statistics;
        }

        @Override
        public boolean isHostHarvester() {
            return true;
        }
    }
}
