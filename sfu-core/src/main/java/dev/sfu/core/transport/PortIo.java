package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.ice4j.util.Buffer;

/**
 * The sockets under one {@link SharedUdpPort}: {@link NativePortIo} (one socket driven with
 * {@code recvmmsg}/{@code sendmmsg} through the C library) where the JVM allows the foreign
 * linker, else {@link JdkPortIo} (JDK {@code DatagramSocket}s). Both read on threads of their
 * own into pooled buffers and hand each datagram to a {@link Sink}.
 */
sealed interface PortIo extends AutoCloseable permits JdkPortIo, NativePortIo {
    int DEFAULT_RECEIVE_BUFFER = 4 << 20;

    /** Where received datagrams go (the port's {@link PortDemux}). */
    interface Sink {
        /** Hands one received datagram on; true when {@code b} went with it (the caller releases it otherwise). */
        boolean dispatch(Buffer b, int len, SocketAddress from);
    }

    /**
     * Binds on {@code bind}: native I/O when {@link NativePortIo#whyNot()} is null, else JDK
     * sockets with {@code sendSockets} sending sockets (0: the receiving one sends too).
     */
    static PortIo open(InetSocketAddress bind, int sendSockets, DropCounters drops) throws IOException {
        String whyNotNative = NativePortIo.whyNot();
        if (whyNotNative == null) {
            return NativePortIo.bind(bind, receiveBufferBytes(), drops);
        }
        return JdkPortIo.bind(bind, sendSockets, receiveBufferBytes(), whyNotNative);
    }

    private static int receiveBufferBytes() {
        String configured = System.getProperty("ice4j.harvest.udp.receive-buffer-size");
        try {
            return configured == null ? DEFAULT_RECEIVE_BUFFER : Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_RECEIVE_BUFFER;
        }
    }

    InetSocketAddress localAddress();

    boolean isNative();

    /** Starts the reader thread(s), which hand every datagram to {@code sink} until {@link #close()}. */
    void start(Sink sink);

    /** Sends one datagram (ICE's STUN, from ice4j's threads). Thread-safe. */
    void send(DatagramPacket packet) throws IOException;

    /**
     * Sends one datagram to {@code to} (the packet path): native I/O queues it in {@code ctx}'s
     * batch or sends it at once; JDK sockets send it through {@code box}'s packet.
     */
    void send(SendContext ctx, IceLink.Outbox box, byte[] buf, int off, int len, InetSocketAddress to)
            throws IOException;

    /** Stops the readers and closes the socket(s). */
    @Override
    void close();
}
