package dev.sfu.core.relay;

import dev.sfu.core.transport.IceCandidate;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP path between a relay's two nodes on loopback, in this JVM, shaped like a link: the
 * answerer-to-dialer direction (the owner's media towards the dialing node) goes through a FIFO
 * bounded in bytes and leaves at most at {@link #setRateBps} (tail drop when full, as
 * {@code tc tbf} does); the other direction passes at once. Each node sees only the path's
 * address: the path takes the place of the other node's candidates in the relay's offer and
 * answer ({@link #asAnswerer}, {@link #asDialer}), so no ICE pair can bypass it.
 */
final class ShapedUdpPath implements AutoCloseable {
    /** Where the dialer sends: the answerer as the dialer sees it. */
    private final DatagramSocket towardsAnswerer;
    /** Where the answerer sends: the dialer as the answerer sees it. */
    private final DatagramSocket towardsDialer;
    private volatile InetSocketAddress dialer;
    private volatile InetSocketAddress answerer;
    /** 0: unlimited. */
    private volatile long rateBps;
    private volatile int queueLimitBytes;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private volatile boolean closed;
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong forwardedToDialer = new AtomicLong();
    private final Thread up;
    private final Thread down;
    private final Thread drain;

    ShapedUdpPath() throws SocketException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        towardsAnswerer = new DatagramSocket(new InetSocketAddress(lo, 0));
        towardsDialer = new DatagramSocket(new InetSocketAddress(lo, 0));
        up = new Thread(this::dialerToAnswerer, "shaped-path-up");
        down = new Thread(this::answererToDialer, "shaped-path-down");
        drain = new Thread(this::drain, "shaped-path-drain");
        for (Thread t : new Thread[] {up, down, drain}) {
            t.setDaemon(true);
            t.start();
        }
    }

    /** Limits the answerer-to-dialer direction to {@code bps} with a queue of {@code queueMillis} at that rate (0: unlimited). */
    void setRateBps(long bps, int queueMillis) {
        synchronized (queue) {
            queueLimitBytes = (int) Math.max(3000, bps / 8 * queueMillis / 1000);
            rateBps = bps;
        }
    }

    /** The offer's parameters as the answerer must see them: the dialer is this path. */
    RelayMessage.IceParameters asAnswerer(RelayMessage.IceParameters p) {
        IceCandidate c = udp(p.candidates());
        dialer = new InetSocketAddress(c.address(), c.port());
        return replace(p, c, towardsDialer.getLocalPort());
    }

    /** The answer's parameters as the dialer must see them: the answerer is this path. */
    RelayMessage.IceParameters asDialer(RelayMessage.IceParameters p) {
        IceCandidate c = udp(p.candidates());
        answerer = new InetSocketAddress(c.address(), c.port());
        return replace(p, c, towardsAnswerer.getLocalPort());
    }

    private static IceCandidate udp(List<IceCandidate> candidates) {
        for (IceCandidate c : candidates) {
            if ("udp".equalsIgnoreCase(c.transport())) {
                return c;
            }
        }
        throw new AssertionError("no UDP candidate in " + candidates);
    }

    private static RelayMessage.IceParameters replace(RelayMessage.IceParameters p, IceCandidate c, int port) {
        IceCandidate via = new IceCandidate(c.foundation(), c.component(), c.transport(), c.priority(),
                InetAddress.getLoopbackAddress().getHostAddress(), port, "host");
        return new RelayMessage.IceParameters(p.ufrag(), p.pwd(), List.of(via), p.fingerprint(), p.setup());
    }

    private void dialerToAnswerer() {
        byte[] b = new byte[2048];
        DatagramPacket d = new DatagramPacket(b, b.length);
        while (!closed) {
            try {
                d.setLength(b.length);
                towardsAnswerer.receive(d);
                dialer = (InetSocketAddress) d.getSocketAddress();
                InetSocketAddress to = answerer;
                if (to != null) {
                    towardsDialer.send(new DatagramPacket(b, d.getLength(), to));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void answererToDialer() {
        byte[] b = new byte[2048];
        DatagramPacket d = new DatagramPacket(b, b.length);
        while (!closed) {
            try {
                d.setLength(b.length);
                towardsDialer.receive(d);
                byte[] copy = java.util.Arrays.copyOf(b, d.getLength());
                synchronized (queue) {
                    if (rateBps > 0 && queuedBytes + copy.length > queueLimitBytes) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    queue.add(copy);
                    queuedBytes += copy.length;
                    queue.notifyAll();
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Sends the queue's head when the link is free: each packet holds the link for its size at the rate. */
    private void drain() {
        long free = System.nanoTime();
        while (!closed) {
            byte[] p;
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                p = queue.poll();
                if (p == null) {
                    continue;
                }
                queuedBytes -= p.length;
            }
            long rate = rateBps;
            long now = System.nanoTime();
            if (rate > 0) {
                // The link was idle: it does not save up a burst (a few milliseconds at most).
                free = Math.max(free, now - 2_000_000L);
                while (free - System.nanoTime() > 0) {
                    LockSupport.parkNanos(free - System.nanoTime());
                }
                free += p.length * 8L * 1_000_000_000L / rate;
            }
            InetSocketAddress to = dialer;
            if (to != null) {
                try {
                    towardsAnswerer.send(new DatagramPacket(p, p.length, to));
                    forwardedToDialer.incrementAndGet();
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        towardsAnswerer.close();
        towardsDialer.close();
        synchronized (queue) {
            queue.notifyAll();
        }
    }
}
