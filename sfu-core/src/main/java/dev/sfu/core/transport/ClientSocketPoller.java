package dev.sfu.core.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client role's receive side: one thread and one {@link Selector} read the host sockets
 * of all of a {@link TransportClient}'s transports, non-blocking, instead of one blocking
 * reader thread per transport.
 *
 * <p>Why: with a thread per socket every datagram wakes a sleeping thread, and on loopback the
 * sender pays for that wake-up inside its {@code sendto} (measured: half the server's CPU in a
 * 20-publisher load test was system time, mostly the wake-ups of the load tester's 20 reader
 * threads). One selector thread is woken once per burst and then drains every ready socket, so
 * the datagrams that arrive while it runs cost no wake-up at all.
 *
 * <p>With a poll interval (the load tester's choice) the thread never sleeps in the selector:
 * it checks every socket without blocking and, when none had anything, parks for the interval.
 * A sender then never has to wake it, so on loopback the server's {@code sendto} costs what it
 * would cost towards a remote receiver; the price is up to one interval of added delay per
 * datagram and a timer wake-up per interval on the client's side.
 *
 * <p>Datagrams are demultiplexed here (RFC 7983): STUN goes to the link's
 * {@link PolledDatagramSocket}, which ice4j's STUN stack reads through its multiplexing socket;
 * everything else (DTLS, SRTP, SRTCP) goes to the transport in a pooled buffer, whose source
 * the transport checks against the ICE-validated addresses as before.
 */
final class ClientSocketPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSocketPoller.class);
    /** Datagrams read from one socket before the next ready socket gets its turn. */
    private static final int BURST = 64;
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    /** One registered host socket. */
    static final class Endpoint {
        final DatagramChannel channel;
        final PolledDatagramSocket socket;
        private volatile IceLink.Events events;

        private Endpoint(DatagramChannel channel, PolledDatagramSocket socket) {
            this.channel = channel;
            this.socket = socket;
        }

        /** Where non-STUN datagrams go; until set, they are dropped (nothing can be validated yet). */
        void deliverTo(IceLink.Events events) {
            this.events = events;
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Endpoint> toRegister = new ConcurrentLinkedQueue<>();
    private final ByteBuffer direct = ByteBuffer.allocateDirect(PacketPool.BUFFER_SIZE);
    /** 0: block in the selector; else park this long when a check found nothing. */
    private final long pollIntervalNanos;
    private volatile boolean closed;

    ClientSocketPoller(String name, long pollIntervalNanos) {
        if (pollIntervalNanos < 0) {
            throw new IllegalArgumentException("poll interval must be >= 0: " + pollIntervalNanos);
        }
        this.pollIntervalNanos = pollIntervalNanos;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Binds a new non-blocking UDP socket on an ephemeral port of {@code local} and starts reading it. */
    Endpoint open(InetAddress local) throws IOException {
        if (closed) {
            throw new IOException("client socket poller closed");
        }
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(new InetSocketAddress(local, 0));
            channel.configureBlocking(false);
            Endpoint e = new Endpoint(channel, new PolledDatagramSocket(channel));
            toRegister.add(e);
            selector.wakeup();
            return e;
        } catch (IOException | RuntimeException ex) {
            channel.close();
            throw ex;
        }
    }

    private void run() {
        try {
            // One round per call: see MediaWorkers on why a hot loop body is a method of its own.
            while (!closed) {
                pollOnce();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.warn("client socket poller stopped", e);
            }
        }
    }

    /** Registers new sockets, drains every ready one, and parks when none was ready (poll mode). */
    private void pollOnce() throws IOException {
        int ready = pollIntervalNanos == 0 ? selector.select() : selector.selectNow();
        Endpoint pending;
        while ((pending = toRegister.poll()) != null) {
            try {
                pending.channel.register(selector, SelectionKey.OP_READ, pending);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot register a client socket: {}", e.toString());
            }
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (key.isValid()) {
                drain((Endpoint) key.attachment(), key);
            }
        }
        if (ready == 0 && pollIntervalNanos > 0) {
            LockSupport.parkNanos(pollIntervalNanos);
        }
    }

    private void drain(Endpoint e, SelectionKey key) {
        for (int i = 0; i < BURST; i++) {
            direct.clear();
            SocketAddress from;
            try {
                from = e.channel.receive(direct);
            } catch (IOException | RuntimeException ex) {
                key.cancel();
                if (e.channel.isOpen()) {
                    LOG.debug("client socket receive failed: {}", ex.toString());
                }
                return;
            }
            if (from == null) {
                return;
            }
            direct.flip();
            int len = direct.remaining();
            if (len == 0) {
                continue;
            }
            int first = direct.get(0) & 0xff;
            if (first < 4) {
                // RFC 7983: STUN. Rare (checks, consent), so copying it is fine.
                byte[] copy = new byte[len];
                direct.get(copy);
                e.socket.deliverStun(copy, (InetSocketAddress) from);
                continue;
            }
            IceLink.Events events = e.events;
            if (events == null) {
                continue;
            }
            Buffer b = PacketPool.acquire(len);
            direct.get(b.getBuffer(), 0, len);
            b.setOffset(0);
            b.setLength(len);
            b.setRemoteAddress(from);
            events.iceIngress(b);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("selector close failed", e);
        }
        thread.interrupt();
    }
}
