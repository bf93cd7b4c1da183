package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProbeBitrateEstimatorTest {
    private static final long MS = 1_000_000L;

    /** Sends {@code n} 250-byte packets 1 ms apart (2 Mbit/s), received {@code recvGapUs} apart. */
    private static ProbeBitrateEstimator probe(int n, long recvGapUs, int lost) {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(1, 0);
        for (int i = 0; i < n; i++) {
            p.onSent(1, 250);
        }
        p.onSendDone(1);
        for (int i = 0; i < n; i++) {
            if (i < n - lost) {
                p.onReceived(1, i * MS, 50 * MS + i * recvGapUs * 1000, 250);
            } else {
                p.onLost(1);
            }
        }
        return p;
    }

    @Test
    void aLinkThatKeepsUpGivesTheSmallerOfSendAndReceiveRate() {
        ProbeBitrateEstimator p = probe(20, 1000, 0);
        assertEquals(1, p.evaluate(100 * MS));
        assertEquals(2_000_000, p.resultBps(), 1);
    }

    @Test
    void aSaturatedLinkGives95PercentOfTheReceiveRate() {
        ProbeBitrateEstimator p = probe(20, 2000, 0); // received at 1 Mbit/s
        p.evaluate(100 * MS);
        assertEquals(950_000, p.resultBps(), 1);
    }

    @Test
    void fewerThan80PercentAcknowledgedGivesNoResult() {
        ProbeBitrateEstimator p = probe(20, 1000, 5);
        assertEquals(1, p.evaluate(100 * MS));
        assertEquals(-1, p.resultBps());
        assertEquals(1, p.failures());
    }

    @Test
    void notJudgedWhileStillSending() {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(1, 0);
        p.onSent(1, 250);
        p.onSent(1, 250);
        p.onReceived(1, 0, 10 * MS, 250);
        p.onReceived(1, MS, 11 * MS, 250);
        assertEquals(-1, p.evaluate(20 * MS));
    }
}
