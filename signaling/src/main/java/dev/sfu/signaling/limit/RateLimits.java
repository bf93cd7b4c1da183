package dev.sfu.signaling.limit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's rate limits and their shared state: token buckets (bucket4j) per client address
 * for WebSocket connections and HTTP API requests, per room for joins, and a count of each
 * address's open WebSocket connections; {@link #messages()} makes each connection's own message
 * bucket. Every refusal is counted in {@link #counters()}. Thread-safe: shared by every
 * connection of one server.
 */
public final class RateLimits {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final LimitsConfig config;
    private final AccessCounters counters;
    private final TimeMeter clock;
    private final KeyedBuckets<InetAddress> wsPerMinute;
    private final KeyedBuckets<InetAddress> httpPerMinute;
    private final KeyedBuckets<String> joinsPerRoom;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    public RateLimits(LimitsConfig config, AccessCounters counters) {
        this(config, counters, TimeMeter.SYSTEM_NANOTIME);
    }

    RateLimits(LimitsConfig config, AccessCounters counters, TimeMeter clock) {
        this.config = config;
        this.counters = counters;
        this.clock = clock;
        int ws = config.wsConnectionsPerIpPerMinute();
        int http = config.httpRequestsPerIpPerMinute();
        wsPerMinute = ws == 0 ? null : new KeyedBuckets<>(ws, ws, MINUTE, clock);
        httpPerMinute = http == 0 ? null : new KeyedBuckets<>(http, http, MINUTE, clock);
        joinsPerRoom = config.joinsPerRoomPerSecond() == 0 ? null
                : new KeyedBuckets<>(config.joinBurstPerRoom(), config.joinsPerRoomPerSecond(), SECOND, clock);
    }

    public LimitsConfig config() {
        return config;
    }

    public AccessCounters counters() {
        return counters;
    }

    /**
     * A new WebSocket connection from {@code client}: 0 when allowed (and then counted open until
     * {@link #closed}), else the milliseconds to wait.
     */
    public long tryOpen(InetAddress client) {
        if (client == null || config.exempt(client)) {
            return 0;
        }
        // The check and the count in one step under the map's lock for this address, so that
        // parallel handshakes cannot all pass the check, and a close cannot drop a counter that
        // an open is about to raise.
        int cap = config.wsConnectionsPerIp();
        boolean[] refused = new boolean[1];
        open.compute(client, (k, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            if (cap > 0 && c.get() >= cap) {
                refused[0] = true;
            } else {
                c.incrementAndGet();
            }
            return c.get() == 0 ? null : c;
        });
        if (refused[0]) {
            counters.limited(Limit.WS_CONNECTIONS_AT_ONCE);
            return 1000;
        }
        if (wsPerMinute != null) {
            long wait = wsPerMinute.tryTake(client);
            if (wait > 0) {
                closed(client);
                counters.limited(Limit.WS_CONNECTIONS_PER_MINUTE);
                return millis(wait);
            }
        }
        return 0;
    }

    /** A connection {@link #tryOpen} allowed has closed. */
    public void closed(InetAddress client) {
        if (client == null || config.exempt(client)) {
            return;
        }
        open.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** WebSocket connections {@code client} holds now (tests). */
    public int openConnections(InetAddress client) {
        AtomicInteger n = open.get(client);
        return n == null ? 0 : n.get();
    }

    /** An HTTP API request from {@code client}: 0 when allowed, else the milliseconds to wait. */
    public long tryRequest(InetAddress client) {
        if (httpPerMinute == null || client == null || config.exempt(client)) {
            return 0;
        }
        long wait = httpPerMinute.tryTake(client);
        if (wait > 0) {
            counters.limited(Limit.HTTP_REQUESTS);
            return millis(wait);
        }
        return 0;
    }

    /** A join to {@code room}: 0 when allowed, else the milliseconds to wait. */
    public long tryJoin(String room) {
        if (joinsPerRoom == null) {
            return 0;
        }
        long wait = joinsPerRoom.tryTake(room);
        if (wait > 0) {
            counters.limited(Limit.JOINS_PER_ROOM);
            return millis(wait);
        }
        return 0;
    }

    /** The message limit of one new connection. */
    public Messages messages() {
        return new Messages();
    }

    private static long millis(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /**
     * One connection's message bucket, and how many messages in a row it refused: past
     * {@link LimitsConfig#abuseCloseAfter()} the connection is to be closed. Used on the
     * connection's event loop only.
     */
    public final class Messages {
        private final Bucket bucket = config.messagesPerSecond() == 0 ? null
                : KeyedBuckets.bucket(config.messageBurst(), config.messagesPerSecond(), SECOND, clock);
        private int refusedInARow;

        private Messages() {
        }

        /** One message: 0 when allowed, else the milliseconds until the next is. */
        public long tryTake() {
            if (bucket == null) {
                return 0;
            }
            ConsumptionProbe p = bucket.tryConsumeAndReturnRemaining(1);
            if (p.isConsumed()) {
                refusedInARow = 0;
                return 0;
            }
            refusedInARow++;
            counters.limited(Limit.MESSAGES);
            return millis(p.getNanosToWaitForRefill());
        }

        /** True when the connection went on sending while limited long enough to be closed. */
        public boolean abusive() {
            return config.abuseCloseAfter() > 0 && refusedInARow >= config.abuseCloseAfter();
        }
    }
}
