package dev.sfu.core.metrics;

import java.util.List;
import java.util.Map;

/**
 * What the server carries at one instant, built once per second by {@link StatsCollector} and
 * read by the REST API, the dashboard push and the Prometheus endpoint. Rates are over the last
 * complete second; totals count since start (rooms: since the room was created).
 *
 * @param timestampMillis  wall-clock time of the collection
 * @param roomCount        rooms open now
 * @param participantCount participants in all rooms
 * @param trackCount       tracks published in all rooms
 * @param bitrateIn        bits/s received from publishers, all rooms
 * @param bitrateOut       bits/s sent to subscribers, all rooms
 * @param packetRateIn     RTP packets/s received, all rooms
 * @param packetRateOut    RTP packets/s sent, all rooms
 * @param drops            packets dropped since start, by reason (registry counters {@code drops.*});
 *                         the media transports' drops are keyed {@code transport.<REASON>}
 * @param process          CPU, heap and GC of this JVM
 * @param rooms            every room, highest {@code bitrateIn + bitrateOut} first
 */
public record StatsSnapshot(long timestampMillis, int roomCount, int participantCount, int trackCount,
                            long bitrateIn, long bitrateOut, long packetRateIn, long packetRateOut,
                            Map<String, Long> drops, ProcessStats process, List<RoomStats> rooms) {
    public StatsSnapshot {
        drops = Map.copyOf(drops);
        rooms = List.copyOf(rooms);
    }

    /** The room with this id, or null. */
    public RoomStats room(String id) {
        for (RoomStats r : rooms) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
