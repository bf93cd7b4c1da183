package dev.sfu.signaling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resume tokens: bound to one participant, good once, and only within the grace period. */
class ResumeRegistryTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private ResumeRegistry<String> registry(Duration grace) {
        return new ResumeRegistry<>(timer, grace, expired::add);
    }

    @Test
    void aParkedTokenResumesItsSessionOnceAndNeverExpiresAfterThat() throws Exception {
        ResumeRegistry<String> r = registry(Duration.ofMillis(200));
        String token = r.issue("p1", "session-1");
        assertTrue(r.park(token));
        assertSame("session-1", r.claim("p1", token));
        assertNull(r.claim("p1", token), "a used token is refused");
        Thread.sleep(400);
        assertEquals(List.of(), expired, "a claimed session does not expire");
        assertEquals(0, r.size());
    }

    @Test
    void aTokenIsRefusedForAnotherParticipantAndAWrongTokenForItsOwn() {
        ResumeRegistry<String> r = registry(Duration.ofSeconds(20));
        String token = r.issue("p1", "session-1");
        String other = r.issue("p2", "session-2");
        assertNull(r.claim("p2", token), "p1's token does not resume p2");
        assertNull(r.claim("p1", other), "p2's token does not resume p1");
        assertNull(r.claim("p1", token.substring(1) + "A"), "a wrong token");
        assertNull(r.claim("p1", null));
        assertSame("session-1", r.claim("p1", token), "the failed attempts did not use the token up");
        assertSame("session-2", r.claim("p2", other));
    }

    @Test
    void anUnclaimedTokenExpiresWhenTheGraceTimerRunsOutAndIsThenRefused() throws Exception {
        ResumeRegistry<String> r = registry(Duration.ofMillis(150));
        String token = r.issue("p1", "session-1");
        long parked = System.nanoTime();
        assertTrue(r.park(token));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (expired.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - parked);
        assertEquals(List.of("session-1"), expired);
        assertTrue(tookMs >= 150, "expired after " + tookMs + " ms, before the 150 ms grace period");
        assertNull(r.claim("p1", token), "an expired token is refused");
        assertEquals(0, r.size());
    }

    @Test
    void theGraceTimerRunsOnlyWhileTheConnectionIsDown() throws Exception {
        ResumeRegistry<String> r = registry(Duration.ofMillis(100));
        String token = r.issue("p1", "session-1");
        Thread.sleep(250);
        assertEquals(List.of(), expired, "a connected participant's token does not expire");
        assertSame("session-1", r.claim("p1", token), "a live session may be taken over (its old socket may be dead)");
    }

    @Test
    void revokedTokensAndTokensWithResumeOffAreRefused() {
        ResumeRegistry<String> r = registry(Duration.ofSeconds(20));
        String token = r.issue("p1", "session-1");
        r.revoke(token);
        assertNull(r.claim("p1", token));
        assertEquals(false, r.park(token), "a revoked token cannot be parked: the participant leaves at once");
        ResumeRegistry<String> off = registry(Duration.ZERO);
        assertNull(off.issue("p1", "session-1"), "grace 0 turns resuming off");
        assertEquals(false, off.park(null));
    }

    @Test
    void tokensAreLongUrlSafeAndDistinct() {
        ResumeRegistry<String> r = registry(Duration.ofSeconds(20));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = r.issue("p" + i, "s");
            assertTrue(t.matches("[A-Za-z0-9_-]{32}"), t);
            assertTrue(seen.add(t));
        }
        assertNotEquals(r.issue("p", "s"), r.issue("p", "s"));
    }
}
