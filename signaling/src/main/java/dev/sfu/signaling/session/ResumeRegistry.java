package dev.sfu.signaling.session;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Resume tokens: which participant's session a new WebSocket may take over after its connection
 * dropped, and for how long (the grace period).
 * <p>
 * A token is 192 random bits ({@link SecureRandom}), bound to one participant id, and good for
 * one resume: {@link #claim} removes it, and the resumed session is issued a new one. While the
 * participant's connection is up the token waits; when it drops, {@link #park} starts the grace
 * timer, and when that runs out the session is handed to the expiry callback (it leaves the
 * room). A claim and an expiry never both win: both remove the token under this registry's lock.
 * Thread-safe.
 *
 * @param <S> the session a token stands for
 */
public final class ResumeRegistry<S> {
    private static final int TOKEN_BYTES = 24;

    private final ScheduledExecutorService timer;
    private final Duration grace;
    private final Consumer<S> onExpired;
    private final SecureRandom random = new SecureRandom();
    /** Guarded by this. */
    private final Map<String, Entry<S>> byToken = new HashMap<>();

    private static final class Entry<S> {
        final String participantId;
        final S session;
        ScheduledFuture<?> expiry;

        Entry(String participantId, S session) {
            this.participantId = participantId;
            this.session = session;
        }
    }

    /**
     * @param timer     runs the grace timers
     * @param grace     how long a participant whose connection dropped stays in its room; zero
     *                  turns resuming off (the participant leaves when its connection closes)
     * @param onExpired called with the session when its grace period ran out unclaimed (on the
     *                  timer's thread)
     */
    public ResumeRegistry(ScheduledExecutorService timer, Duration grace, Consumer<S> onExpired) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the resume grace period must not be negative: " + grace);
        }
        this.timer = timer;
        this.grace = grace;
        this.onExpired = onExpired;
    }

    /** The grace period; zero when resuming is off. */
    public Duration grace() {
        return grace;
    }

    /** A new token for {@code participantId}'s session, null when resuming is off. */
    public synchronized String issue(String participantId, S session) {
        if (grace.isZero()) {
            return null;
        }
        byte[] b = new byte[TOKEN_BYTES];
        String token;
        do {
            random.nextBytes(b);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (byToken.containsKey(token));
        byToken.put(token, new Entry<>(participantId, session));
        return token;
    }

    /**
     * The session's connection dropped: starts the grace timer of {@code token}. False when the
     * token is unknown (revoked, claimed, null): the caller leaves the room at once.
     */
    public synchronized boolean park(String token) {
        Entry<S> e = token == null ? null : byToken.get(token);
        if (e == null) {
            return false;
        }
        if (e.expiry == null) {
            e.expiry = timer.schedule(() -> expire(token, e), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /**
     * Takes over the session that {@code token} was issued for, parked or not (a new connection
     * may arrive before the server noticed that the old one is dead). The token is used up.
     * Null when the token is unknown, used, expired, or was issued for another participant.
     */
    public S claim(String participantId, String token) {
        if (token == null || participantId == null) {
            return null;
        }
        synchronized (this) {
            Entry<S> e = byToken.get(token);
            // The map lookup finds the entry; the id must match too (compared in constant time).
            if (e == null || !MessageDigest.isEqual(e.participantId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    participantId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return null;
            }
            byToken.remove(token);
            if (e.expiry != null) {
                e.expiry.cancel(false);
            }
            return e.session;
        }
    }

    /** Forgets {@code token} (the participant left); a null or unknown token is ignored. */
    public synchronized void revoke(String token) {
        Entry<S> e = token == null ? null : byToken.remove(token);
        if (e != null && e.expiry != null) {
            e.expiry.cancel(false);
        }
    }

    /** Tokens held now (tests, metrics). */
    public synchronized int size() {
        return byToken.size();
    }

    private void expire(String token, Entry<S> e) {
        synchronized (this) {
            if (byToken.get(token) != e) {
                return;
            }
            byToken.remove(token);
        }
        onExpired.accept(e.session);
    }
}
