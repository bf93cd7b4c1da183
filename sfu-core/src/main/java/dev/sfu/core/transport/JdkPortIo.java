package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media port on JDK sockets (where the foreign linker is not usable, or native I/O is
 * turned off): one receiving socket and one sending socket per media thread, all bound to the
 * same address with SO_REUSEADDR.
 *
 * <p>These are {@link DatagramSocket}s, not {@code DatagramChannel}s, on purpose: a channel is
 * closed for every user when any thread is interrupted during an operation on it, and ice4j
 * and the DTLS handshake threads are interrupted when they are cancelled. A load test with a
 * shared channel lost the whole port's STUN that way; a socket is not interruptible.
 *
 * <p>Linux delivers a datagram for a port bound by several sockets with SO_REUSEADDR to the
 * socket bound last, so the sending sockets are bound first and the receiving one last (ice4j's
 * socket pool relies on the same order). A datagram that lands on a sending socket anyway is
 * read and handled like any other: nothing is lost.
 */
final class JdkPortIo implements PortIo {
    private static final Logger LOG = LoggerFactory.getLogger(JdkPortIo.class);

    private final DatagramSocket receiver;
    /** One sending socket per media thread (the receiver itself when there are none). */
    private final DatagramSocket[] senders;
    private final boolean separateSenders;
    private final InetSocketAddress local;
    private volatile boolean closed;

    private JdkPortIo(DatagramSocket receiver, DatagramSocket[] senders, boolean separateSenders) {
        this.receiver = receiver;
        this.senders = senders;
        this.separateSenders = separateSenders;
        this.local = (InetSocketAddress) receiver.getLocalSocketAddress();
    }

    /** Binds {@code sendSockets} sending sockets and then the receiving one on {@code bind}. */
    static JdkPortIo bind(InetSocketAddress bind, int sendSockets, int receiveBufferBytes, String whyNotNative)
            throws IOException {
        List<DatagramSocket> opened = new ArrayList<>();
        try {
            InetSocketAddress at = bind;
            for (int i = 0; i <= sendSockets; i++) {
                DatagramSocket socket = new DatagramSocket(null);
                opened.add(socket);
                if (sendSockets > 0) {
                    socket.setReuseAddress(true);
                }
                socket.setReceiveBufferSize(receiveBufferBytes);
                socket.bind(at);
                at = (InetSocketAddress) socket.getLocalSocketAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramSocket socket : opened) {
                socket.close();
            }
            throw e;
        }
        DatagramSocket receiver = opened.get(opened.size() - 1);
        DatagramSocket[] senders = sendSockets == 0 ? new DatagramSocket[] {receiver}
                : opened.subList(0, sendSockets).toArray(new DatagramSocket[0]);
        JdkPortIo io = new JdkPortIo(receiver, senders, sendSockets > 0);
        LOG.info("media port {}: JDK sockets ({})", io.local, whyNotNative);
        return io;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean isNative() {
        return false;
    }

    @Override
    public void start(Sink sink) {
        startReader(receiver, "media-port-" + local.getPort(), sink);
        if (separateSenders) {
            for (int i = 0; i < senders.length; i++) {
                startReader(senders[i], "media-port-" + local.getPort() + "-s" + i, sink);
            }
        }
    }

    /** A media thread always uses the same sending socket. */
    @Override
    public void send(DatagramPacket packet) throws IOException {
        DatagramSocket[] s = senders;
        s[(int) (Thread.currentThread().getId() % s.length)].send(packet);
    }

    @Override
    public void send(SendContext ctx, IceLink.Outbox box, byte[] buf, int off, int len, InetSocketAddress to)
            throws IOException {
        DatagramPacket packet = box.packet;
        packet.setData(buf, off, len);
        packet.setSocketAddress(to);
        send(packet);
    }

    @Override
    public void close() {
        closed = true;
        receiver.close();
        for (DatagramSocket socket : senders) {
            socket.close();
        }
    }

    private void startReader(DatagramSocket socket, String name, Sink sink) {
        Thread t = new Thread(() -> read(socket, sink), name);
        t.setDaemon(true);
        t.start();
    }

    private void read(DatagramSocket socket, Sink sink) {
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
                LOG.warn("media port {}: receive failed: {}", local, e.toString());
                continue;
            }
            if (sink.dispatch(b, packet.getLength(), packet.getSocketAddress())) {
                b = null;
            }
        }
        PacketPool.release(b);
    }

    private static DatagramPacket packet(DatagramPacket p, Buffer b) {
        p.setData(b.getBuffer(), 0, b.getBuffer().length);
        return p;
    }
}
