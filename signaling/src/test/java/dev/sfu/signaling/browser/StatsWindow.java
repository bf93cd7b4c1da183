package dev.sfu.signaling.browser;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one browser's {@code getStats()} says happened between two reads: rates and deltas of each
 * received video and each sent simulcast layer. Totals (frames, packets, freezes) are cumulative
 * in the stats, so a window is the difference of two reads; the duration is the difference of the
 * reports' own timestamps.
 *
 * @see <a href="https://www.w3.org/TR/webrtc-stats/#inboundrtpstats-dict*">RTCInboundRtpStreamStats</a>
 */
final class StatsWindow {
    private StatsWindow() {
    }

    /** One remote participant's video as received over the window. */
    record InboundVideo(String from, double seconds, double fps, double kbps, int width, int height,
                        long packetsReceived, long packetsLost, long freezes, double frozenSeconds,
                        long nacks, long plis, long keyFrames) {
        /** Packets lost as a share of packets sent to us in the window, 0-100. */
        double lossPercent() {
            long sent = packetsReceived + Math.max(0, packetsLost);
            return sent == 0 ? 0.0 : 100.0 * Math.max(0, packetsLost) / sent;
        }

        @Override
        public String toString() {
            return String.format("from %s: %.1f fps, %.0f kbit/s, %dx%d, loss %.1f %% (%d lost / %d received), "
                            + "%d freezes %.2f s frozen, %d NACKs, %d PLIs, %d keyframes over %.1f s",
                    from, fps, kbps, width, height, lossPercent(), packetsLost, packetsReceived, freezes,
                    frozenSeconds, nacks, plis, keyFrames, seconds);
        }
    }

    /** One simulcast layer (rid) as sent over the window. */
    record OutboundLayer(String rid, double kbps, double fps, int width, int height, String limitation,
                         long nacks, long plis) {
        @Override
        public String toString() {
            return String.format("rid %s: %.0f kbit/s, %.1f fps, %dx%d, limited by %s, %d NACKs and %d PLIs received",
                    rid, kbps, fps, width, height, limitation, nacks, plis);
        }
    }

    /**
     * The video received from {@code participantId} between the two reads; the first read counts
     * as empty when it has no stream from that participant or a different SSRC (a recycled m-line).
     */
    static InboundVideo inbound(RtcStats before, RtcStats after, String participantId) {
        Map<String, Object> b = after.inbound(participantId, "video").orElse(Map.of());
        Map<String, Object> a = before.inbound(participantId, "video")
                .filter(x -> String.valueOf(x.get("ssrc")).equals(String.valueOf(b.get("ssrc"))))
                .orElse(Map.of());
        double seconds = a.isEmpty() ? 0 : seconds(a, b);
        return new InboundVideo(participantId, seconds,
                rate(a, b, "framesDecoded", seconds),
                rate(a, b, "bytesReceived", seconds) * 8 / 1000,
                (int) RtcStats.number(b, "frameWidth"), (int) RtcStats.number(b, "frameHeight"),
                (long) delta(a, b, "packetsReceived"), (long) delta(a, b, "packetsLost"),
                (long) delta(a, b, "freezeCount"), delta(a, b, "totalFreezesDuration"),
                (long) delta(a, b, "nackCount"), (long) delta(a, b, "pliCount"),
                (long) delta(a, b, "keyFramesDecoded"));
    }

    /** Every video layer sent between the two reads, by rid. */
    static List<OutboundLayer> outbound(RtcStats before, RtcStats after) {
        Map<String, Map<String, Object>> a = byRid(before);
        return byRid(after).entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Map<String, Object> x = a.getOrDefault(e.getKey(), Map.of());
            Map<String, Object> y = e.getValue();
            double seconds = x.isEmpty() ? 0 : seconds(x, y);
            return new OutboundLayer(e.getKey(), rate(x, y, "bytesSent", seconds) * 8 / 1000,
                    rate(x, y, "framesEncoded", seconds), (int) RtcStats.number(y, "frameWidth"),
                    (int) RtcStats.number(y, "frameHeight"), String.valueOf(y.get("qualityLimitationReason")),
                    (long) delta(x, y, "nackCount"), (long) delta(x, y, "pliCount"));
        }).collect(Collectors.toList());
    }

    /** The browser's own bandwidth estimates, from the selected candidate pair. */
    static String estimates(RtcStats s) {
        Object selected = s.ofType("transport").stream().map(t -> t.get("selectedCandidatePairId"))
                .filter(id -> id != null).findFirst().orElse(null);
        Optional<Map<String, Object>> pair = s.ofType("candidate-pair").stream()
                .filter(e -> e.get("id") != null && e.get("id").equals(selected))
                .findFirst();
        return pair.map(p -> String.format("available outgoing %.0f kbit/s, incoming %s, RTT %.0f ms",
                RtcStats.number(p, "availableOutgoingBitrate") / 1000,
                p.containsKey("availableIncomingBitrate")
                        ? String.format("%.0f kbit/s", RtcStats.number(p, "availableIncomingBitrate") / 1000) : "n/a",
                RtcStats.number(p, "currentRoundTripTime") * 1000)).orElse("no selected candidate pair");
    }

    private static Map<String, Map<String, Object>> byRid(RtcStats s) {
        return s.outbound("video").stream().collect(Collectors.toMap(
                e -> e.get("rid") == null ? "-" : String.valueOf(e.get("rid")), e -> e, (x, y) -> y));
    }

    private static double seconds(Map<String, Object> a, Map<String, Object> b) {
        return (RtcStats.number(b, "timestamp") - RtcStats.number(a, "timestamp")) / 1000.0;
    }

    private static double delta(Map<String, Object> a, Map<String, Object> b, String key) {
        return RtcStats.number(b, key) - RtcStats.number(a, key);
    }

    private static double rate(Map<String, Object> a, Map<String, Object> b, String key, double seconds) {
        return seconds <= 0 ? 0.0 : delta(a, b, key) / seconds;
    }
}
