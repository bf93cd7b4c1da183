package dev.sfu.core.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link RelaySignals} within one JVM (tests, benchmarks): one delivery thread, which keeps the
 * order of all messages, and a bounded queue (a message beyond it is dropped and counted).
 */
public final class InMemoryRelaySignals implements RelaySignals, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryRelaySignals.class);
    private static final int QUEUE = 4096;

    private final Map<String, Consumer<RelayMessage>> handlers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "relay-signals");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void send(String toNode, RelayMessage message) {
        try {
            delivery.execute(() -> {
                Consumer<RelayMessage> h = handlers.get(toNode);
                if (h == null) {
                    dropped.incrementAndGet();
                    LOG.warn("relay message to unknown node {} dropped: {}", toNode, message);
                    return;
                }
                try {
                    h.accept(message);
                    delivered.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.warn("node {} failed to handle {}", toNode, message, e);
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
            LOG.warn("relay message to {} dropped (queue full or closed): {}", toNode, message);
        }
    }

    @Override
    public AutoCloseable register(String nodeId, Consumer<RelayMessage> handler) {
        if (handlers.putIfAbsent(nodeId, handler) != null) {
            throw new IllegalStateException("node " + nodeId + " is already registered");
        }
        return () -> handlers.remove(nodeId, handler);
    }

    /** Messages handed to a handler so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages dropped: no such node, or the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits until every message sent so far was delivered (tests). */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (delivery.getQueue().size() > 0 || delivery.getActiveCount() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }
}
