package dev.sfu.bench.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpeakingScheduleTest {
    private static final long TURN = SpeakingSchedule.TURN_NANOS;

    @Test
    void exactlyTheConfiguredNumberSpeakAtAnyTimeAndEveryoneGetsATurn() {
        int publishers = 20;
        int speakers = 2;
        long epoch = 123_456_789L;
        SpeakingSchedule[] s = new SpeakingSchedule[publishers];
        for (int i = 0; i < publishers; i++) {
            s[i] = new SpeakingSchedule(i, publishers, speakers, epoch);
        }
        boolean[] spoke = new boolean[publishers];
        for (long t = epoch; t < epoch + 12 * TURN; t += TURN / 3) {
            int now = 0;
            for (int i = 0; i < publishers; i++) {
                if (s[i].speaking(t)) {
                    now++;
                    spoke[i] = true;
                }
            }
            assertEquals(speakers, now, "speakers at " + (t - epoch) / 1_000_000 + " ms");
        }
        for (int i = 0; i < publishers; i++) {
            assertTrue(spoke[i], "publisher " + i + " had a turn within 10 turns");
        }
    }

    @Test
    void asManySpeakersAsPublishersMeansEveryoneAlways() {
        SpeakingSchedule s = new SpeakingSchedule(3, 4, 4, 0);
        for (long t = -TURN; t < 5 * TURN; t += TURN / 2) {
            assertTrue(s.speaking(t));
        }
        assertTrue(SpeakingSchedule.always().speaking(42));
    }

    @Test
    void noSpeakersMeansEveryoneSilent() {
        SpeakingSchedule s = new SpeakingSchedule(0, 3, 0, 0);
        for (long t = 0; t < 5 * TURN; t += TURN / 2) {
            assertTrue(!s.speaking(t));
        }
    }

    @Test
    void aRankOutsideTheRoomIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SpeakingSchedule(5, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SpeakingSchedule(0, 0, 1, 0));
    }
}
