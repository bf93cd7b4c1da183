package dev.sfu.signaling.admin;

import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.StatsSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the REST API and the dashboard stream (records serialized by Jackson). */
final class Views {
    private Views() {
    }

    /** One room in {@code GET /api/rooms} and in each stream event. Bitrates in bits/s. */
    record RoomSummary(String id, int participants, int tracks, long bitrateIn, long bitrateOut,
                       long packetRateIn, long packetRateOut) {
        static RoomSummary of(RoomStats r) {
            return new RoomSummary(r.id(), r.participantCount(), r.trackCount(), r.bitrateIn(), r.bitrateOut(),
                    r.packetRateIn(), r.packetRateOut());
        }
    }

    /** The server line of a stream event. CPU loads are 0-1 (-1 unknown). */
    record ServerSummary(boolean ready, int rooms, int participants, int tracks, long bitrateIn, long bitrateOut,
                         long packetRateIn, long packetRateOut, double processCpu, double systemCpu,
                         long heapUsedBytes, long heapMaxBytes, Map<String, Long> drops) {
        static ServerSummary of(StatsSnapshot s, boolean ready) {
            return new ServerSummary(ready, s.roomCount(), s.participantCount(), s.trackCount(), s.bitrateIn(),
                    s.bitrateOut(), s.packetRateIn(), s.packetRateOut(), s.process().processCpuLoad(),
                    s.process().systemCpuLoad(), s.process().heapUsedBytes(), s.process().heapMaxBytes(), s.drops());
        }
    }

    /** {@code GET /api/rooms}: every room, busiest first. */
    record RoomList(long timestamp, List<RoomSummary> rooms) {
        static RoomList of(StatsSnapshot s) {
            return new RoomList(s.timestampMillis(), summaries(s));
        }
    }

    /**
     * One stream event ({@code event: snapshot}): the server, every room, and with
     * {@code ?room=ID} that room's participants ({@code room} is null when it does not exist).
     */
    record StreamEvent(long t, ServerSummary server, List<RoomSummary> rooms, RoomStats room) {
    }

    /** One point of the history sent when a stream opens: room id to [bits/s in, bits/s out]. */
    record HistoryPoint(long t, Map<String, long[]> rooms) {
        static HistoryPoint of(StatsSnapshot s) {
            Map<String, long[]> m = new LinkedHashMap<>();
            for (RoomStats r : s.rooms()) {
                m.put(r.id(), new long[] {r.bitrateIn(), r.bitrateOut()});
            }
            return new HistoryPoint(s.timestampMillis(), m);
        }
    }

    /** The error body: {@code {"error":{"code":"ROOM_NOT_FOUND","message":"..."}}}. */
    record ErrorBody(Detail error) {
        record Detail(String code, String message) {
        }

        static ErrorBody of(String code, String message) {
            return new ErrorBody(new Detail(code, message));
        }
    }

    /** {@code /health} and {@code /ready}. */
    record Status(String status) {
    }

    static List<RoomSummary> summaries(StatsSnapshot s) {
        List<RoomSummary> out = new ArrayList<>(s.rooms().size());
        for (RoomStats r : s.rooms()) {
            out.add(RoomSummary.of(r));
        }
        return out;
    }
}
