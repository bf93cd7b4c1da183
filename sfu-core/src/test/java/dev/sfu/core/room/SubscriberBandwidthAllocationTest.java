package dev.sfu.core.room;

import dev.sfu.core.forward.BandwidthAllocator;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.LayerAllocator;
import dev.sfu.core.forward.SubscriberAllocation;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room scheduler's allocation with a downlink estimate per subscriber (issue 13 section 2):
 * a subscriber whose link cannot carry even the lowest layer of a video has it paused with
 * reason "bandwidth", told through the same listener as hidden and lastN, and resumed once the
 * estimate has covered it for the hold time; subscribers without an estimate are untouched.
 * No media flows, so each 1280x720 video is priced from libwebrtc's simulcast table (2.5 Mbit/s).
 */
class SubscriberBandwidthAllocationTest {
    private final RoomHarness h = new RoomHarness(8);
    private final AtomicLong cEstimate = new AtomicLong(1_000_000L);

    @AfterEach
    void close() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    @Test
    void aVideoTheLinkCannotCarryIsPausedForBandwidthAndResumesWhenItFits() throws Exception {
        Participant[] call = h.threeInACall("r");
        Participant a = call[0];
        Participant b = call[1];
        Participant c = call[2];
        RoomScheduler scheduler = h.manager.scheduler();
        scheduler.useDownlinkEstimate(e -> e.id().equals("c") ? cEstimate.get() : -1);
        Room room = h.manager.room("r");
        scheduler.allocate(room);
        for (DownTrack d : c.downTracks()) {
            assertFalse(d.isPaused(), "a video on screen is not paused by one allocation: " + d.streamId());
        }
        // ... but once the estimate has not carried it for the pause hold.
        long dipStart = h.now.get();
        while (h.now.get() - dipStart <= BandwidthAllocator.PAUSE_HOLD_NANOS) {
            h.advance(100 * MS);
            scheduler.allocate(room);
        }

        for (DownTrack d : c.downTracks()) {
            if (d.kind() == MediaKind.VIDEO) {
                assertTrue(d.isPaused(), d.streamId());
                assertEquals(LayerAllocator.BANDWIDTH, d.pauseReason());
            } else {
                assertFalse(d.isPaused(), "audio is never cut");
            }
        }
        assertEquals(2, h.layerEvents.stream().filter("video c paused bandwidth"::equals).count(), h.layerEvents.toString());
        SubscriberAllocation stats = c.endpoint().allocation();
        assertEquals(2, stats.pausedBandwidth());
        assertEquals(1_000_000L, stats.estimateBps());
        assertEquals(5_000_000L, stats.desiredBps(), "both videos at their tile layer, priced from the table");
        for (Participant p : new Participant[] {a, b}) {
            assertEquals(-1, p.endpoint().allocation().estimateBps());
            assertEquals(0, p.endpoint().allocation().pausedVideos());
            assertTrue(p.downTracks().stream().noneMatch(DownTrack::isPaused), p.id() + " receives everything, as before");
        }

        int told = h.layerEvents.size();
        cEstimate.set(10_000_000L);
        long start = h.now.get();
        while (h.now.get() - start < 2000 * MS) {
            h.advance(100 * MS);
            scheduler.tick();
        }
        assertEquals(2, stats.pausedBandwidth(), "not before the hold time");
        while (h.now.get() - start < 3000 * MS) {
            h.advance(100 * MS);
            scheduler.tick();
        }
        assertEquals(0, stats.pausedBandwidth());
        assertTrue(c.downTracks().stream().noneMatch(DownTrack::isPaused));
        assertEquals(java.util.List.of("video c null", "video c null"), h.layerEvents.subList(told, h.layerEvents.size()),
                "resumed (not simulcast: no rid), and told");
        assertEquals(4, stats.switches(), "two videos paused (they were forwarded before the estimate came), then resumed");
    }
}
