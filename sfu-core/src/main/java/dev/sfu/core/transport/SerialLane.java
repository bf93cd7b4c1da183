package dev.sfu.core.transport;

import java.net.SocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transport's serial task on the shared pool: received datagrams wait in a bounded
 * lock-free ring (full: the oldest is dropped and counted as {@link DropReason#QUEUE_FULL}),
 * control events in an unbounded queue; one task at a time runs control events first, then up
 * to a batch of packets, then yields the thread. Everything it runs has a single writer.
 */
final class SerialLane {
    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);
    private static final int DRAIN_BATCH = 128;

    /** Handles one received datagram on the serial task; the buffer goes back to the pool after. */
    @FunctionalInterface
    interface PacketHandler {
        void handle(byte[] buf, int off, int len, SocketAddress from);
    }

    private final String id;
    private final ExecutorService pool;
    private final DropCounters drops;
    private final PacketHandler handler;
    private final BoundedRing<Buffer> packets;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;

    SerialLane(String id, int capacity, ExecutorService pool, DropCounters drops, PacketHandler handler) {
        this.id = id;
        this.pool = pool;
        this.drops = drops;
        this.handler = handler;
        this.packets = new BoundedRing<>(capacity);
    }

    /** Queues a received datagram; this lane owns {@code b} from here on. */
    void offer(Buffer b) {
        if (!packets.offer(b)) {
            Buffer oldest = packets.poll();
            if (oldest != null) {
                PacketPool.release(oldest);
                drops.increment(DropReason.QUEUE_FULL);
            }
            if (!packets.offer(b)) {
                PacketPool.release(b);
                drops.increment(DropReason.QUEUE_FULL);
                return;
            }
        }
        schedule();
    }

    /** Runs {@code r} on the serial task, before any packet still queued. */
    void post(Runnable r) {
        control.offer(r);
        schedule();
    }

    /** Returns every queued datagram to the pool (on the serial task, at close). */
    void discardPackets() {
        Buffer b;
        while ((b = packets.poll()) != null) {
            PacketPool.release(b);
        }
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(drainTask);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                drainAfterShutdown();
            }
        }
    }

    /** The serial task: control events first, then up to a batch of packets, then yield the thread. */
    private void drain() {
        try {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                Runnable r = control.poll();
                if (r != null) {
                    runSafely(r);
                    continue;
                }
                Buffer b = packets.poll();
                if (b == null) {
                    break;
                }
                try {
                    handler.handle(b.getBuffer(), b.getOffset(), b.getLength(), b.getRemoteAddress());
                } catch (RuntimeException e) {
                    drops.increment(DropReason.MALFORMED);
                    LOG.warn("{}: packet handling failed", id, e);
                } finally {
                    PacketPool.release(b);
                }
            }
        } finally {
            scheduled.set(false);
            if (!control.isEmpty() || !packets.isEmpty()) {
                schedule();
            }
        }
    }

    private synchronized void drainAfterShutdown() {
        Runnable r;
        while ((r = control.poll()) != null) {
            runSafely(r);
        }
        discardPackets();
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: event handling failed", id, e);
        }
    }
}
