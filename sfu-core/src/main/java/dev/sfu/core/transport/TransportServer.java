package dev.sfu.core.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.StaticMappingCandidateHarvester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the transport, one per process: it owns the single UDP media port
 * ({@link SharedUdpPort}, which demultiplexes by the ICE ufrag of the first STUN request from
 * an address and then by that address), the DTLS certificate, and the threads; it creates one
 * {@link MediaTransport} per participant in the ICE-controlled role.
 */
public final class TransportServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransportServer.class);

    private final TransportConfig config;
    private final TransportRuntime runtime;
    private final List<SharedUdpPort> portHarvesters;
    private final DropCounters portDrops;
    private final List<CandidateHarvester> harvesters;
    private final Map<String, IceDtlsTransport> transports = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private TransportServer(TransportConfig config, TransportRuntime runtime, List<SharedUdpPort> ports,
                            List<CandidateHarvester> harvesters, DropCounters portDrops) {
        this.config = config;
        this.runtime = runtime;
        this.portHarvesters = ports;
        this.harvesters = harvesters;
        this.portDrops = portDrops;
    }

    /**
     * Makes the certificate, warms up the DTLS and SRTP crypto with one in-memory handshake,
     * then binds the media port.
     *
     * @throws IOException when the port cannot be bound
     */
    public static TransportServer start(TransportConfig config) throws IOException {
        Ice4jSetup.init();
        DtlsIdentity identity = DtlsIdentity.generate();
        // Before the port opens: the first participant must not pay for cold crypto.
        CryptoWarmUp.run(identity, config.srtpProfiles());
        TransportRuntime runtime = new TransportRuntime(config, identity, "transport");
        DropCounters portDrops = new DropCounters();
        List<SharedUdpPort> ports;
        try {
            // One sending channel per media thread when there are several, so that rooms on
            // different threads do not queue on one socket's lock.
            int sendChannels = runtime.workers.size() > 1 ? runtime.workers.size() : 0;
            ports = SharedUdpPort.open(new InetSocketAddress(config.bindAddress(), config.port()), sendChannels,
                    portDrops);
        } catch (IOException | RuntimeException e) {
            runtime.shutdown();
            throw e;
        }
        List<CandidateHarvester> all = new ArrayList<>(ports);
        for (InetAddress publicAddress : config.advertisedAddresses()) {
            for (SharedUdpPort h : ports) {
                TransportAddress local = h.getLocalAddress();
                if (local.getAddress().getClass() != publicAddress.getClass()) {
                    continue;
                }
                all.add(new StaticMappingCandidateHarvester(
                        new TransportAddress(publicAddress, local.getPort(), Transport.UDP), local,
                        "advertised-" + publicAddress.getHostAddress(), true));
            }
        }
        TransportServer server = new TransportServer(config, runtime, ports, all, portDrops);
        List<String> bound = new ArrayList<>();
        for (SharedUdpPort h : ports) {
            bound.add(h.getLocalAddress().getHostAddress() + ":" + h.getLocalAddress().getPort());
        }
        LOG.info("media transport on UDP {} (advertised {}), certificate {}", bound,
                config.advertisedAddresses(), server.fingerprint().toSdp());
        return server;
    }

    /** The bound address of the (first) media port; its port is the real one when 0 was asked. */
    public InetSocketAddress localAddress() {
        TransportAddress a = portHarvesters.get(0).getLocalAddress();
        return new InetSocketAddress(a.getAddress(), a.getPort());
    }

    /**
     * Whether the media port sends with {@code sendmmsg} and reads with {@code recvmmsg} through
     * the foreign linker (see {@link NativeUdpSocket}), rather than through JDK sockets.
     */
    public boolean nativeIo() {
        return portHarvesters.get(0).isNative();
    }

    /** Datagrams the media port dropped before any transport got them ({@link DropReason#UNKNOWN_SOURCE}). */
    public DropCounters portDrops() {
        return portDrops;
    }

    public TransportConfig config() {
        return config;
    }

    /** This server's certificate fingerprint (sha-256) for SDP. */
    public Fingerprint fingerprint() {
        return runtime.identity.fingerprint();
    }

    /**
     * Creates the transport of one participant (ICE controlled, DTLS server for an actpass or
     * active peer). Its local ufrag, password and candidates are ready on return. Bind its media
     * listener ({@link MediaTransport#bind}) before passing its parameters to the peer; it leaves
     * this server's registry by itself when it closes (a close handler).
     */
    public MediaTransport createTransport(String id) {
        return createTransport(id, runtime.maxReceiveSsrcs);
    }

    /**
     * Like {@link #createTransport(String)}, with a bound on the SSRCs per kind the peer may send
     * on: the answering end of a relay between nodes receives every stream of the far node's
     * publishers (see {@code dev.sfu.core.relay}).
     */
    public MediaTransport createTransport(String id, int maxReceiveSsrcs) {
        if (closed) {
            throw new IllegalStateException("transport server closed");
        }
        IceDtlsTransport t;
        try {
            t = IceDtlsTransport.create(id, runtime, true, events -> IceLink.server(id, harvesters, events));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create transport " + id, e);
        }
        t.setMaxReceiveSsrcs(maxReceiveSsrcs);
        IceDtlsTransport previous = transports.put(id, t);
        t.addCloseHandler((reason, detail) -> transports.remove(id, t));
        if (previous != null) {
            previous.close();
        }
        return t;
    }

    /** The live transport with this id, or null. */
    public MediaTransport transport(String id) {
        return transports.get(id);
    }

    /** Number of live transports. */
    public int transportCount() {
        return transports.size();
    }

    /** Closes all transports and the media port. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (IceDtlsTransport t : new ArrayList<>(transports.values())) {
            t.close();
        }
        runtime.shutdown();
        for (SharedUdpPort h : portHarvesters) {
            h.close();
        }
    }
}
