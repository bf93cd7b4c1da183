package dev.sfu.core.metrics;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.VP8;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.publishAv;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.vp8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.RoomHarness;
import dev.sfu.core.testutil.SimulcastPublisher;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Snapshots built from rooms driven with known traffic on the harness's fake clock. */
class StatsCollectorTest {
    private final RoomHarness h = new RoomHarness(8);
    private final ServerMetrics server = new ServerMetrics(h.registry, h.manager);
    private final StatsCollector stats = new StatsCollector(h.manager, server, h.now::get, () -> 42L);

    @AfterEach
    void close() {
        h.manager.close();
    }

    /** One second of a publisher's audio (50 x packet) and video (100 x packet), 10 ms steps. */
    private static int sendOneSecond(RoomHarness h, Participant p, int n, int seq0) {
        int bytes = 0;
        for (int i = 0; i < 100; i++) {
            int seq = seq0 + i;
            if (i % 2 == 0) {
                byte[] a = rtp(OPUS, seq, seq * 960L, audioSsrc(n), new int[] {1, 4}, OPUS_PAYLOAD);
                p.endpoint().onRtp(a, 0, a.length);
                bytes += a.length;
            }
            byte[] v = rtp(VP8, seq, seq * 3000L, videoSsrc(n), new int[] {2, 3, 4}, vp8(true, true));
            p.endpoint().onRtp(v, 0, v.length);
            bytes += v.length;
            h.advance(10 * MS);
        }
        return bytes;
    }

    @Test
    void roomAndParticipantBitratesMatchWhatWasSent() throws Exception {
        Participant a = h.join("busy", "a");
        Participant b = h.join("busy", "b");
        Participant c = h.join("quiet", "c");
        publishAv(a, 1);
        a.activateDownTracks();
        b.activateDownTracks();
        // Align to a second boundary so one second of packets fills exactly one bucket.
        h.now.set((h.now.get() / 1_000_000_000L + 1) * 1_000_000_000L);
        sendOneSecond(h, a, 1, 100);
        int bytes = sendOneSecond(h, a, 1, 200);
        h.advance(MS);
        StatsSnapshot s = stats.collect();

        assertEquals(42L, s.timestampMillis());
        assertEquals(2, s.roomCount());
        assertEquals(3, s.participantCount());
        assertEquals(2, s.trackCount());
        assertEquals("busy", s.rooms().get(0).id(), "busiest room first");
        RoomStats busy = s.room("busy");
        assertEquals(bytes * 8L, busy.bitrateIn());
        assertEquals(bytes * 8L, busy.bitrateOut(), "one subscriber gets everything");
        assertEquals(150, busy.packetRateIn());
        assertEquals(300, busy.packetsIn());
        assertEquals(2, busy.participantCount());
        assertEquals(2, busy.trackCount());

        ParticipantStats pa = busy.participants().get(0);
        assertEquals("a", pa.id());
        assertEquals(bytes * 8L, pa.bitrateUp());
        assertEquals(0, pa.bitrateDown());
        assertEquals(-1.0, pa.rttMillis(), "no receiver report yet");
        ParticipantStats pb = busy.participants().get(1);
        assertEquals(bytes * 8L, pb.bitrateDown());
        assertEquals(2, pb.tracks().size());
        TrackStats down = pb.tracks().get(0);
        assertEquals("down", down.direction());
        assertEquals("a", down.publisherId());
        assertTrue(down.active());

        RoomStats quiet = s.room("quiet");
        assertEquals(0, quiet.bitrateIn());
        assertNull(s.room("nope"));
        assertEquals(bytes * 8L, s.bitrateIn());
        assertNotNull(s.process());
        assertTrue(s.process().heapUsedBytes() > 0);
    }

    @Test
    void perTrackBitrateIsTheByteDeltaBetweenCollections() throws Exception {
        Participant a = h.join("r", "a");
        h.join("r", "b").activateDownTracks();
        publishAv(a, 1);
        stats.collect();
        int bytes = sendOneSecond(h, a, 1, 100);
        StatsSnapshot s = stats.collect();
        ParticipantStats pa = s.room("r").participants().get(0);
        long sum = 0;
        for (TrackStats t : pa.tracks()) {
            sum += t.bitrate();
        }
        assertEquals(bytes * 8L, sum, "up tracks' bitrates add up to what was sent in that second");
    }

    @Test
    void serverSeriesAreRegistered() throws Exception {
        h.join("r", "a");
        assertEquals(1, h.registry.getGauges().get(ServerMetrics.ROOMS).getValue());
        assertEquals(1, h.registry.getGauges().get(ServerMetrics.PARTICIPANTS).getValue());
        assertTrue(h.registry.getGauges().keySet().stream().anyMatch(n -> n.startsWith("jvm.gc.")));
        assertTrue(h.registry.getGauges().containsKey("jvm.memory.heap.used"));
        assertTrue(h.registry.getMetrics().get("room.r.bytesIn") instanceof RateMeter);
        assertTrue(h.registry.getMetrics().get("room.r.participant.a.bytesUp") instanceof RateMeter);
    }

    private static DownTrack video(Participant p) {
        return p.downTracks().stream().filter(d -> d.kind() == MediaKind.VIDEO).findFirst().orElseThrow();
    }

    private static TrackStats track(RoomStats r, String participant, String direction) {
        for (ParticipantStats p : r.participants()) {
            if (p.id().equals(participant)) {
                return p.tracks().stream().filter(t -> t.direction().equals(direction)).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("no " + participant);
    }

    /** One second of q and h at 100 frames/s (keyframes first), f not sent; returns the bytes of {q, h}. */
    private long[] sendQAndH(SimulcastPublisher.Layer q, SimulcastPublisher.Layer mid, boolean keyframes) {
        long[] bytes = new long[2];
        for (int i = 0; i < 100; i++) {
            bytes[0] += q.send(keyframes && i == 0).length;
            bytes[1] += mid.send(keyframes && i == 0).length;
            h.advance(10 * MS);
        }
        return bytes;
    }

    @Test
    void simulcastLayersWithTheirBitratesAndWhatEachSubscriberReceives() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        Participant c = h.join("r", "c");
        SimulcastPublisher pub = new SimulcastPublisher(a);
        SimulcastPublisher.Layer q = pub.new Layer("q", 0x5000, 0x6000, 320, 180, 1000, 90000, 100, 10);
        SimulcastPublisher.Layer mid = pub.new Layer("h", 0x5001, 0x6001, 640, 360, 20000, 555555, 7000, 70);
        pub.publish();
        b.activateDownTracks();
        c.activateDownTracks();
        DownTrack db = video(b);
        DownTrack dc = video(c);
        db.setConstraints(new VideoConstraints(640, 360, true));
        db.setMaxTemporalLayer(1);
        dc.setConstraints(new VideoConstraints(320, 180, false));
        h.manager.scheduler().allocate(h.manager.room("r"));
        stats.collect();
        long[] bytes = sendQAndH(q, mid, true);
        RoomStats r = stats.collect().room("r");

        TrackStats up = track(r, "a", "up");
        assertNull(up.forwarding());
        assertEquals(List.of("q", "h", "f"), up.layers().stream().map(TrackStats.Layer::rid).toList());
        TrackStats.Layer lq = up.layers().get(0);
        TrackStats.Layer lh = up.layers().get(1);
        TrackStats.Layer lf = up.layers().get(2);
        assertEquals(new TrackStats.Layer("q", 0x5000, 320, 180, bytes[0] * 8, true), lq);
        assertEquals(new TrackStats.Layer("h", 0x5001, 640, 360, bytes[1] * 8, true), lh);
        assertEquals(new TrackStats.Layer("f", -1, -1, -1, 0, false), lf, "f is not sent");
        assertEquals(up.bitrate(), lq.bitrate() + lh.bitrate(), "the layers add up to the track");

        TrackStats.Forwarding fb = track(r, "b", "down").forwarding();
        assertEquals(new TrackStats.Forwarding("h", 1, "h", 1, 1, 0, false, null, 640, 360, true), fb,
                "b's 640x360 tile gets h, temporal layers 0-1; the first layer is no switch");
        assertTrue(track(r, "b", "down").layers().isEmpty());
        TrackStats.Forwarding fc = track(r, "c", "down").forwarding();
        assertEquals(new TrackStats.Forwarding(null, -1, null, -1, 3, 0, true, "hidden", 320, 180, false), fc,
                "c's hidden tile pauses the video");

        // b's tile shrinks: the allocator moves it to q, which it gets from q's next keyframe.
        db.setConstraints(new VideoConstraints(320, 180, true));
        h.manager.scheduler().allocate(h.manager.room("r"));
        q.send(false);
        mid.send(false);
        fb = track(stats.collect().room("r"), "b", "down").forwarding();
        assertEquals("h", fb.rid(), "still h until q's keyframe");
        assertEquals("q", fb.targetRid());
        assertEquals(0, fb.targetLayer());
        q.send(true);
        fb = track(stats.collect().room("r"), "b", "down").forwarding();
        assertEquals("q", fb.rid());
        assertEquals(0, fb.layer());
        assertEquals(1, fb.switches());

        // twcc (transport-wide feedback) comes first; this publisher sends no transport-wide seq.
        assertEquals("twcc", stats.latest().room("r").stages().get(0).name(), "the pipeline's first stage first");
        RoomStats.Stage resolve = stats.latest().room("r").stages().get(1);
        assertEquals("resolve", resolve.name());
        assertEquals(203, resolve.in());
        assertTrue(stats.latest().room("r").stages().stream().anyMatch(st -> st.name().equals("fanout")));
    }

    @Test
    void theRoomsDominantSpeakerOnceSomeoneSpeaks() throws Exception {
        Participant a = h.join("r", "a");
        Participant b = h.join("r", "b");
        publishAv(a, 1);
        publishAv(b, 2);
        assertNull(stats.collect().room("r").dominantSpeaker(), "nobody spoke yet");
        // a: half a second of silence (its noise floor), then speech (RFC 6464 level -20 dBov); b stays silent.
        for (int i = 0; i < 150; i++) {
            int level = i < 25 ? 127 : 20;
            for (int n = 1; n <= 2; n++) {
                Participant p = n == 1 ? a : b;
                byte[] pkt = rtp(OPUS, i, i * 960L, audioSsrc(n), new int[] {1}, OPUS_PAYLOAD);
                pkt[17] = (byte) (n == 1 ? level : 127); // The audio level byte: V=0, level.
                p.endpoint().onRtp(pkt, 0, pkt.length);
            }
            h.advance(20 * MS);
            if (i % 5 == 4) {
                h.manager.scheduler().tick();
            }
        }
        assertEquals("a", stats.collect().room("r").dominantSpeaker());
        assertFalse(stats.latest().room("r").participants().isEmpty());
    }
}
