package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import dev.sfu.rtp.ffi.Linkage;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media port on one {@link NativeUdpSocket}: the reader takes bursts with {@code recvmmsg},
 * media threads queue their datagrams in their {@link SendContext} and send each task's worth
 * with one {@code sendmmsg}, and no datagram costs an allocation. Used where the JVM allows the
 * foreign linker; {@code -Dsfu.media.native-udp=false} turns it off ({@link #whyNot()}).
 */
final class NativePortIo implements PortIo {
    private static final Logger LOG = LoggerFactory.getLogger(NativePortIo.class);
    /** Datagrams one {@code recvmmsg} may return. */
    private static final int RECEIVE_SLOTS = 16;

    /** Null when the foreign linker is usable here; else why not. */
    static final String UNAVAILABLE = Linkage.whyNotUsable("dev.sfu.core.transport.NativeUdpSocket$Calls",
            NativePortIo.class.getClassLoader());

    private final NativeUdpSocket socket;
    private final DropCounters drops;
    private Thread reader;
    private volatile boolean closed;

    private NativePortIo(NativeUdpSocket socket, DropCounters drops) {
        this.socket = socket;
        this.drops = drops;
    }

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

    static NativePortIo bind(InetSocketAddress bind, int receiveBufferBytes, DropCounters drops) throws IOException {
        NativePortIo io = new NativePortIo(NativeUdpSocket.bind(bind, receiveBufferBytes, drops), drops);
        LOG.info("media port {}: native I/O (recvmmsg, and sendmmsg batches from media threads)",
                io.localAddress());
        return io;
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public void start(Sink sink) {
        reader = new Thread(() -> read(sink), "media-port-" + localAddress().getPort());
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void send(DatagramPacket packet) throws IOException {
        if (!(packet.getSocketAddress() instanceof InetSocketAddress to)) {
            throw new IOException("no destination address");
        }
        SendContext.current().send(socket, packet.getData(), packet.getOffset(), packet.getLength(), to);
    }

    @Override
    public void send(SendContext ctx, IceLink.Outbox box, byte[] buf, int off, int len, InetSocketAddress to)
            throws IOException {
        ctx.send(socket, buf, off, len, to);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        Thread r = reader;
        if (r == null) {
            socket.release();
            return;
        }
        if (Thread.currentThread() != r) {
            try {
                r.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (r.isAlive() && Thread.currentThread() != r) {
            // Closing the descriptor under a reader could let it read a file that reuses
            // the number; keep it open (the socket is shut down) rather than risk that.
            LOG.warn("media port {}: reader did not stop; leaving its descriptor open", localAddress());
            return;
        }
        socket.release();
    }

    /** Reads bursts with recvmmsg until the port closes. */
    private void read(Sink sink) {
        NativeReceiver rx = new NativeReceiver(RECEIVE_SLOTS, PacketPool.BUFFER_SIZE);
        // One burst per call: see MediaWorkers on why a hot loop body is a method of its own.
        while (!closed) {
            try {
                if (readBurst(rx, sink) < 0) {
                    break;
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.warn("media port {}: receive failed: {}", localAddress(), e.toString());
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private int readBurst(NativeReceiver rx, Sink sink) {
        int n = socket.receive(rx);
        for (int i = 0; i < n; i++) {
            InetSocketAddress from = rx.source(i);
            if (rx.truncated(i) || from == null) {
                drops.increment(DropReason.MALFORMED);
                continue;
            }
            Buffer b = PacketPool.acquire(PacketPool.BUFFER_SIZE);
            int len = rx.copy(i, b.getBuffer());
            if (!sink.dispatch(b, len, from)) {
                PacketPool.release(b);
            }
        }
        return n;
    }
}
