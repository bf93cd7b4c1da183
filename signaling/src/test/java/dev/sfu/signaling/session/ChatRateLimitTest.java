package dev.sfu.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-connection chat limit: 5 in a row, then one per second, on a fake clock. */
class ChatRateLimitTest {
    @Test
    void fiveInARowThenOnePerSecond() {
        ChatRateLimit limit = new ChatRateLimit();
        long t = 1_000_000;
        for (int i = 0; i < ChatRateLimit.BURST; i++) {
            assertTrue(limit.tryAcquire(t), "message " + (i + 1) + " of the burst");
        }
        assertFalse(limit.tryAcquire(t), "the sixth at once is refused");
        assertEquals(1000, limit.retryAfterMillis(t));
        assertEquals(400, limit.retryAfterMillis(t + 600));
        assertFalse(limit.tryAcquire(t + 999));
        assertTrue(limit.tryAcquire(t + 1000), "one more after a second");
        assertFalse(limit.tryAcquire(t + 1000));
        assertTrue(limit.tryAcquire(t + 60_000));
        for (int i = 1; i < ChatRateLimit.BURST; i++) {
            assertTrue(limit.tryAcquire(t + 60_000), "a quiet minute refills the burst, not more");
        }
        assertFalse(limit.tryAcquire(t + 60_000));
    }
}
