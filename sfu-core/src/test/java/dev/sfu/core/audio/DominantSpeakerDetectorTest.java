package dev.sfu.core.audio;

import dev.sfu.core.audio.SpeechSimulation.Change;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import static dev.sfu.core.audio.SpeechSimulation.everyOtherWord;
import static dev.sfu.core.audio.SpeechSimulation.nanos;
import static dev.sfu.core.audio.SpeechSimulation.speech;
import static dev.sfu.core.audio.SpeechSimulation.steady;
import static dev.sfu.core.audio.SpeechSimulation.talking;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dominant speaker of a simulated room, fed 20-ms audio levels on a fake clock. */
class DominantSpeakerDetectorTest {
    private final SpeechSimulation room = new SpeechSimulation(new DominantSpeakerDetector());
    private final DominantSpeakerDetector detector = room.detector;

    @AfterEach
    void changesAreNeverCloserThanTheMinimumInterval() {
        assertChangesSpacedAtLeast(room.changes, DominantSpeakerDetector.Settings.DEFAULTS.minChangeInterval());
    }

    @Test
    void aLoneSpeakerBecomesDominantWithinOneSecond() {
        room.join("a", SpeechSimulation::silence);
        room.join("b", talking(2_000, 10_000));
        room.join("c", SpeechSimulation::silence);
        room.runUntil(2_000);
        assertNull(detector.dominant(), "nobody has spoken yet");
        room.runUntil(10_000);
        assertEquals(1, room.changes.size(), room.changes::toString);
        Change c = room.changes.get(0);
        assertEquals("b", c.id());
        assertTrue(c.ms() <= 3_000, "dominant after " + (c.ms() - 2_000) + " ms of speech");
        assertEquals("b", detector.dominant());
    }

    @Test
    void aClearChangeOfSpeakerSwitchesWithinOneAndAHalfSeconds() {
        room.join("a", talking(0, 8_000));
        room.join("b", talking(8_000, 16_000));
        room.runUntil(8_000);
        assertEquals("a", detector.dominant());
        room.runUntil(16_000);
        List<Change> after = room.changesSince(8_000);
        assertEquals(1, after.size(), after::toString);
        assertEquals("b", after.get(0).id());
        assertTrue(after.get(0).ms() <= 9_500, "switched " + (after.get(0).ms() - 8_000) + " ms after the change");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 20, 50, 70})
    void twoSpeakersTradingShortWordsDoNotFlap(int offsetMs) {
        long from = 3_000 + offsetMs;
        room.join("a", ms -> ms < 3_000 ? speech(ms) : everyOtherWord(from, from + 10_000, 200, true).at(ms));
        room.join("b", everyOtherWord(from, from + 10_000, 200, false));
        room.runUntil(3_000);
        assertEquals("a", detector.dominant());
        room.runUntil(from + 10_000);
        List<Change> flips = room.changesSince(3_000);
        assertTrue(flips.size() <= 2, "flipped " + flips.size() + " times in 10 s: " + flips);
    }

    @Test
    void aShortInterjectionDuringAMonologueDoesNotTakeOver() {
        // a pauses for 1.5 s; b says 700 ms in the pause, clearly ahead over 1 s but not over 3 s.
        room.join("a", ms -> ms >= 5_000 && ms < 6_500 ? SpeechSimulation.silence(ms) : speech(ms));
        room.join("b", talking(5_500, 6_200));
        room.runUntil(10_000);
        assertEquals(List.of("a"), room.changes.stream().map(Change::id).toList());
    }

    @Test
    void silenceKeepsTheLastDominantSpeaker() {
        room.join("a", talking(1_000, 3_000));
        room.join("b", talking(4_000, 7_000));
        room.runUntil(7_000);
        assertEquals("b", detector.dominant());
        room.runUntil(60_000);
        assertEquals("b", detector.dominant());
        assertEquals(List.of(), room.changesSince(7_000));
    }

    @Test
    void steadyBackgroundNoiseDoesNotBeatATalker() {
        room.join("fan", steady(50, false));
        room.join("hum", steady(40, true));
        room.join("talker", talking(5_000, 15_000));
        room.runUntil(5_000);
        assertNull(detector.dominant(), "noise alone never becomes dominant");
        room.runUntil(15_000);
        assertEquals(1, room.changes.size(), room.changes::toString);
        assertEquals("talker", room.changes.get(0).id());
        assertTrue(room.changes.get(0).ms() <= 6_000);
    }

    @Test
    void loudNoiseFlaggedAsNotVoiceBySenderThatFlagsVoiceIsNotSpeech() {
        // The laptop speaks, then types loudly: 60 % of packets at -30 dBov, V clear.
        room.join("laptop", ms -> ms < 2_000 ? speech(ms) : ms / 20 % 5 < 3 ? 30 : 60);
        room.join("talker", talking(3_000, 12_000));
        room.runUntil(3_000);
        assertEquals("laptop", detector.dominant());
        room.runUntil(12_000);
        List<Change> after = room.changesSince(3_000);
        assertEquals(1, after.size(), after::toString);
        assertEquals("talker", after.get(0).id());
        assertTrue(after.get(0).ms() <= 4_500);
    }

    @Test
    void changesComeAtMostEveryMinimumIntervalEvenWithoutHysteresis() {
        DominantSpeakerDetector.Settings eager = new DominantSpeakerDetector.Settings(Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100), 0.1, 0.1, 0, 0,
                Duration.ofMillis(300), 70, 12, 6.0, Duration.ofMillis(60), true);
        SpeechSimulation eagerRoom = new SpeechSimulation(new DominantSpeakerDetector(eager));
        eagerRoom.join("a", everyOtherWord(0, 10_000, 100, true));
        eagerRoom.join("b", everyOtherWord(0, 10_000, 100, false));
        eagerRoom.runUntil(10_000);
        assertTrue(eagerRoom.changes.size() >= 20, "the interval, not hysteresis, limits changes: " + eagerRoom.changes);
        assertChangesSpacedAtLeast(eagerRoom.changes, Duration.ofMillis(300));
    }

    @Test
    void removingTheDominantLetsAnotherSpeakerTakeOver() {
        SpeakerActivity a = room.join("a", talking(0, 20_000));
        room.join("b", talking(1_000, 20_000));
        room.runUntil(5_000);
        assertEquals(List.of("a"), room.changes.stream().map(Change::id).toList(), "b never beats a by the margin");
        room.leave(a);
        assertNull(detector.dominant());
        room.runUntil(5_100);
        assertEquals(new Change(5_100, "b"), room.changes.get(room.changes.size() - 1));
        assertEquals(List.of("b"), detector.recentSpeakers(5));
    }

    @Test
    void removingTheDominantInSilenceFallsBackToThePreviousSpeaker() {
        room.join("a", talking(0, 2_000));
        SpeakerActivity b = room.join("b", talking(3_000, 5_000));
        room.join("c", SpeechSimulation::silence);
        room.runUntil(8_000);
        assertEquals("b", detector.dominant());
        room.leave(b);
        room.runUntil(8_100);
        assertEquals("a", detector.dominant());
    }

    @Test
    void recentSpeakersListsPresentDominantSpeakersMostRecentFirstEachOnce() {
        SpeakerActivity a = room.join("a", ms -> ms < 2_000 || ms >= 4_000 && ms < 6_000 ? speech(ms) : 127);
        room.join("b", talking(2_000, 4_000));
        room.join("c", talking(6_000, 8_000));
        room.join("d", SpeechSimulation::silence);
        assertEquals(List.of(), detector.recentSpeakers(3));
        room.runUntil(9_000);
        assertEquals(List.of("a", "b", "a", "c"), room.changes.stream().map(Change::id).toList());
        assertEquals(List.of("c", "a", "b"), detector.recentSpeakers(10));
        assertEquals(List.of("c", "a"), detector.recentSpeakers(2));
        assertEquals(List.of(), detector.recentSpeakers(0));
        room.leave(a);
        assertEquals(List.of("c", "b"), detector.recentSpeakers(10));
    }

    /**
     * Measured with the JDK's per-thread allocation counter, in rounds of 100,000 calls until one
     * is clean (as SrtpSessionAllocationTest does): the JVM may allocate a few bytes once while the
     * JIT moves the loop between tiers, but an allocation per call would show in every round.
     */
    @Test
    void onLevelAllocatesNothingAfterWarmUp() {
        SpeakerActivity a = detector.add("a");
        int n = 0;
        for (; n < 300_000; n += 10_000) {
            feed(a, n, n + 10_000);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 10 && allocated != 0; round++, n += 100_000) {
            long before = mx.getThreadAllocatedBytes(tid);
            feed(a, n, n + 100_000);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
        }
        assertEquals(0, allocated, "bytes allocated by 100,000 calls of onLevel in the last round");
    }

    /** Speech and silence alternating, one packet each 20 ms, so that every branch runs. */
    private static void feed(SpeakerActivity a, int from, int to) {
        for (int i = from; i < to; i++) {
            boolean talking = i % 50 < 35;
            a.onLevel(talking ? 25 + i % 7 : 127, talking, nanos(i * 20L));
        }
    }

    private static void assertChangesSpacedAtLeast(List<Change> changes, Duration interval) {
        for (int i = 1; i < changes.size(); i++) {
            long gap = changes.get(i).ms() - changes.get(i - 1).ms();
            assertTrue(gap >= interval.toMillis(), "changes " + gap + " ms apart: " + changes);
        }
    }
}
