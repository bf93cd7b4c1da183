package dev.sfu.core.forward;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.relay.RelayTrack;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomRelay;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.SimulcastPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relayed video is priced on the far node as its origin node prices it (issue 16, rooms across
 * nodes with congestion control on). A plain VP8 track of 640x360 at about 300 kbit/s is measured
 * on the origin; its relay description ({@link RelayTrack}) carries the resolution from its key
 * frame and the measured bitrate; the far node's mirror of the track, which has seen no packet
 * yet, prices it from them (about 300 kbit/s, not the size table's 1280x720 at 2.5 Mbit/s, which
 * paused relayed videos for seconds under a 1 Mbit/s start estimate); once the far node has
 * measured the relayed packets itself, its own measurement wins. Fake clock, no network; well
 * under a second.
 */
class RelayedVideoPricingTest {
    private final RoomHarness h = new RoomHarness(4);
    private final LayerAllocator allocator = new LayerAllocator(1.0, true);

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    @Test
    void aRelayedVideoIsPricedFromTheSizeAndBitrateItsOriginMeasuredUntilMeasuredHere() throws Exception {
        Participant origin = h.join("r", "o");
        RoomHarness.publishAv(origin, 1);
        UpTrack up = video(origin);
        SimulcastPublisher.Layer stream = new SimulcastPublisher(origin).new Layer(null, RoomHarness.videoSsrc(1), -1,
                640, 360, 1, 0, 1, 1);
        stream.announce = false;
        // 100 frames/s of 375 bytes of filler: about 300 kbit/s, plus headers.
        sendFor(up, stream, 375, 1500 * MS);
        long measured = up.layer(0).measuredBps();
        assertTrue(measured > 280_000 && measured < 400_000, "origin measured " + measured);

        RelayTrack description = RelayTrack.of(up);
        RelayTrack.Layer carried = description.layers().get(0);
        assertEquals(640, carried.width(), description.toString());
        assertEquals(360, carried.height(), description.toString());
        assertEquals(measured, carried.bps(), description.toString());

        // The far node: its mirror of the track before any relayed packet arrives.
        Participant mirror = h.join("far", "m");
        mirror.publish(java.util.List.of(description.toPublishedTrack()));
        UpTrack far = video(mirror);
        assertTrue(price(far) >= 2_500_000, "with nothing known, the size table's 1280x720: " + price(far));
        description.applyLayers(far);
        assertEquals(measured, price(far), 1.0, "priced at the origin's measurement");
        double[] w = new double[1];
        double[] hh = new double[1];
        LayerAllocator.estimateSizes(far, w, hh);
        assertEquals(640, w[0]);
        assertEquals(360, hh[0]);

        // Measured here (the relayed stream, on the origin's SSRC, now carries about 100 kbit/s): this node's own figure.
        SimulcastPublisher.Layer relayed = new SimulcastPublisher(mirror).new Layer(null, RoomHarness.videoSsrc(1), -1,
                640, 360, 1, 0, 1, 1);
        relayed.announce = false;
        sendFor(far, relayed, 110, 1500 * MS);
        assertTrue(far.layer(0).bitrate.measured());
        assertTrue(price(far) < 0.6 * measured, "its own measurement wins: " + price(far));
    }

    /**
     * The far nodes are told of a layer's first measurement once, with the room's lock released.
     * A relay describes under its own lock ({@code RelayLink}), and a relay holding that lock may
     * run an allocation inline, which takes the room's lock (a far participant's tracks published
     * while the scheduler is not started): describing under the room's lock, as the allocation did
     * at first, was a lock-order inversion in which two threads could deadlock. The relay's
     * listener reads the lock on the thread that calls it.
     */
    @Test
    void aFirstMeasurementIsDescribedToTheRelaysOnceWithTheRoomsLockReleased() throws Exception {
        Participant origin = h.join("r", "o");
        RoomHarness.publishAv(origin, 1);
        UpTrack up = video(origin);
        Room room = origin.room();
        RelayEgress egress = new RelayEgress(new RelayEgressTest.CountingTransport("relay"), h.manager.context());
        RoomRelay relay = RelayEgressTest.relay(egress);
        List<Boolean> underRoomLock = new CopyOnWriteArrayList<>();
        egress.setListener(new RelayEgress.Listener() {
            @Override
            public void ssrcLearned(UpTrack track) {
                if (track == up && up.layer(0).measuredBps() > 0) {
                    underRoomLock.add(Thread.holdsLock(room));
                }
            }

            @Override
            public void limitChanged() {
            }
        });
        h.manager.attachRelay("r", relay);
        try {
            SimulcastPublisher.Layer stream = new SimulcastPublisher(origin).new Layer(null, RoomHarness.videoSsrc(1),
                    -1, 640, 360, 1, 0, 1, 1);
            stream.announce = false;
            for (long t = 0; t < 1500 * MS; t += 10 * MS) {
                stream.send(t == 0, 0, 375);
                h.advance(10 * MS);
                if (t % (200 * MS) == 0) {
                    h.manager.scheduler().allocate(room);
                }
            }
            assertTrue(up.layer(0).measuredBps() > 0, "measured");
            assertEquals(List.of(false), underRoomLock, "described once, outside the room's lock");
        } finally {
            h.manager.detachRelay("r", relay);
            egress.close();
        }
    }

    private static UpTrack video(Participant p) {
        return p.upTracks().stream().filter(u -> u.video).findFirst().orElseThrow();
    }

    /** Sends a frame every 10 ms (a key frame first) for {@code nanos}, sampling the track's bitrate every 200 ms. */
    private void sendFor(UpTrack u, SimulcastPublisher.Layer stream, int filler, long nanos) {
        for (long t = 0; t < nanos; t += 10 * MS) {
            stream.send(t == 0, 0, filler);
            h.advance(10 * MS);
            if (t % (200 * MS) == 0) {
                allocator.decide(u, (pub, sub) -> true, h.now.get());
            }
        }
    }

    private static double price(UpTrack u) {
        double[] w = new double[u.layerCount()];
        double[] hh = new double[u.layerCount()];
        LayerAllocator.estimateSizes(u, w, hh);
        return StepLadder.layerBps(u, 0, w, hh);
    }
}
