package dev.sfu.signaling.limit;

import dev.sfu.signaling.auth.TokenRefused;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what access control refused since start, exported in {@code /metrics}: requests and
 * messages over each rate limit, connections closed for going on while limited, join tokens
 * refused by reason. Thread-safe.
 */
public final class AccessCounters {
    private final Map<Limit, LongAdder> limited = new EnumMap<>(Limit.class);
    private final Map<TokenRefused.Reason, LongAdder> refused = new EnumMap<>(TokenRefused.Reason.class);
    private final LongAdder closedForAbuse = new LongAdder();

    public AccessCounters() {
        for (Limit l : Limit.values()) {
            limited.put(l, new LongAdder());
        }
        for (TokenRefused.Reason r : TokenRefused.Reason.values()) {
            refused.put(r, new LongAdder());
        }
    }

    public void limited(Limit l) {
        limited.get(l).increment();
    }

    public void refused(TokenRefused.Reason r) {
        refused.get(r).increment();
    }

    public void closedForAbuse() {
        closedForAbuse.increment();
    }

    public long limitedCount(Limit l) {
        return limited.get(l).sum();
    }

    public long refusedCount(TokenRefused.Reason r) {
        return refused.get(r).sum();
    }

    public long closedForAbuseCount() {
        return closedForAbuse.sum();
    }
}
