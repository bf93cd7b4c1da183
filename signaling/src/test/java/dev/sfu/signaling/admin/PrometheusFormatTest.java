package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.metrics.ParticipantStats;
import dev.sfu.core.metrics.ProcessStats;
import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.StatsSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus text exposition (format 0.0.4), parsed back line by line. */
class PrometheusFormatTest {
    /** A room name with every character the format must escape in a label value. */
    private static final String ODD = "we\"ird\\room\nname";

    private static StatsSnapshot snapshot() {
        ParticipantStats alice = new ParticipantStats("p1", "Alice", "connected", false, true, 1_200_000, 64_000,
                1000, 50, 0.02, 0.125, 3.5, 42.0, 4, 2, 1, 3, 7, List.of());
        ParticipantStats bob = new ParticipantStats("p2", "Bob", "connecting", false, false, 0, 0, 0, 0, 0, 0, 0, -1,
                0, 0, 0, 0, 0, List.of());
        RoomStats abc = new RoomStats("abc", 2, 2, 1_264_000, 1_200_000, 120, 110, 5000, 4900, 600_000, 590_000,
                4, 3, 2, 9, Map.of("NO_KEYFRAME_YET", 12L), List.of(alice, bob));
        RoomStats odd = new RoomStats(ODD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of());
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
    void perRoomSeriesCarryARoomLabel() {
        Map<String, PrometheusParser.Family> f = PrometheusParser.parse(PrometheusFormat.write(snapshot(), true));
        assertEquals(1_264_000, value(f, "sfu_room_bitrate_bits_per_second", Map.of("room", "abc", "direction", "in")));
        assertEquals(1_200_000, value(f, "sfu_room_bitrate_bits_per_second", Map.of("room", "abc", "direction", "out")));
        assertEquals(2, value(f, "sfu_room_participants", Map.of("room", "abc")));
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
