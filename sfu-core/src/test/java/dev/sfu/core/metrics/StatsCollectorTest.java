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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.RoomHarness;
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
}
