package dev.sfu.signaling.admin;

import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.SignalingServer;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.session.UnwiredTransport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The signaling server on 127.0.0.1 with operator endpoints over {@link SyntheticRooms}. */
final class AdminServer implements AutoCloseable {
    final SyntheticRooms rooms = new SyntheticRooms();
    final Operators operators;
    final SfuRoomService signalingRooms;
    final SignalingServer server;
    /** The node id the endpoints report (the node label of /metrics). */
    static final String NODE = "test-node";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminServer(AdminConfig admin) throws InterruptedException {
        operators = Operators.start(rooms.manager, rooms.registry, admin);
        operators.cluster(NODE, null);
        ServerConfig config = ServerConfig.loopback(10000);
        // The signaling side gets its own media-less room layer; the endpoints observe SyntheticRooms.
        signalingRooms = new SfuRoomService(50, rooms.registry, UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        server = SignalingServer.start(config, signalingRooms, signalingRooms, operators);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Collects now instead of waiting for the next second (the test sees its own changes). */
    void collect() {
        operators.collector().collect();
    }

    @Override
    public void close() {
        server.close();
        signalingRooms.close();
        rooms.close();
    }
}
