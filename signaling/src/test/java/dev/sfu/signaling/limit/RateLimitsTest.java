package dev.sfu.signaling.limit;

import io.github.bucket4j.TimeMeter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rate limits' arithmetic on a fake clock, their bounds, and who the client is behind a proxy. */
class RateLimitsTest {
    /** A clock tests move by hand. */
    private static final class FakeClock implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private static InetAddress ip(String s) {
        return ClientAddress.literal(s);
    }

    @Test
    void connectionsPerAddressPerMinuteAndAtOnce() {
        FakeClock clock = new FakeClock();
        AccessCounters counters = new AccessCounters();
        RateLimits limits = new RateLimits(new LimitsConfig(3, 2, 0, 0, 0, 0, 0, 0, List.of(ip("127.0.0.1")), List.of()),
                counters, clock);
        InetAddress a = ip("192.0.2.1");
        assertEquals(0, limits.tryOpen(a));
        assertEquals(0, limits.tryOpen(a));
        assertEquals(1000, limits.tryOpen(a), "a third at once");
        assertEquals(0, limits.tryOpen(ip("192.0.2.2")), "another address has its own count");
        limits.closed(a);
        assertEquals(1, limits.openConnections(a));
        assertEquals(0, limits.tryOpen(a), "the third of this minute");
        limits.closed(a);
        limits.closed(a);
        long wait = limits.tryOpen(a);
        assertTrue(wait > 0 && wait <= 20_000, "the fourth this minute waits for a token (one per 20 s): " + wait);
        clock.advance(Duration.ofSeconds(20));
        assertEquals(0, limits.tryOpen(a));
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limits.tryOpen(ip("127.0.0.1")), "exempt");
        }
        assertEquals(1, counters.limitedCount(Limit.WS_CONNECTIONS_AT_ONCE));
        assertEquals(1, counters.limitedCount(Limit.WS_CONNECTIONS_PER_MINUTE));
    }

    @Test
    void messageBucketRefillsAtItsRateAndMarksAbuse() {
        FakeClock clock = new FakeClock();
        RateLimits limits = new RateLimits(new LimitsConfig(0, 0, 10, 5, 0, 0, 0, 3, List.of(), List.of()),
                new AccessCounters(), clock);
        RateLimits.Messages m = limits.messages();
        for (int i = 0; i < 5; i++) {
            assertEquals(0, m.tryTake());
        }
        assertEquals(100, m.tryTake(), "one token per 100 ms");
        clock.advance(Duration.ofMillis(40));
        assertEquals(60, m.tryTake());
        assertTrue(!m.abusive());
        m.tryTake();
        assertTrue(m.abusive(), "three refused in a row");
        clock.advance(Duration.ofMillis(100));
        assertEquals(0, m.tryTake());
        assertTrue(!m.abusive(), "an accepted message resets the count");
    }

    @Test
    void joinsAreLimitedPerRoom() {
        FakeClock clock = new FakeClock();
        RateLimits limits = new RateLimits(new LimitsConfig(0, 0, 0, 0, 2, 2, 0, 0, List.of(), List.of()),
                new AccessCounters(), clock);
        assertEquals(0, limits.tryJoin("a"));
        assertEquals(0, limits.tryJoin("a"));
        assertEquals(500, limits.tryJoin("a"));
        assertEquals(0, limits.tryJoin("b"));
    }

    @Test
    void keyedBucketsForgetRefilledKeysAndStayBounded() {
        FakeClock clock = new FakeClock();
        KeyedBuckets<Integer> b = new KeyedBuckets<>(1, 1, Duration.ofSeconds(1), clock);
        for (int i = 0; i < 3000; i++) {
            assertEquals(0, b.tryTake(i));
        }
        assertTrue(b.size() <= 3000);
        clock.advance(Duration.ofSeconds(2));
        for (int i = 3000; i < 4100; i++) { // the next sweep comes at 4096 keys (twice the size after the last)
            b.tryTake(i);
        }
        assertTrue(b.size() < 1200, "refilled buckets were dropped: " + b.size());
        assertTrue(TimeUnit.SECONDS.toNanos(1) >= b.tryTake(3050), "a recent key is still limited");
    }

    @Test
    void aTrustedProxysLastForwardedForEntryIsTheClient() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
        req.headers().set("X-Forwarded-For", "10.9.9.9, 203.0.113.7");
        InetAddress proxy = ip("127.0.0.1");
        assertEquals(ip("203.0.113.7"), ClientAddress.of(proxy, req, List.of(proxy)));
        assertEquals(proxy, ClientAddress.of(proxy, req, List.of()), "an untrusted peer's header is ignored");
        req.headers().set("X-Forwarded-For", "example.com");
        assertEquals(proxy, ClientAddress.of(proxy, req, List.of(proxy)), "names are never looked up");
        assertNull(ClientAddress.literal("abcdef"));
        assertEquals(ip("::1"), ClientAddress.literal("0:0:0:0:0:0:0:1"));
        req.release();
    }
}
