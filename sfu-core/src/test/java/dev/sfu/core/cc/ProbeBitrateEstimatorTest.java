package dev.sfu.core.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aShortProbeFindsNothingAboveTheKnownLinkCapacity() {
        // A burst through a shaper's token bucket arrives as fast as it was sent: 2 Mbit/s.
        ProbeBitrateEstimator p = probe(20, 1000, 0);
        assertEquals(1, p.evaluate(100 * MS));
        assertEquals(2_000_000, p.resultBps(-1), 1, "no capacity known yet: the result stands");
        assertEquals(720_000, p.resultBps(720_000), "a capacity of 720 kbit/s known: no more than that");
        assertEquals(2_000_000, p.resultBps(3_000_000), 1);
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

    /**
     * A 300 ms cluster at 1.2 Mbit/s (250-byte packets every 1.667 ms) through a tbf of
     * 800 kbit/s whose 10 KB bucket is full: the bucket passes the first 200 ms at the send rate,
     * then packets queue and leave at the link's rate.
     */
    private static ProbeBitrateEstimator throughFullBucket(long tailFromNanos) {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(1, 0, tailFromNanos);
        double linkBytesPerNano = 800_000 / 8e9;
        double tokens = 10 * 1024;
        long tokensAt = 0;
        long lastDeparture = 0;
        int n = 180;
        long gap = 300 * MS / n;
        for (int i = 0; i < n; i++) {
            p.onSent(1, 250);
        }
        p.onSendDone(1);
        for (int i = 0; i < n; i++) {
            long sent = i * gap;
            long start = Math.max(sent, lastDeparture);
            tokens = Math.min(10 * 1024, tokens + (start - tokensAt) * linkBytesPerNano);
            tokensAt = start;
            long departure = start;
            if (tokens < 250) {
                departure = start + (long) ((250 - tokens) / linkBytesPerNano);
                tokens = 250;
                tokensAt = departure;
            }
            tokens -= 250;
            lastDeparture = departure;
            p.onReceived(1, sent, 20 * MS + departure, 250);
        }
        return p;
    }

    @Test
    void aShortJudgementOfAClusterThroughATokenBucketMeasuresTheBurstNotTheLink() {
        ProbeBitrateEstimator p = throughFullBucket(-1);
        assertEquals(1, p.evaluate(400 * MS));
        assertTrue(p.resultBps() > 950_000, "judged whole: " + p.resultBps());
    }

    @Test
    void aClusterJudgedByItsTailMeasuresTheLinkBehindATokenBucket() {
        ProbeBitrateEstimator p = throughFullBucket(180 * MS);
        assertEquals(1, p.evaluate(400 * MS));
        assertEquals(0.95 * 800_000, p.resultBps(), 0.06 * 800_000, "judged by its tail");
    }

    @Test
    void aClusterJudgedByItsTailOnALinkThatKeepsUpGivesTheSendRate() {
        ProbeBitrateEstimator p = new ProbeBitrateEstimator();
        p.start(1, 0, 180 * MS);
        for (int i = 0; i < 180; i++) {
            p.onSent(1, 250);
        }
        p.onSendDone(1);
        for (int i = 0; i < 180; i++) {
            p.onReceived(1, i * 300 * MS / 180, 20 * MS + i * 300 * MS / 180, 250);
        }
        p.evaluate(400 * MS);
        assertEquals(1_200_000, p.resultBps(), 20_000);
    }
}
