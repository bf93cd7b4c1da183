package dev.sfu.signaling.http;

import dev.sfu.signaling.auth.JoinTokens;
import dev.sfu.signaling.limit.AccessCounters;
import dev.sfu.signaling.limit.LimitsConfig;
import dev.sfu.signaling.limit.RateLimits;

/**
 * Who may connect and join, and how often: the join token verifier and the rate limits of one
 * server, shared by all its connections (and by {@code /webrtc/config}, which verifies its
 * {@code Authorization: Bearer} token with {@link #tokens()}).
 *
 * @param tokens join tokens; {@link JoinTokens#open()} when no keys are configured
 * @param limits the rate limits and their counters
 */
public record AccessControl(JoinTokens tokens, RateLimits limits) {
    /** Open rooms and the default limits (loopback exempt from the per-address ones). */
    public static AccessControl defaults() {
        return new AccessControl(JoinTokens.open(), new RateLimits(LimitsConfig.defaults(), new AccessCounters()));
    }

    public AccessCounters counters() {
        return limits.counters();
    }

    /**
     * Who may ask for {@code GET /webrtc/config}: with token keys, a request with
     * {@code Authorization: Bearer <join token>}; without, anyone.
     */
    public ConfigCaller configCaller() {
        return JoinTokenCaller.of(this);
    }
}
