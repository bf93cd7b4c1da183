package dev.sfu.core.transport;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media threads of one {@link TransportServer} or {@link TransportClient}: a fixed set of
 * workers, each one thread that runs the serial tasks ({@link SerialLane}s) pinned to it.
 *
 * <p><b>Affinity groups.</b> Transports of one group (the server puts a room's participants in
 * one group) run on the same worker, the way a mediasoup router lives in one worker process.
 * Forwarding fans one publisher's packet out to every subscriber transport of the room; with
 * the room's lanes spread over several threads, two threads keep meeting on the same
 * subscriber's SRTP send lock, and each such meeting is a futex sleep and wake-up. Measured in a
 * 1 room x 20 publisher load test on 2 cores: 12.8 us of server CPU per forwarded packet with
 * the lanes on a shared two-thread pool, 10.3 us with one thread. A new group goes to the worker
 * with the fewest transports; a group's worker is kept while it has members. The cost: one room
 * uses at most one core, so the largest room a server can carry is what one core forwards.
 * Transports not in a group (before they join a room) are spread round-robin.
 *
 * <p>Each worker's run queue is an intrusive multi-producer, single-consumer linked queue of
 * lanes (a lane is queued at most once at a time, see {@link SerialLane}), so scheduling a lane
 * allocates nothing; an idle worker parks and the producer that finds it parked unparks it.
 */
final class MediaWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(MediaWorkers.class);

    /** A lane's place in a run queue; one per lane, reused for every scheduling. */
    static final class Node {
        final Runnable task;
        volatile Node next;

        Node(Runnable task) {
            this.task = task;
        }
    }

    /**
     * A worker's thread. With native UDP, datagrams it sends on the server's port wait in its
     * {@link SendContext} until the task that sent them ends, and then go out in one system call.
     */
    static final class MediaThread extends Thread {
        private final SendContext sendContext;

        MediaThread(Runnable run, String name) {
            super(run, name);
            sendContext = SendContext.batching(name);
        }

        /** This thread's send context (only this thread may use it). */
        SendContext sendContext() {
            return sendContext;
        }
    }

    /** One media thread and its run queue. */
    static final class Worker {
        private final MediaThread thread;
        private final Node stub = new Node(null);
        private final AtomicReference<Node> tail = new AtomicReference<>(stub);
        /** Consumer (worker thread) owned. */
        private Node head = stub;
        private volatile boolean parked;
        private volatile boolean stopping;
        /** Transports pinned here (groups count per member); for placing new groups. */
        private final AtomicInteger members = new AtomicInteger();
        private final long parkNanos;

        Worker(String name, long parkNanos) {
            this.parkNanos = parkNanos;
            thread = new MediaThread(this::run, name);
            thread.setDaemon(true);
        }

        /** Queues a lane's task; {@code n} must not be queued already. */
        void submit(Node n) {
            if (stopping) {
                throw new RejectedExecutionException("media worker stopped");
            }
            n.next = null;
            Node prev = tail.getAndSet(n);
            prev.next = n;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        private Node poll() {
            Node h = head;
            Node next = h.next;
            if (h == stub) {
                if (next == null) {
                    return null;
                }
                head = next;
                h = next;
                next = next.next;
            }
            if (next != null) {
                head = next;
                return h;
            }
            if (h != tail.get()) {
                return null; // a producer is between its swap and its link; retry
            }
            submitStub();
            next = h.next;
            if (next != null) {
                head = next;
                return h;
            }
            return null;
        }

        private void submitStub() {
            stub.next = null;
            Node prev = tail.getAndSet(stub);
            prev.next = stub;
        }

        /** Nothing queued: the consumer is at the stub and no producer has swapped in since. */
        private boolean isEmpty() {
            return head == stub && tail.get() == stub;
        }

        /*
         * The loop only calls methods: a method that never returns is compiled only by on-stack
         * replacement, after tens of thousands of iterations (half a minute of a busy room), and
         * is interpreted until then; step() is compiled after a few thousand calls.
         */
        private void run() {
            while (!stopping) {
                step();
            }
        }

        /** Runs one queued task, or spins once while a producer links its node, or parks. */
        private void step() {
            Node n = poll();
            if (n != null) {
                try {
                    n.task.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("{}: media task failed", thread.getName(), e);
                }
                thread.sendContext.flush();
                return;
            }
            if (!isEmpty()) {
                Thread.onSpinWait();
                return;
            }
            parked = true;
            if (isEmpty() && !stopping) {
                LockSupport.parkNanos(this, parkNanos);
            }
            parked = false;
        }
    }

    private final Worker[] workers;
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Guarded by itself: group name to its worker and member count. */
    private final Map<String, Placement> groups = new HashMap<>();

    private static final class Placement {
        final Worker worker;
        int members;

        Placement(Worker worker) {
            this.worker = worker;
        }
    }

    /** Workers that park at most {@link TransportConfig#DEFAULT_WORKER_PARK_TIMEOUT} when idle. */
    MediaWorkers(String name, int threads) {
        this(name, threads, TransportConfig.DEFAULT_WORKER_PARK_TIMEOUT.toNanos());
    }

    /**
     * {@code threads} workers; an idle one parks until a producer unparks it, or at most
     * {@code parkNanos} (a safety net against a lost wake-up).
     */
    MediaWorkers(String name, int threads, long parkNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one media thread is needed: " + threads);
        }
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(name + "-" + (i + 1), parkNanos);
            workers[i].thread.start();
        }
    }

    int size() {
        return workers.length;
    }

    /** A worker for a transport not in any group yet. */
    Worker any() {
        Worker w = workers[Math.floorMod(roundRobin.getAndIncrement(), workers.length)];
        w.members.incrementAndGet();
        return w;
    }

    /** The worker of {@code group}, placing the group on the least loaded worker when it is new. */
    Worker join(String group) {
        synchronized (groups) {
            Placement p = groups.get(group);
            if (p == null) {
                Worker best = workers[0];
                for (Worker w : workers) {
                    if (w.members.get() < best.members.get()) {
                        best = w;
                    }
                }
                p = new Placement(best);
                groups.put(group, p);
            }
            p.members++;
            p.worker.members.incrementAndGet();
            return p.worker;
        }
    }

    /** Undoes one {@link #join} ({@code group} non-null) or {@link #any} ({@code group} null). */
    void leave(String group, Worker w) {
        w.members.decrementAndGet();
        if (group == null) {
            return;
        }
        synchronized (groups) {
            Placement p = groups.get(group);
            if (p != null && --p.members <= 0) {
                groups.remove(group);
            }
        }
    }

    /** Stops the threads after they finish the task they are running. */
    void shutdown(long waitMillis) {
        for (Worker w : workers) {
            w.stopping = true;
            LockSupport.unpark(w.thread);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
