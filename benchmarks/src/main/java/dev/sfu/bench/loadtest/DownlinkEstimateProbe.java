package dev.sfu.bench.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's downlink estimate for each capped subscriber, read once a second over the
 * measured window from the admin API ({@code GET /api/rooms/ROOM}, its {@code participants}):
 * the participant's {@code downlink.estimateBps}, in bits/s. A server that publishes no
 * such field, or a negative one (unknown), leaves the subscriber without an estimate, and the
 * report prints '-'. Used by the run's thread; a read that fails is skipped.
 */
final class DownlinkEstimateProbe {
    /** The participant's object holding the estimate, and its field, in bits/s. */
    static final String OBJECT = "downlink";
    static final String FIELD = "estimateBps";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI server;
    private final Set<String> rooms;
    /** By server participant id: [sum, count, last] of its estimates in bits/s. */
    private final Map<String, double[]> byParticipant = new HashMap<>();
    private volatile boolean seen;

    DownlinkEstimateProbe(HttpClient http, URI server, Set<String> rooms) {
        this.http = http;
        this.server = server;
        this.rooms = rooms;
    }

    /** Reads every room once. */
    void sample() {
        for (String room : rooms) {
            try {
                URI u = server.resolve("/api/rooms/" + room);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofMillis(800)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    onRoom(JSON.readTree(r.body()));
                }
            } catch (java.io.IOException e) {
                // The next second's read may work; the report says how many values it had.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Takes the estimates of one room's JSON ({@code RoomStats}). */
    void onRoom(JsonNode room) {
        JsonNode ps = room.path("participants");
        for (JsonNode p : ps) {
            String id = p.path("id").asText(null);
            if (id == null) {
                continue;
            }
            JsonNode v = p.path(OBJECT).get(FIELD);
            if (v != null && v.isNumber()) {
                seen = true;
                double bps = v.asDouble();
                if (bps >= 0) {
                    double[] a = byParticipant.computeIfAbsent(id, k -> new double[3]);
                    a[0] += bps;
                    a[1]++;
                    a[2] = bps;
                }
            }
        }
    }

    /** True once the server showed an estimate field at all (even an unknown one). */
    boolean serverPublishesEstimates() {
        return seen;
    }

    /** The last estimate read for the participant with server id {@code id}, bits/s; null when none. */
    Double last(String id) {
        double[] a = id == null ? null : byParticipant.get(id);
        return a == null ? null : a[2];
    }

    /** The mean of the estimates read for {@code id}, bits/s; null when none. */
    Double mean(String id) {
        double[] a = id == null ? null : byParticipant.get(id);
        return a == null ? null : a[0] / a[1];
    }
}
