package dev.sfu.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MergingDatagramSocket;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.ice4j.socket.StunDatagramPacketFilter;

/**
 * A {@link SharedUdpPort} as one agent's host candidate. Each remote address that sent the agent
 * a check gets a socket of its own for ice4j (as with ice4j's single-port harvester): a
 * {@link PolledDatagramSocket} that receives the STUN the port's {@link PortDemux} hands it and
 * sends on the port, registered with the agent's STUN stack and component.
 */
final class PortCandidate extends HostCandidate {
    /** Remote addresses one agent may use; a real peer uses a few (host, reflexive, relay). */
    static final int MAX_PEERS_PER_CANDIDATE = 16;

    private final SharedUdpPort port;
    private final PortDemux demux;
    private final String ufrag;
    /** Guarded by this. */
    private final Map<InetSocketAddress, IceSocketWrapper> sockets = new HashMap<>();
    private boolean freed;

    PortCandidate(SharedUdpPort port, PortDemux demux, Component component, String ufrag) {
        super(port.getLocalAddress(), component);
        this.port = port;
        this.demux = demux;
        this.ufrag = ufrag;
    }

    /** The agent's local ufrag, which names this candidate in Binding Requests. */
    String ufrag() {
        return ufrag;
    }

    synchronized boolean isLive() {
        return !freed;
    }

    /** The port this candidate is on (media goes out through {@link SharedUdpPort#send}). */
    SharedUdpPort port() {
        return port;
    }

    synchronized PortDemux.Peer addPeer(InetSocketAddress remote) throws IOException {
        if (freed) {
            throw new IOException("candidate freed");
        }
        Component component = getParentComponent();
        IceProcessingState state = component.getParentStream().getParentAgent().getState();
        if (state == IceProcessingState.FAILED || state == IceProcessingState.TERMINATED) {
            throw new IOException("agent is " + state);
        }
        if (sockets.size() >= MAX_PEERS_PER_CANDIDATE) {
            throw new IOException("already " + MAX_PEERS_PER_CANDIDATE + " remote addresses");
        }
        PolledDatagramSocket socket = PolledDatagramSocket.shared(port.localSocketAddress(), port::send);
        MultiplexingDatagramSocket multiplexing = new MultiplexingDatagramSocket(socket);
        IceSocketWrapper wrapper = new IceUdpSocketWrapper(multiplexing);
        IceSocketWrapper stunOnly = new IceUdpSocketWrapper(
                multiplexing.getSocket(new StunDatagramPacketFilter()));
        component.getParentStream().getParentAgent().getStunStack()
                .addSocket(stunOnly, new TransportAddress(remote, Transport.UDP));
        MergingDatagramSocket componentSocket = component.getComponentSocket();
        if (componentSocket != null) {
            componentSocket.add(multiplexing);
        }
        sockets.put(remote, wrapper);
        return new PortDemux.Peer(this, socket, component);
    }

    @Override
    protected IceSocketWrapper getCandidateIceSocketWrapper(SocketAddress remoteAddress) {
        synchronized (this) {
            return sockets.get(remoteAddress);
        }
    }

    @Override
    public void free() {
        List<InetSocketAddress> remotes;
        List<IceSocketWrapper> wrappers;
        synchronized (this) {
            if (freed) {
                return;
            }
            freed = true;
            remotes = new ArrayList<>(sockets.keySet());
            wrappers = new ArrayList<>(sockets.values());
            sockets.clear();
        }
        demux.forget(this, remotes);
        Component component = getParentComponent();
        if (component != null) {
            for (InetSocketAddress remote : remotes) {
                component.getParentStream().getParentAgent().getStunStack()
                        .removeSocket(port.getLocalAddress(), new TransportAddress(remote, Transport.UDP));
            }
        }
        for (IceSocketWrapper w : wrappers) {
            w.close();
        }
        super.free();
    }
}
