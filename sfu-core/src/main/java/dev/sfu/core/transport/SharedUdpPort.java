package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.sfu.rtp.ffi.Linkage;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MergingDatagramSocket;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.ice4j.socket.StunDatagramPacketFilter;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's single UDP media port on one local address, shared by every participant, and
 * the ICE host-candidate harvester for it. It replaces ice4j's single-port harvester on the
 * packet path while ice4j keeps doing ICE itself (checks, nomination, consent).
 *
 * <p>Demultiplexing, as RFC 8445 section 6.1.1 implies for a port shared by many agents: a
 * STUN Binding Request from an unknown address is matched to an agent by the local half of its
 * USERNAME ({@code ourUfrag:theirUfrag}, RFC 8445 section 7.2.2); from then on that address
 * belongs to that agent. Every other datagram from an unknown address is dropped and counted
 * ({@link DropReason#UNKNOWN_SOURCE}).
 *
 * <p>Why not ice4j's listener: it copies each datagram twice, allocates a timestamp per
 * datagram, and sends media through four wrapper layers and a synchronized socket pool. Here
 * the reader receives straight into a pooled buffer that travels on to the transport, the
 * port counts what it drops, and media is sent by {@link #send}, with one sending socket per
 * media thread.
 *
 * <p>These are {@link DatagramSocket}s, not {@code DatagramChannel}s, on purpose: a channel is
 * closed for every user when any thread is interrupted during an operation on it, and ice4j
 * and the DTLS handshake threads are interrupted when they are cancelled. A load test with a
 * shared channel lost the whole port's STUN that way; a socket is not interruptible.
 *
 * <p>STUN for a known address goes to a per-address {@link PolledDatagramSocket} that ice4j's
 * STUN stack reads; everything else goes to the agent's component ({@link Component#handleBuffer},
 * the push API), which hands it to the transport.
 *
 * <p>Native I/O: where the JVM allows the foreign linker ({@link NativeUdpSocket}), the port is one
 * socket driven through the C library instead: the reader takes bursts with {@code recvmmsg},
 * media threads queue their datagrams in a {@link SendBatch} and send each task's worth with
 * one {@code sendmmsg}, and no datagram costs an allocation. {@code -Dsfu.media.native-udp=false}
 * turns it off.
 *
 * <p>Sending sockets (JDK I/O): Linux delivers a datagram for a port bound by several sockets with
 * SO_REUSEADDR to the socket bound last, so the sending sockets are bound first and the
 * receiving one last (ice4j's socket pool relies on the same order). A datagram that lands on
 * a sending socket anyway is read and handled like any other: nothing is lost.
 */
final class SharedUdpPort implements CandidateHarvester, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedUdpPort.class);
    private static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;
    /** Remote addresses one agent may use; a real peer uses a few (host, reflexive, relay). */
    static final int MAX_PEERS_PER_CANDIDATE = 16;
    private static final int STUN_HEADER = 20;
    private static final int STUN_MAGIC_COOKIE = 0x2112A442;
    private static final int STUN_BINDING_REQUEST = 0x0001;
    private static final int STUN_USERNAME = 0x0006;

    private final TransportAddress localAddress;
    private final InetSocketAddress localSocketAddress;
    /** JDK I/O: the socket the reader reads; null with native I/O. */
    private final DatagramSocket receiver;
    /** JDK I/O: one sending socket per media thread; null with native I/O. */
    private final DatagramSocket[] senders;
    /** Native I/O: the port's one socket; null with JDK I/O. */
    private final NativeUdpSocket nativeSocket;
    private final Thread nativeReader;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, PortCandidate> candidates = new ConcurrentHashMap<>();
    private final HarvestStatistics statistics = new HarvestStatistics();
    private final DropCounters drops;
    private volatile boolean closed;

    /** What is known of one remote address. */
    private record Peer(PortCandidate candidate, PolledDatagramSocket stunSocket, BufferHandler media) {
    }

    private SharedUdpPort(InetSocketAddress bind, int sendSockets, DropCounters drops) throws IOException {
        this.drops = drops;
        String whyNotNative = NativeIo.whyNot();
        if (whyNotNative == null) {
            this.nativeSocket = NativeUdpSocket.bind(bind, receiveBufferBytes(), drops);
            this.receiver = null;
            this.senders = null;
            this.localSocketAddress = nativeSocket.localAddress();
            this.localAddress = new TransportAddress(localSocketAddress.getAddress(), localSocketAddress.getPort(),
                    Transport.UDP);
            this.nativeReader = new Thread(this::readNative, "media-port-" + localSocketAddress.getPort());
            nativeReader.setDaemon(true);
            nativeReader.start();
            LOG.info("media port {}: native I/O (recvmmsg, and sendmmsg batches from media threads)",
                    localSocketAddress);
            return;
        }
        this.nativeSocket = null;
        this.nativeReader = null;
        List<DatagramSocket> opened = new ArrayList<>();
        try {
            InetSocketAddress at = bind;
            for (int i = 0; i <= sendSockets; i++) {
                DatagramSocket socket = new DatagramSocket(null);
                opened.add(socket);
                if (sendSockets > 0) {
                    socket.setReuseAddress(true);
                }
                socket.setReceiveBufferSize(receiveBufferBytes());
                socket.bind(at);
                at = (InetSocketAddress) socket.getLocalSocketAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramSocket socket : opened) {
                socket.close();
            }
            throw e;
        }
        this.receiver = opened.get(opened.size() - 1);
        this.senders = sendSockets == 0 ? new DatagramSocket[] {receiver}
                : opened.subList(0, sendSockets).toArray(new DatagramSocket[0]);
        this.localSocketAddress = (InetSocketAddress) receiver.getLocalSocketAddress();
        this.localAddress = new TransportAddress(localSocketAddress.getAddress(), localSocketAddress.getPort(),
                Transport.UDP);
        LOG.info("media port {}: JDK sockets ({})", localSocketAddress, whyNotNative);
        startReader(receiver, "media-port-" + localSocketAddress.getPort());
        if (sendSockets > 0) {
            for (int i = 0; i < senders.length; i++) {
                startReader(senders[i], "media-port-" + localSocketAddress.getPort() + "-s" + i);
            }
        }
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

    /** Whether the port's I/O can go through the C library, and if not, why. */
    static final class NativeIo {
        /** Null when the foreign linker is usable here; else why not. */
        static final String UNAVAILABLE = Linkage.whyNotUsable("dev.sfu.core.transport.NativeUdpSocket$Calls",
                SharedUdpPort.class.getClassLoader());

        /**
         * Why a port opened now uses JDK sockets, or null when it uses native I/O: the linker
         * must be usable and {@code -Dsfu.media.native-udp} not false (read at each open).
         */
        static String whyNot() {
            if (!Boolean.parseBoolean(System.getProperty("sfu.media.native-udp", "true"))) {
                return "turned off with -Dsfu.media.native-udp=false";
            }
            return UNAVAILABLE == null ? null : UNAVAILABLE
                    + "; run java with --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED"
                    + " on JDK 17 for sendmmsg";
        }

        private NativeIo() {
        }
    }

    /** Whether this port uses native I/O. */
    boolean isNative() {
        return nativeSocket != null;
    }

    private static int receiveBufferBytes() {
        String configured = System.getProperty("ice4j.harvest.udp.receive-buffer-size");
        try {
            return configured == null ? DEFAULT_RECEIVE_BUFFER : Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_RECEIVE_BUFFER;
        }
    }

    private void startReader(DatagramSocket socket, String name) {
        Thread t = new Thread(() -> read(socket), name);
        t.setDaemon(true);
        t.start();
    }

    TransportAddress getLocalAddress() {
        return localAddress;
    }

    /**
     * Sends one datagram from this port. Thread-safe; a media thread always uses the same
     * sending socket.
     */
    void send(DatagramPacket packet) throws IOException {
        NativeUdpSocket n = nativeSocket;
        if (n != null) {
            if (!(packet.getSocketAddress() instanceof InetSocketAddress to)) {
                throw new IOException("no destination address");
            }
            send(n, packet.getData(), packet.getOffset(), packet.getLength(), to);
            return;
        }
        DatagramSocket[] s = senders;
        s[(int) (Thread.currentThread().getId() % s.length)].send(packet);
    }

    /**
     * Sends one datagram to {@code to} (the packet path): with native I/O a media thread queues
     * it in its batch, any other thread sends it at once; with JDK I/O it goes out through
     * {@code box}'s packet.
     */
    void send(IceLink.Outbox box, byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        NativeUdpSocket n = nativeSocket;
        if (n != null) {
            send(n, buf, off, len, to);
            return;
        }
        DatagramPacket packet = box.packet;
        packet.setData(buf, off, len);
        packet.setSocketAddress(to);
        send(packet);
    }

    private static void send(NativeUdpSocket n, byte[] buf, int off, int len, InetSocketAddress to)
            throws IOException {
        if (Thread.currentThread() instanceof MediaWorkers.MediaThread t) {
            t.batch().add(n, buf, off, len, to);
        } else {
            n.sendNow(buf, off, len, to);
        }
    }

    // ---- receiving ----

    private void read(DatagramSocket socket) {
        DatagramPacket packet = new DatagramPacket(new byte[0], 0);
        Buffer b = null;
        // One datagram per call: see MediaWorkers on why a hot loop body is a method of its own.
        while (!closed) {
            if (b == null) {
                b = PacketPool.acquire(PacketPool.BUFFER_SIZE);
            }
            try {
                socket.receive(packet(packet, b));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    break;
                }
                LOG.warn("media port {}: receive failed: {}", localSocketAddress, e.toString());
                continue;
            }
            if (dispatch(b, packet.getLength(), packet.getSocketAddress())) {
                b = null;
            }
        }
        PacketPool.release(b);
    }

    /** Native I/O: reads bursts with recvmmsg until the port closes. */
    private void readNative() {
        NativeUdpSocket.Receiver rx = new NativeUdpSocket.Receiver(16, PacketPool.BUFFER_SIZE);
        // One burst per call: see MediaWorkers on why a hot loop body is a method of its own.
        while (!closed) {
            try {
                if (readBurst(rx) < 0) {
                    break;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.warn("media port {}: receive failed: {}", localSocketAddress, e.toString());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private int readBurst(NativeUdpSocket.Receiver rx) {
        int n = nativeSocket.receive(rx);
        for (int i = 0; i < n; i++) {
            InetSocketAddress from = rx.source(i);
            if (rx.truncated(i) || from == null) {
                drops.increment(DropReason.MALFORMED);
                continue;
            }
            Buffer b = PacketPool.acquire(PacketPool.BUFFER_SIZE);
            int len = rx.copy(i, b.getBuffer());
            if (!dispatch(b, len, from)) {
                PacketPool.release(b);
            }
        }
        return n;
    }

    private static DatagramPacket packet(DatagramPacket p, Buffer b) {
        p.setData(b.getBuffer(), 0, b.getBuffer().length);
        return p;
    }

    /** Hands one received datagram on; true when {@code b} went with it (media to a transport). */
    private boolean dispatch(Buffer b, int len, SocketAddress from) {
        byte[] data = b.getBuffer();
        if (len == 0 || !(from instanceof InetSocketAddress remote)) {
            drops.increment(DropReason.MALFORMED);
            return false;
        }
        Peer peer = peers.get(remote);
        // RFC 7983 section 7: a first byte of 0 to 3 is STUN.
        boolean stun = (data[0] & 0xff) < 4;
        if (peer == null || (stun && !peer.candidate.isLive())) {
            peer = stun ? accept(data, len, remote) : null;
            if (peer == null) {
                drops.increment(DropReason.UNKNOWN_SOURCE);
                return false;
            }
        } else if (stun) {
            peer = remapIfOtherAgent(peer, data, len, remote);
        }
        if (stun) {
            // Checks and consent requests: a few per second per peer, so a copy is fine.
            peer.stunSocket.deliverStun(Arrays.copyOf(data, len), remote);
            return false;
        }
        b.setOffset(0);
        b.setLength(len);
        b.setRemoteAddress(remote);
        try {
            peer.media.handleBuffer(b);
        } catch (RuntimeException e) {
            LOG.warn("media port {}: handler failed", localSocketAddress, e);
        }
        return true;
    }

    /**
     * A known address that sends a Binding Request for another live agent (a peer that restarted
     * and reused its port) now belongs to that agent; anything else stays where it was.
     */
    private Peer remapIfOtherAgent(Peer peer, byte[] datagram, int len, InetSocketAddress remote) {
        String ufrag = localUfrag(datagram, len);
        if (ufrag == null || ufrag.equals(peer.candidate.ufrag) || !candidates.containsKey(ufrag)) {
            return peer;
        }
        Peer next = accept(datagram, len, remote);
        return next != null ? next : peer;
    }

    /** A STUN datagram from a new address: a Binding Request for a known agent maps the address to it. */
    private Peer accept(byte[] datagram, int len, InetSocketAddress remote) {
        String ufrag = localUfrag(datagram, len);
        PortCandidate candidate = ufrag == null ? null : candidates.get(ufrag);
        if (candidate == null) {
            return null;
        }
        try {
            Peer peer = candidate.addPeer(remote);
            peers.put(remote, peer);
            return peer;
        } catch (IOException e) {
            LOG.debug("media port {}: not accepting {} for {}: {}", localSocketAddress, remote, ufrag, e.toString());
            return null;
        }
    }

    /**
     * The local ufrag of a STUN Binding Request: the part of its USERNAME attribute before the
     * colon (RFC 8445 section 7.2.2), or null when the datagram is not a well-formed Binding
     * Request with one (RFC 8489 sections 5 and 14: header, magic cookie, 4-byte aligned
     * attributes within the declared length).
     */
    static String localUfrag(byte[] d, int len) {
        if (len < STUN_HEADER || len > d.length || u16(d, 0) != STUN_BINDING_REQUEST
                || (u16(d, 4) << 16 | u16(d, 6)) != STUN_MAGIC_COOKIE) {
            return null;
        }
        int bodyLength = u16(d, 2);
        if ((bodyLength & 3) != 0 || STUN_HEADER + bodyLength > len) {
            return null;
        }
        int end = STUN_HEADER + bodyLength;
        int at = STUN_HEADER;
        while (at + 4 <= end) {
            int type = u16(d, at);
            int attrLength = u16(d, at + 2);
            int value = at + 4;
            if (value + attrLength > end) {
                return null;
            }
            if (type == STUN_USERNAME) {
                for (int i = 0; i < attrLength; i++) {
                    if (d[value + i] == ':') {
                        return i == 0 ? null : new String(d, value, i, StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
            at = value + ((attrLength + 3) & ~3);
        }
        return null;
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | (d[at + 1] & 0xff);
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
        PortCandidate candidate = new PortCandidate(component, agent.getLocalUfrag());
        candidates.put(candidate.ufrag, candidate);
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
        for (PortCandidate c : new ArrayList<>(candidates.values())) {
            c.free();
        }
        if (nativeSocket != null) {
            nativeSocket.close();
            if (Thread.currentThread() != nativeReader) {
                try {
                    nativeReader.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (nativeReader.isAlive() && Thread.currentThread() != nativeReader) {
                // Closing the descriptor under a reader could let it read a file that reuses
                // the number; keep it open (the socket is shut down) rather than risk that.
                LOG.warn("media port {}: reader did not stop; leaving its descriptor open", localSocketAddress);
                return;
            }
            nativeSocket.release();
            return;
        }
        receiver.close();
        for (DatagramSocket socket : senders) {
            socket.close();
        }
    }

    /**
     * This port as one agent's host candidate. Each remote address that sent the agent a check
     * gets a socket of its own for ice4j (as with ice4j's single-port harvester): a
     * {@link PolledDatagramSocket} that receives the STUN this port hands it and sends on the
     * port, registered with the agent's STUN stack and component.
     */
    final class PortCandidate extends HostCandidate {
        private final String ufrag;
        /** Guarded by this. */
        private final Map<InetSocketAddress, IceSocketWrapper> sockets = new java.util.HashMap<>();
        private boolean freed;

        PortCandidate(Component component, String ufrag) {
            super(localAddress, component);
            this.ufrag = ufrag;
        }

        synchronized boolean isLive() {
            return !freed;
        }

        /** The port this candidate is on (media goes out through {@link SharedUdpPort#send}). */
        SharedUdpPort port() {
            return SharedUdpPort.this;
        }

        synchronized Peer addPeer(InetSocketAddress remote) throws IOException {
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
            PolledDatagramSocket socket = PolledDatagramSocket.shared(localSocketAddress, SharedUdpPort.this::send);
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
            return new Peer(this, socket, component);
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
            candidates.remove(ufrag, this);
            Component component = getParentComponent();
            for (InetSocketAddress remote : remotes) {
                Peer p = peers.get(remote);
                if (p != null && p.candidate == this) {
                    peers.remove(remote, p);
                }
                if (component != null) {
                    component.getParentStream().getParentAgent().getStunStack()
                            .removeSocket(localAddress, new TransportAddress(remote, Transport.UDP));
                }
            }
            for (IceSocketWrapper w : wrappers) {
                w.close();
            }
            super.free();
        }
    }
}
