package dev.sfu.core.room;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up warm-up really forwards: every subscriber gets the publisher's audio and video. */
class ForwardingWarmUpTest {
    @Test
    void warmUpForwardsThePublishersPacketsToEverySubscriber() {
        long start = System.nanoTime();
        long sent = ForwardingWarmUp.run(4_000, 60_000);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 4,000 packets in, 4 subscribers: close to 16,000 out (video waits for its key frame).
        assertTrue(sent > 15_000, "forwarded " + sent);
        System.out.println("warm-up of 4,000 packets took " + millis + " ms");
    }
}
