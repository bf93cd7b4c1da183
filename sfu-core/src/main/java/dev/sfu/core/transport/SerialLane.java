package dev.sfu.core.transport;

import dev.sfu.rtp.PacketDemux;
import dev.sfu.rtp.PacketKind;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 *
 * <p>The ring is bounded in time as well: RTP that waited longer than
 * its maximum age ({@link TransportConfig#ingressMaxAge()}) is dropped as {@link DropReason#STALE}
 * (1,024 packets are 9 s of a 500 kbps publisher, a delay no receiver wants), and every wait is
 * measured.
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
    private final MediaWorkers workers;
    /** The worker this lane runs on; changes when the transport joins an affinity group. */
    private volatile MediaWorkers.Worker worker;
    /** Guarded by this: the affinity group (null: none), and whether the lane left its worker. */
    private String group;
    private boolean released;
    private final MediaWorkers.Node node;
    private final DropCounters drops;
    private final PacketHandler handler;
    private final BoundedRing<Buffer> packets;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Serial-task owned: the stamp of the packet just taken from {@link #packets}. */
    private final long[] queuedAt = new long[1];
    /** Written by the serial task only; read by monitoring (the load tester, metrics). */
    private volatile long packetsTaken;
    /** When the datagram being handled was queued, right after the socket read (serial task only). */
    private long receivedAt = -1;
    private volatile long waitTotalNanos;
    private volatile long waitMaxNanos;
    private final long maxAgeNanos;

    /** A lane whose RTP goes stale after {@link TransportConfig#DEFAULT_INGRESS_MAX_AGE}. */
    SerialLane(String id, int capacity, MediaWorkers workers, DropCounters drops, PacketHandler handler) {
        this(id, capacity, TransportConfig.DEFAULT_INGRESS_MAX_AGE.toNanos(), workers, drops, handler);
    }

    SerialLane(String id, int capacity, long maxAgeNanos, MediaWorkers workers, DropCounters drops,
               PacketHandler handler) {
        this.id = id;
        this.maxAgeNanos = maxAgeNanos;
        this.workers = workers;
        this.worker = workers.any();
        this.node = new MediaWorkers.Node(this::drain);
        this.drops = drops;
        this.handler = handler;
        this.packets = new BoundedRing<>(capacity);
    }

    /** Queues a received datagram; this lane owns {@code b} from here on. */
    void offer(Buffer b) {
        long now = System.nanoTime();
        if (!packets.offer(b, now)) {
            Buffer oldest = packets.poll();
            if (oldest != null) {
                PacketPool.release(oldest);
                drops.increment(DropReason.QUEUE_FULL);
            }
            if (!packets.offer(b, now)) {
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

    /**
     * Moves this lane to the worker of affinity group {@code newGroup} (see {@link MediaWorkers}).
     * Safe at any time: a drain already running finishes where it is, and the next one is
     * submitted to the new worker, so two drains never run at once.
     */
    synchronized void joinGroup(String newGroup) {
        if (released || java.util.Objects.equals(group, newGroup)) {
            return;
        }
        MediaWorkers.Worker old = worker;
        String oldGroup = group;
        worker = newGroup == null ? workers.any() : workers.join(newGroup);
        group = newGroup;
        workers.leave(oldGroup, old);
    }

    /** Takes this lane off its worker's books (at close); queued work still runs. */
    synchronized void release() {
        if (!released) {
            released = true;
            workers.leave(group, worker);
        }
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
                worker.submit(node);
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
                Buffer b = packets.poll(queuedAt);
                if (b == null) {
                    break;
                }
                try {
                    if (isStale(b, System.nanoTime() - queuedAt[0])) {
                        drops.increment(DropReason.STALE);
                        continue;
                    }
                    receivedAt = queuedAt[0];
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

    /**
     * Records how long a packet waited, and tells whether it is RTP that waited longer than
     * the lane's maximum age: such a packet is late for any receiver,
     * and forwarding it would only delay the fresh packets queued behind it. DTLS and RTCP are
     * never stale: the handshake retransmits on its own clock, and feedback (NACK, PLI, reports)
     * is small and still useful late.
     */
    private boolean isStale(Buffer b, long waitedNanos) {
        packetsTaken++;
        waitTotalNanos += waitedNanos;
        if (waitedNanos > waitMaxNanos) {
            waitMaxNanos = waitedNanos;
        }
        if (waitedNanos <= maxAgeNanos) {
            return false;
        }
        return PacketDemux.classify(b.getBuffer(), b.getOffset(), b.getLength()) == PacketKind.RTP;
    }

    long packetsTaken() {
        return packetsTaken;
    }

    /** When the datagram the serial task is handling was received; call only from that task. */
    long receivedAtNanos() {
        return receivedAt;
    }

    long waitTotalNanos() {
        return waitTotalNanos;
    }

    long waitMaxNanos() {
        return waitMaxNanos;
    }

    void resetWaitMax() {
        waitMaxNanos = 0;
    }

    int backlog() {
        return packets.size();
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
