package dev.sfu.signaling.session;

/**
 * The chat limit of one connection: a token bucket of {@link #BURST} messages refilled at one
 * message per {@link #REFILL_MILLIS} ms, so a person typing is never limited while a script
 * flooding the room is. Used on the session's own thread only.
 */
final class ChatRateLimit {
    static final int BURST = 5;
    static final long REFILL_MILLIS = 1000;

    private double tokens = BURST;
    private long lastMillis = Long.MIN_VALUE;

    /** Takes one message's token at {@code nowMillis}; false when the bucket is empty. */
    boolean tryAcquire(long nowMillis) {
        refill(nowMillis);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Milliseconds until the next message is allowed, after a refused one. */
    long retryAfterMillis(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * REFILL_MILLIS);
    }

    private void refill(long nowMillis) {
        if (lastMillis != Long.MIN_VALUE && nowMillis > lastMillis) {
            tokens = Math.min(BURST, tokens + (double) (nowMillis - lastMillis) / REFILL_MILLIS);
        }
        lastMillis = Math.max(lastMillis, nowMillis);
    }
}
