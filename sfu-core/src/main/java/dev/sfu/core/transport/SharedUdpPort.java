package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's single UDP media port on one local address, shared by every participant, and
 * the ICE host-candidate harvester for it. It replaces ice4j's single-port harvester on the
 * packet path while ice4j keeps doing ICE itself (checks, nomination, consent). Its parts:
 * <ul>
 *   <li>{@link PortIo}: the sockets and their reader threads, {@link NativePortIo}
 *       ({@code recvmmsg}/{@code sendmmsg}) where the JVM allows the foreign linker, else
 *       {@link JdkPortIo};</li>
 *   <li>{@link PortDemux}: which agent each datagram is for (RFC 8445 section 6.1.1), by the
 *       USERNAME of the first Binding Request from an address ({@link StunUsername});</li>
 *   <li>{@link PortCandidate}: the port as one agent's host candidate.</li>
 * </ul>
 *
 * <p>Why not ice4j's listener: it copies each datagram twice, allocates a timestamp per
 * datagram, and sends media through four wrapper layers and a synchronized socket pool. Here
 * the reader receives straight into a pooled buffer that travels on to the transport, the
 * port counts what it drops, and media is sent by {@link #send}, batched per media thread
 * ({@link SendContext}) with native I/O, or with one sending socket per media thread on JDK
 * sockets.
 */
final class SharedUdpPort implements CandidateHarvester, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpPort.class);

    private final PortIo io;
    private final PortDemux demux;
    private final TransportAddress localAddress;
    private final HarvestStatistics statistics = new HarvestStatistics();
    private volatile boolean closed;

    private SharedUdpPort(InetSocketAddress bind, int sendSockets, DropCounters drops) throws IOException {
        this.io = PortIo.open(bind, sendSockets, drops);
        InetSocketAddress local = io.localAddress();
        this.localAddress = new TransportAddress(local.getAddress(), local.getPort(), Transport.UDP);
        this.demux = new PortDemux(local, drops);
        io.start(demux);
    }

    /**
     * Binds the port on {@code bind}, or with a wildcard address on every usable interface
     * address (as ice4j's single-port harvesters do), each with {@code sendSockets} sending
     * sockets (0: the receiving one sends too).
     */
    static List<SharedUdpPort> open(InetSocketAddress bind, int sendSockets, DropCounters drops) throws IOException {
        List<SharedUdpPort> ports = new ArrayList<>();
        try {
            if (bind.getAddress().isAnyLocalAddress()) {
                if (bind.getPort() == 0) {
                    throw new IllegalArgumentException("a wildcard bind address needs a fixed port");
                }
                for (TransportAddress a : AbstractUdpListener.getAllowedAddresses(bind.getPort())) {
                    try {
                        ports.add(new SharedUdpPort(new InetSocketAddress(a.getAddress(), a.getPort()),
                                sendSockets, drops));
                    } catch (IOException e) {
                        LOG.info("cannot bind the media port on {}: {}", a, e.toString());
                    }
                }
                if (ports.isEmpty()) {
                    throw new IOException("no usable interface address for port " + bind.getPort());
                }
            } else {
                ports.add(new SharedUdpPort(bind, sendSockets, drops));
            }
            return ports;
        } catch (IOException | RuntimeException e) {
            for (SharedUdpPort p : ports) {
                p.close();
            }
            throw e;
        }
    }

    /** Whether this port uses native I/O. */
    boolean isNative() {
        return io.isNative();
    }

    TransportAddress getLocalAddress() {
        return localAddress;
    }

    InetSocketAddress localSocketAddress() {
        return io.localAddress();
    }

    /** Sends one datagram from this port (ICE's STUN). Thread-safe. */
    void send(DatagramPacket packet) throws IOException {
        io.send(packet);
    }

    /**
     * Sends one datagram to {@code to} (the packet path): with native I/O it goes into
     * {@code ctx}'s batch (a media thread's) or out at once ({@link SendContext#IMMEDIATE});
     * with JDK I/O it goes out through {@code box}'s packet.
     */
    void send(SendContext ctx, IceLink.Outbox box, byte[] buf, int off, int len, InetSocketAddress to)
            throws IOException {
        io.send(ctx, box, buf, off, len, to);
    }

    // ---- harvesting ----

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        IceMediaStream stream = component.getParentStream();
        Agent agent = stream.getParentAgent();
        if (closed || stream.getComponentCount() != 1 || agent.getStreamCount() != 1) {
            // The ufrag names the agent, so one agent may have one stream with one component.
            return List.of();
        }
        PortCandidate candidate = new PortCandidate(this, demux, component, agent.getLocalUfrag());
        demux.register(candidate);
        component.addLocalCandidate(candidate);
        return List.of(candidate);
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return statistics;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PortCandidate c : demux.candidates()) {
            c.free();
        }
        io.close();
    }
}
