package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.metrics.ParticipantStats;
import dev.sfu.core.metrics.ProcessStats;
import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.StatsSnapshot;
import dev.sfu.core.metrics.TrackStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus text exposition (format 0.0.4), parsed back line by line. */
class PrometheusFormatTest {
    /** A room name with every character the format must escape in a label value. */
    private static final String ODD = "we\"ird\\room\nname";

    private static StatsSnapshot snapshot() {
        // Alice publishes a simulcast video (f not sent) and audio; Bob receives h of it, after 2 switches.
        TrackStats aliceVideo = new TrackStats("v-p1", "video", "up", "p1", 0x5000, true, 630_000, 900, 0, 0, 1.0, -1,
                List.of(new TrackStats.Layer("q", 0x5000, 320, 180, 150_000, true),
                        new TrackStats.Layer("h", 0x5001, 640, 360, 480_000, true),
                        new TrackStats.Layer("f", -1, -1, -1, 0, false)), null);
        TrackStats aliceAudio = new TrackStats("a-p1", "audio", "up", "p1", 0x4000, true, 32_000, 100, 0, 0, 1.0, -1,
                List.of(), null);
        TrackStats bobVideo = new TrackStats("v-p1", "video", "down", "p1", 0x9000, true, 480_000, 500, 0, 0, 1.0, 40,
                List.of(), new TrackStats.Forwarding("h", 1, "h", 1, 3, 2, false, null, 640, 360, true));
        TrackStats bobAudio = new TrackStats("a-p1", "audio", "down", "p1", 0x9001, true, 32_000, 100, 0, 0, 1.0, 40,
                List.of(), null);
        ParticipantStats alice = new ParticipantStats("p1", "Alice", "connected", false, true, 1_200_000, 64_000,
                1000, 50, 0.02, 0.125, 3.5, 42.0, 4, 2, 1, 3, 7, List.of(aliceVideo, aliceAudio));
        ParticipantStats bob = new ParticipantStats("p2", "Bob", "connecting", false, false, 0, 0, 0, 0, 0, 0, 0, -1,
                0, 0, 0, 0, 0, List.of(bobVideo, bobAudio));
        // Carol receives Alice's video paused: her tile is hidden.
        TrackStats carolVideo = new TrackStats("v-p1", "video", "down", "p1", 0x9100, true, 0, 20, 0, 0, 0, -1,
                List.of(), new TrackStats.Forwarding(null, -1, null, -1, 1, 0, true, "hidden", 320, 180, false));
        ParticipantStats carol = new ParticipantStats("p3", "Carol", "connected", false, false, 0, 0, 0, 0, 0, 0, 0, -1,
                0, 0, 0, 0, 0, List.of(carolVideo));
        RoomStats abc = new RoomStats("abc", 3, 2, 1_264_000, 1_200_000, 120, 110, 5000, 4900, 600_000, 590_000,
                4, 3, 2, 9, Map.of("NO_KEYFRAME_YET", 12L),
                List.of(new RoomStats.Stage("resolve", 5003, 5000, 3), new RoomStats.Stage("fanout", 5000, 4988, 12)),
                "p1", List.of(alice, bob, carol));
        RoomStats odd = new RoomStats(ODD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), null, List.of());
        ProcessStats process = new ProcessStats(0.25, 0.5, 2, 100 << 20, 512 << 20, 60_000,
                List.of(new ProcessStats.GcStats("G1 Young Generation", 12, 340)));
        return new StatsSnapshot(1_700_000_000_000L, 2, 2, 2, 1_264_000, 1_200_000, 120, 110,
                Map.of("MALFORMED", 3L), process, List.of(abc, odd));
    }

    private static double value(Map<String, PrometheusParser.Family> f, String name, Map<String, String> labels) {
        for (PrometheusParser.Sample s : f.get(name).samples()) {
            if (s.labels().equals(labels)) {
                return s.value();
            }
        }
        throw new AssertionError("no " + name + labels);
    }

    @Test
    void everyFamilyHasOneHelpAndOneTypeBeforeItsSamples() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals("gauge", f.get("sfu_room_bitrate_bits_per_second").type());
        assertEquals("counter", f.get("sfu_room_packets_total").type());
        assertEquals("counter", f.get("sfu_drops_total").type());
        for (PrometheusParser.Family fam : f.values()) {
            assertTrue(fam.name().startsWith("sfu_"), fam.name());
            if (fam.type().equals("counter")) {
                assertTrue(fam.name().endsWith("_total"), "counters end in _total: " + fam.name());
            }
        }
    }

    @Test
    void everySampleCarriesTheNodeLabelFirstWhenANodeIsNamed() {
        String text = PrometheusFormat.write(snapshot(), true, null, "sfu-1");
        int samples = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            samples++;
            String name = line.substring(0, line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' '));
            assertTrue(line.startsWith(name + "{node=\"sfu-1\""), line);
        }
        assertTrue(samples > 50, "samples: " + samples);
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(text);
        assertEquals(1_264_000, value(f, "sfu_room_bitrate_bits_per_second",
                Map.of("node", "sfu-1", "room", "abc", "direction", "in")));
        assertEquals(1, value(f, "sfu_ready", Map.of("node", "sfu-1")));
    }

    @Test
    void eachRelaysCongestionControlEstimateIsAGaugeByFarNodeAndRoom() {
        dev.sfu.core.relay.RelayStats congested = new dev.sfu.core.relay.RelayStats("abc", "node-b", false, true, 2, 3,
                1000, 900_000, 4, 2, 1, 1, 10, 12, 800, 600_000, Map.of(), 640_000, 1_800_000, 1, 120, 118);
        dev.sfu.core.relay.RelayStats fresh = new dev.sfu.core.relay.RelayStats("xyz", "node-b", true, false, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), -1, 0, 0, 0, 0);
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(
                PrometheusFormat.write(snapshot(), true, null, "node-a", List.of(congested, fresh)));
        assertEquals("gauge", f.get("sfu_relay_estimate_bps").type());
        assertEquals(640_000, value(f, "sfu_relay_estimate_bps", Map.of("node", "node-a", "peer", "node-b", "room", "abc")));
        assertEquals(1, f.get("sfu_relay_estimate_bps").samples().size(), "a relay without an estimate yet has no sample");
        assertEquals(1_800_000, value(f, "sfu_relay_needed_bps", Map.of("node", "node-a", "peer", "node-b", "room", "abc")));
        assertEquals(1, value(f, "sfu_relay_layers_held_back", Map.of("node", "node-a", "peer", "node-b", "room", "abc")));
        assertEquals(0, value(f, "sfu_relay_layers_held_back", Map.of("node", "node-a", "peer", "node-b", "room", "xyz")));
    }

    @Test
    void perRoomSeriesCarryARoomLabel() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals(1_264_000, value(f, "sfu_room_bitrate_bits_per_second", Map.of("room", "abc", "direction", "in")));
        assertEquals(1_200_000, value(f, "sfu_room_bitrate_bits_per_second", Map.of("room", "abc", "direction", "out")));
        assertEquals(3, value(f, "sfu_room_participants", Map.of("room", "abc")));
        assertEquals(12, value(f, "sfu_room_drops_total", Map.of("room", "abc", "reason", "NO_KEYFRAME_YET")));
        for (String name : new String[] {"sfu_room_participants", "sfu_room_tracks", "sfu_room_bitrate_bits_per_second",
                "sfu_room_packets_total", "sfu_room_keyframes_total"}) {
            for (PrometheusParser.Sample s : f.get(name).samples()) {
                assertTrue(s.labels().containsKey("room"), name + " has a room label");
            }
        }
    }

    @Test
    void perParticipantSeriesCarryRoomAndParticipantLabels() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals(1_200_000, value(f, "sfu_participant_bitrate_bits_per_second",
                Map.of("room", "abc", "participant", "p1", "direction", "up")));
        assertEquals(0.125, value(f, "sfu_participant_loss_ratio", Map.of("room", "abc", "participant", "p1", "direction", "down")));
        assertEquals(0.042, value(f, "sfu_participant_rtt_seconds", Map.of("room", "abc", "participant", "p1")), 1e-12);
        assertEquals(1, f.get("sfu_participant_rtt_seconds").samples().size(), "an unknown RTT is left out, not -1");
        assertEquals(0, value(f, "sfu_participant_connected", Map.of("room", "abc", "participant", "p2")));
        assertEquals(1, value(f, "sfu_participant_connected", Map.of("room", "abc", "participant", "p1")));
    }

    @Test
    void layerSeriesPerPublishedLayerAndPerReceivedVideo() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals("gauge", f.get("sfu_layer_bitrate_bits_per_second").type());
        assertEquals(150_000, value(f, "sfu_layer_bitrate_bits_per_second",
                Map.of("room", "abc", "participant", "p1", "track", "v-p1", "rid", "q")));
        assertEquals(480_000, value(f, "sfu_layer_bitrate_bits_per_second",
                Map.of("room", "abc", "participant", "p1", "track", "v-p1", "rid", "h")));
        assertEquals(3, f.get("sfu_layer_bitrate_bits_per_second").samples().size(), "three layers; audio has none");
        assertEquals(0, value(f, "sfu_layer_live", Map.of("room", "abc", "participant", "p1", "track", "v-p1", "rid", "f")));
        assertEquals(1, value(f, "sfu_layer_live", Map.of("room", "abc", "participant", "p1", "track", "v-p1", "rid", "q")));

        Map<String, String> bob = Map.of("room", "abc", "participant", "p2", "publisher", "p1", "track", "v-p1");
        Map<String, String> carol = Map.of("room", "abc", "participant", "p3", "publisher", "p1", "track", "v-p1");
        assertEquals("counter", f.get("sfu_down_layer_switches_total").type());
        assertEquals(2, value(f, "sfu_down_layer_switches_total", bob));
        assertEquals(1, value(f, "sfu_down_spatial_layer", bob));
        assertEquals(-1, value(f, "sfu_down_spatial_layer", carol));
        assertEquals(3, value(f, "sfu_down_temporal_layer_max", bob));
        assertEquals(1, value(f, "sfu_down_temporal_layer_max", carol));
        assertEquals(0, value(f, "sfu_down_paused", bob));
        assertEquals(1, value(f, "sfu_down_paused", carol));
        assertEquals(2, f.get("sfu_down_paused").samples().size(), "received videos only, not audio");
    }

    @Test
    void stagePacketsPerRoomStageAndDirection() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals("counter", f.get("sfu_stage_packets_total").type());
        assertEquals(5003, value(f, "sfu_stage_packets_total", Map.of("room", "abc", "stage", "resolve", "direction", "in")));
        assertEquals(3, value(f, "sfu_stage_packets_total", Map.of("room", "abc", "stage", "resolve", "direction", "dropped")));
        assertEquals(4988, value(f, "sfu_stage_packets_total", Map.of("room", "abc", "stage", "fanout", "direction", "out")));
        assertEquals(6, f.get("sfu_stage_packets_total").samples().size());
    }

    @Test
    void labelValuesEscapeQuoteBackslashAndNewline() {
        String text = PrometheusFormat.write(snapshot(), true);
        assertTrue(text.contains("sfu_room_participants{room=\"we\\\"ird\\\\room\\nname\"} 0\n"), text);
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(text);
        assertEquals(0, value(f, "sfu_room_participants", Map.of("room", ODD)), "the parsed label is the original name");
    }

    @Test
    void serverSeriesCpuHeapGcDropsAndReadiness() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), false));
        assertEquals(0, value(f, "sfu_ready", Map.of()));
        assertEquals(2, value(f, "sfu_rooms", Map.of()));
        assertEquals(0.25, value(f, "sfu_process_cpu_ratio", Map.of()));
        assertEquals(100 << 20, value(f, "sfu_jvm_heap_used_bytes", Map.of()));
        assertEquals(0.34, value(f, "sfu_jvm_gc_pause_seconds_total", Map.of("gc", "G1 Young Generation")), 1e-12);
        assertEquals(3, value(f, "sfu_drops_total", Map.of("reason", "MALFORMED")));
        assertEquals(110, value(f, "sfu_packets_per_second", Map.of("direction", "out")));
    }

    @Test
    void numbersAndHelpEscaping() {
        assertEquals("1200000", PrometheusFormat.number(1_200_000));
        assertEquals("0.5", PrometheusFormat.number(0.5));
        assertEquals("NaN", PrometheusFormat.number(Double.NaN));
        assertEquals("+Inf", PrometheusFormat.number(Double.POSITIVE_INFINITY));
        assertEquals("a\\\\b\\nc", PrometheusFormat.escapeHelp("a\\b\nc"));
        assertFalse(PrometheusFormat.escapeLabel("x\"y").contains("x\"y"));
    }
}
