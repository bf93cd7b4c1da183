package dev.sfu.signaling.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded scheduler on a fake clock, for tests that must decide the order of tasks: a
 * task runs only when the test calls {@link #runPending} or {@link #advance}, on the test's
 * thread, in the order it was due (then submitted). Time moves only in {@link #advance}, so timers
 * (grace periods, offer timeouts) fire without waiting for them. Not thread-safe: one test thread.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final List<Task> tasks = new ArrayList<>();
    private long nowMillis;
    private long nextSeq;
    private boolean shutdown;

    /** Runs every task due now, including those the running ones add; returns how many ran. */
    int runPending() {
        int ran = 0;
        Task t;
        while ((t = nextDue()) != null) {
            t.run();
            ran++;
        }
        return ran;
    }

    /** Moves the clock forward by {@code millis}, running each task as its time comes. */
    int advance(long millis) {
        long until = nowMillis + millis;
        int ran = runPending();
        while (true) {
            Task t = tasks.stream().filter(x -> x.dueMillis <= until)
                    .min(Comparator.comparingLong((Task x) -> x.dueMillis).thenComparingLong(x -> x.seq)).orElse(null);
            if (t == null) {
                break;
            }
            nowMillis = Math.max(nowMillis, t.dueMillis);
            ran += runPending();
        }
        nowMillis = until;
        return ran + runPending();
    }

    /** Tasks waiting, due or not (cancelled ones are removed). */
    int queued() {
        return tasks.size();
    }

    private Task nextDue() {
        Task best = null;
        for (Task t : tasks) {
            if (t.dueMillis <= nowMillis && (best == null || t.dueMillis < best.dueMillis
                    || (t.dueMillis == best.dueMillis && t.seq < best.seq))) {
                best = t;
            }
        }
        if (best != null) {
            tasks.remove(best);
        }
        return best;
    }

    private Task add(Runnable r, long delayMillis) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task t = new Task(r, nowMillis + Math.max(0, delayMillis), nextSeq++);
        tasks.add(t);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        add(command, 0);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, unit.toMillis(delay));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the session");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the session");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the session");
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    private final class Task implements ScheduledFuture<Object>, Runnable {
        final Runnable body;
        final long dueMillis;
        final long seq;
        boolean done;
        boolean cancelled;

        Task(Runnable body, long dueMillis, long seq) {
            this.body = body;
            this.dueMillis = dueMillis;
            this.seq = seq;
        }

        @Override
        public void run() {
            done = true;
            body.run();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMillis - nowMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            done = true;
            tasks.remove(this);
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
