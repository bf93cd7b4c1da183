package dev.sfu.core.forward;

import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.SimulcastPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer choice per subscriber tile and dynacast, with layer sizes learned from the layers' VP8
 * key frames (RFC 6386 section 9.1): q 320x180, h 640x360, f 1280x720.
 */
class LayerAllocatorTest {
    private final RoomHarness h = new RoomHarness(8);
    private final LayerAllocator allocator = new LayerAllocator(1.0, true);
    private final List<List<String>> needed = new ArrayList<>();
    private final List<String> states = new ArrayList<>();
    private final LayerAllocator.Listener listener = new LayerAllocator.Listener() {
        @Override
        public void videoStateChanged(DownTrack d, boolean paused, String reason, String rid) {
            states.add(d.subscriber().id() + " " + (paused ? "paused " + reason : rid));
        }

        @Override
        public void layersNeeded(UpTrack u, List<String> rids) {
            needed.add(rids);
        }
    };
    private Participant a;
    private Participant b;
    private Participant c;
    private SimulcastPublisher.Layer q;
    private SimulcastPublisher.Layer mid;
    private SimulcastPublisher.Layer f;

    @BeforeEach
    void publishAndLearnSizes() throws Exception {
        a = h.join("r", "a");
        b = h.join("r", "b");
        c = h.join("r", "c");
        SimulcastPublisher pub = new SimulcastPublisher(a);
        q = pub.new Layer("q", 0x5000, 0x6000, 320, 180, 1, 0, 1, 1);
        mid = pub.new Layer("h", 0x5001, 0x6001, 640, 360, 1, 0, 1, 1);
        f = pub.new Layer("f", 0x5002, 0x6002, 1280, 720, 1, 0, 1, 1);
        pub.publish();
        b.activateDownTracks();
        c.activateDownTracks();
        q.send(true);
        mid.send(true);
        f.send(true);
        List<SimulcastLayer> layers = up().layers();
        assertEquals(List.of(320, 640, 1280), layers.stream().map(SimulcastLayer::width).toList());
        assertEquals(List.of(180, 360, 720), layers.stream().map(SimulcastLayer::height).toList());
    }

    @AfterEach
    void noBufferOutstanding() {
        h.manager.close();
        assertEquals(0, h.pool.outstanding());
    }

    private UpTrack up() {
        return a.upTracks().get(0);
    }

    private static DownTrack video(Participant p) {
        return p.downTracks().get(0);
    }

    private void allocate() {
        allocator.allocate(up(), (publisher, subscriber) -> true, h.now.get(), listener);
    }

    private String target(Participant p) {
        int t = video(p).targetLayer();
        return t < 0 ? "paused" : up().layers().get(t).rid();
    }

    @ParameterizedTest(name = "tile {0}x{1} -> {2}")
    @CsvSource({
            "0, 0, f",       // no size given: the largest
            "160, 90, q",
            "320, 180, q",   // exactly q
            "330, 100, q",   // q's height covers the tile's
            "100, 200, q",   // q's width covers the tile's
            "321, 181, h",   // one pixel more in both: h
            "640, 360, h",
            "641, 361, f",
            "1920, 1080, f", // nothing covers it: the largest
            "0, 500, f",     // only a height
            "500, 0, h",     // only a width
    })
    void theSmallestLayerCoveringTheTileInWidthOrHeight(int width, int height, String rid) {
        video(b).setConstraints(new VideoConstraints(width, height, true));
        allocate();
        assertEquals(rid, target(b));
        assertEquals("f", target(c), "no constraints: the largest");
    }

    @Test
    void fallsBackToALiveLayerWhenTheIdealOneReceivesNothing() {
        video(b).setConstraints(new VideoConstraints(1280, 720, true));
        video(c).setConstraints(new VideoConstraints(320, 180, true));
        // f stops (the browser is short of uplink); q and h go on for 1.5 s.
        for (int i = 0; i < 50; i++) {
            q.send(false);
            mid.send(false);
            h.advance(30 * MS);
        }
        allocate();
        assertEquals("h", target(b), "the largest live layer below f");
        assertEquals("q", target(c));
        assertEquals(List.of(List.of("q", "f")), needed, "dynacast still asks for the ideal layers");
        // Now only h arrives: q's subscriber gets the smallest live layer above its ideal one.
        for (int i = 0; i < 50; i++) {
            mid.send(false);
            h.advance(30 * MS);
        }
        allocate();
        assertEquals("h", target(b));
        assertEquals("h", target(c));
    }

    @Test
    void dynacastAsksForExactlyTheUnionOfIdealLayers() {
        video(b).setConstraints(new VideoConstraints(320, 180, true));
        video(c).setConstraints(new VideoConstraints(640, 360, true));
        allocate();
        assertEquals(List.of(List.of("q", "h")), needed);
        assertEquals(List.of("b q", "c h"), states);
        allocate();
        assertEquals(1, needed.size(), "unchanged: not repeated");
        // c's tile grows to full screen.
        video(c).setConstraints(new VideoConstraints(1280, 720, true));
        allocate();
        assertEquals(List.of("q", "f"), needed.get(1));
        assertEquals("c f", states.get(states.size() - 1));
        // Nobody can see the video: only the smallest layer.
        video(b).setConstraints(new VideoConstraints(320, 180, false));
        video(c).setConstraints(new VideoConstraints(1280, 720, false));
        allocate();
        assertEquals(List.of("q"), needed.get(2));
        assertEquals(List.of("b paused hidden", "c paused hidden"), states.subList(states.size() - 2, states.size()));
        assertEquals("paused", target(b));
        assertEquals("paused", target(c));
        // b's tile is back: q again, no other layer needed.
        video(b).setConstraints(new VideoConstraints(320, 180, true));
        allocate();
        assertEquals(3, needed.size(), "q was already the only layer asked for");
        assertEquals("q", target(b));
    }

    @Test
    void dynacastKeepsEveryLayerOfATrackThatCrossesARelay() {
        video(b).setConstraints(new VideoConstraints(320, 180, true));
        video(c).setConstraints(new VideoConstraints(320, 180, true));
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertTrue(h.layerEvents.contains("layers a [q]"), h.layerEvents.toString());
        // Another node hosts the room too: its subscribers choose among all of a's layers.
        RelayEgress relay = new RelayEgress(new dev.sfu.core.testutil.FakeTransport("relay"), h.manager.context());
        h.manager.attachRelay("r", new dev.sfu.core.room.RoomRelay() {
            @Override
            public RelayEgress egress() {
                return relay;
            }

            @Override
            public void localParticipantChanged(Participant p) {
            }

            @Override
            public void localParticipantLeft(Participant p) {
            }
        });
        h.layerEvents.clear();
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertEquals(List.of("layers a [q, h, f]"), h.layerEvents.stream().filter(e -> e.startsWith("layers")).toList());
        // Until the far node says what its subscribers need: then the union of its needs and ours.
        relay.setLayersNeeded(a.upTracks().get(0), List.of("h"));
        h.layerEvents.clear();
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertEquals(List.of("layers a [q, h]"), h.layerEvents.stream().filter(e -> e.startsWith("layers")).toList());
        relay.close();
    }

    @Test
    void theRoomSchedulerTellsSignalingWhichLayersToSend() {
        video(b).setConstraints(new VideoConstraints(640, 360, true));
        video(c).setConstraints(new VideoConstraints(640, 360, true));
        h.layerEvents.clear();
        h.manager.scheduler().allocate(h.manager.room("r"));
        assertEquals(List.of("video b h", "video c h", "layers a [h]"), h.layerEvents);
    }
}
