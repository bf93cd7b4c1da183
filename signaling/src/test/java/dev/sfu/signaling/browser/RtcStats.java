package dev.sfu.signaling.browser;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One {@code RTCPeerConnection.getStats()} report as read by {@link BrowserSession#stats()}.
 * Each {@code inbound-rtp} entry carries an extra {@code participantId}: the publisher of the
 * m-line ({@code mid}) it arrived on, as the page learned it from the SDP's msid.
 *
 * @see <a href="https://www.w3.org/TR/webrtc-stats/">Identifiers for WebRTC's Statistics API</a>
 */
public final class RtcStats {
    private final List<Map<String, Object>> entries;

    public RtcStats(List<Map<String, Object>> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Map<String, Object>> all() {
        return entries;
    }

    public List<Map<String, Object>> ofType(String type) {
        return entries.stream().filter(e -> type.equals(e.get("type"))).collect(Collectors.toList());
    }

    /** The {@code outbound-rtp} streams of one kind ("audio" or "video"). */
    public List<Map<String, Object>> outbound(String kind) {
        return ofType("outbound-rtp").stream().filter(e -> kind.equals(e.get("kind"))).collect(Collectors.toList());
    }

    /**
     * The m-lines ({@code mid}) the {@code outbound-rtp} streams of one kind belong to: one mid is
     * one published track, however many simulcast encodings (one stream each) it has.
     */
    public Set<String> outboundMids(String kind) {
        return outbound(kind).stream().map(e -> String.valueOf(e.get("mid"))).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The {@code inbound-rtp} streams of one kind ("audio" or "video"). */
    public List<Map<String, Object>> inbound(String kind) {
        return ofType("inbound-rtp").stream().filter(e -> kind.equals(e.get("kind"))).collect(Collectors.toList());
    }

    /**
     * The inbound stream of each remote participant for one kind. Where a recycled m-line left
     * several entries for one participant, the one that received a packet last wins.
     */
    public Map<String, Map<String, Object>> inboundByParticipant(String kind) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        inbound(kind).stream()
                .filter(e -> e.get("participantId") instanceof String)
                .sorted(Comparator.comparingDouble(e -> number(e, "lastPacketReceivedTimestamp")))
                .forEach(e -> out.put((String) e.get("participantId"), e));
        return out;
    }

    public Optional<Map<String, Object>> inbound(String participantId, String kind) {
        return Optional.ofNullable(inboundByParticipant(kind).get(participantId));
    }

    /** Video frames decoded from one participant, 0 when nothing arrived yet. */
    public long framesDecoded(String participantId) {
        return inbound(participantId, "video").map(e -> (long) number(e, "framesDecoded")).orElse(0L);
    }

    /** Audio energy received from one participant (sum of squared levels times duration). */
    public double totalAudioEnergy(String participantId) {
        return inbound(participantId, "audio").map(e -> number(e, "totalAudioEnergy")).orElse(0.0);
    }

    public long packetsReceived(String participantId, String kind) {
        return inbound(participantId, kind).map(e -> (long) number(e, "packetsReceived")).orElse(0L);
    }

    public long packetsLost(String participantId, String kind) {
        return inbound(participantId, kind).map(e -> (long) number(e, "packetsLost")).orElse(0L);
    }

    /**
     * The candidate pair the transport uses now ({@code transport.selectedCandidatePairId}), with
     * its local and remote candidates' entries under {@code "local"} and {@code "remote"}; empty
     * before ICE selected one.
     */
    public Optional<Map<String, Object>> selectedCandidatePair() {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        entries.forEach(e -> byId.put(String.valueOf(e.get("id")), e));
        return ofType("transport").stream()
                .map(t -> byId.get(String.valueOf(t.get("selectedCandidatePairId"))))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .map(pair -> {
                    Map<String, Object> out = new LinkedHashMap<>(pair);
                    out.put("local", byId.get(String.valueOf(pair.get("localCandidateId"))));
                    out.put("remote", byId.get(String.valueOf(pair.get("remoteCandidateId"))));
                    return out;
                });
    }

    /** The {@code candidateType} (host, srflx, prflx, relay) of the selected pair's local candidate, or "none". */
    @SuppressWarnings("unchecked")
    public String selectedLocalCandidateType() {
        return selectedCandidatePair().map(p -> (Map<String, Object>) p.get("local"))
                .map(l -> String.valueOf(l.get("candidateType"))).orElse("none");
    }

    /** Bytes sent on all outbound streams of one kind. */
    public long bytesSent(String kind) {
        return outbound(kind).stream().mapToLong(e -> (long) number(e, "bytesSent")).sum();
    }

    /** A numeric field, or 0 when absent. JSON numbers come back from WebDriver as Long or Double. */
    public static double number(Map<String, Object> entry, String key) {
        Object v = entry.get(key);
        return v instanceof Number ? ((Number) v).doubleValue() : 0.0;
    }

    @Override
    public String toString() {
        return "RtcStats" + entries.stream()
                .filter(e -> String.valueOf(e.get("type")).endsWith("-rtp"))
                .map(e -> e.get("type") + "/" + e.get("kind") + "/" + e.get("participantId")
                        + " packets=" + (e.containsKey("packetsReceived") ? e.get("packetsReceived") : e.get("packetsSent"))
                        + " frames=" + e.get("framesDecoded") + " energy=" + e.get("totalAudioEnergy"))
                .collect(Collectors.toList());
    }
}
