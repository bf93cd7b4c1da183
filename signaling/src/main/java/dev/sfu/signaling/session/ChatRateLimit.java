package dev.sfu.signaling.session;

/**
 * The chat limit of one connection: a token bucket of {@link #BURST} messages refilled at one
 * message per {@link #REFILL_MILLIS} ms, so a person typing is never limited while a script
 * flooding the room is. Kept in whole milliseconds of budget (no rounding). Used on the session's
 * own thread only.
 */
final class ChatRateLimit {
    static final int BURST = 5;
    static final long REFILL_MILLIS = 1000;
    private static final long CAPACITY = BURST * REFILL_MILLIS;

    /** Budget in milliseconds of refill: one message costs {@link #REFILL_MILLIS}. */
    private long budget = CAPACITY;
    private long lastMillis = Long.MIN_VALUE;

    /** Takes one message's token at {@code nowMillis}; false when the bucket is empty. */
    boolean tryAcquire(long nowMillis) {
        refill(nowMillis);
        if (budget >= REFILL_MILLIS) {
            budget -= REFILL_MILLIS;
            return true;
        }
        return false;
    }

    /** Milliseconds until the next message is allowed, after a refused one. */
    long retryAfterMillis(long nowMillis) {
        refill(nowMillis);
        return Math.max(0, REFILL_MILLIS - budget);
    }

    private void refill(long nowMillis) {
        if (lastMillis != Long.MIN_VALUE && nowMillis > lastMillis) {
            budget = Math.min(CAPACITY, budget + (nowMillis - lastMillis));
        }
        lastMillis = Math.max(lastMillis, nowMillis);
    }
}
