package dev.sfu.core.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The measured bitrate of a simulcast layer, which prices its steps in the allocation. */
class LayerBitrateTest {
    private static final long MS = 1_000_000L;
    private final LayerBitrate rate = new LayerBitrate();
    private final long[] temporal = new long[LayerBitrate.MAX_TEMPORAL_LAYERS];
    private long bytes;
    private long now;
    /** When the last key frame started, 0: none. */
    private long keyframe;

    /** {@code ms} of a steady {@code bps} on temporal layer 0, sampled every 100 ms. */
    private void send(long bps, long ms) {
        for (long t = 0; t < ms; t += 100) {
            add(bps / 80);
            now += 100 * MS;
            rate.sample(true, bytes, temporal, keyframe, now);
        }
    }

    /** The first sample, then 3 s of a steady {@code bps}. */
    private void steadyAt(long bps) {
        rate.sample(true, bytes, temporal, keyframe, now);
        send(bps, 3000);
    }

    private void add(long n) {
        bytes += n;
        temporal[0] += n;
    }

    @Test
    void aKeyFrameBurstRaisesTheLayersPriceByLittle() {
        steadyAt(800_000);
        assertEquals(800_000, rate.bps(), 8_000);
        // A 720p key frame of 40 KB on top of the usual 10 KB arrives within one sample: 4 Mbit/s
        // for 100 ms. Counted whole it would raise the price by 38 % (to 1.1 Mbit/s).
        keyframe = now + 10 * MS;
        add(40_000);
        send(800_000, 100);
        assertTrue(rate.bps() < 880_000, "price after a key frame: " + rate.bps());
        assertEquals(1.0, rate.temporalShare(0), 1e-9);
        send(800_000, 2000);
        assertEquals(800_000, rate.bps(), 12_000);
    }

    @Test
    void anEncoderThatSendsMoreIsStillFollowed() {
        steadyAt(300_000);
        // Its encoder triples its rate, no key frame: within 2 s the price is within 12 % of it.
        send(900_000, 2000);
        assertTrue(rate.bps() > 790_000, "price 2 s after the rise: " + rate.bps());
        send(900_000, 2000);
        assertEquals(900_000, rate.bps(), 20_000);
    }

    @Test
    void aBurstWithoutAKeyFrameCountsWhole() {
        steadyAt(800_000);
        add(40_000);
        send(800_000, 100);
        assertTrue(rate.bps() > 1_000_000, "price after a burst that is no key frame: " + rate.bps());
    }

    @Test
    void aLayerOnceMeasuredAtZeroIsPricedAgainOnceItSends() {
        rate.sample(true, bytes, temporal, keyframe, now);
        // Live, but nothing arrived for 600 ms: measured at 0.
        send(0, 600);
        assertTrue(rate.measured());
        assertEquals(0, rate.bps());
        // Then it sends 300 kbit/s, starting with a key frame: priced at it within 2 s.
        keyframe = now + 10 * MS;
        add(20_000);
        send(300_000, 2000);
        assertTrue(rate.bps() > 250_000, "price: " + rate.bps());
    }

    @Test
    void aLayerThatStartsIsMeasuredFromItsFirstSampleWithoutALimit() {
        rate.sample(true, bytes, temporal, keyframe, now);
        // Its first 100 ms hold a key frame: taken whole, as nothing smaller is known yet.
        add(40_000);
        send(800_000, 100);
        assertEquals(4_000_000, rate.bps(), 1);
        assertTrue(!rate.measured());
    }
}
