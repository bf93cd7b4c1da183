package dev.sfu.signaling.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client for tests: sends JSON, queues what the server sends. */
final class WsClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;

    WsClient(int port) throws Exception {
        this(URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    /** A client of another WebSocket URL, e.g. with {@code ?token=}. */
    WsClient(URI uri) throws Exception {
        StringBuilder partial = new StringBuilder();
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                received.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    void send(String json) throws Exception {
        ws.sendText(json, true).get(5, TimeUnit.SECONDS);
    }

    void send(Object... keyValues) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        send(JSON.writeValueAsString(o));
    }

    /** The next message, failing after 5 s. */
    JsonNode next() throws InterruptedException {
        JsonNode n = received.poll(5, TimeUnit.SECONDS);
        if (n == null) {
            throw new AssertionError("no message within 5 s");
        }
        return n;
    }

    /** The next message of a type, skipping others; fails after 5 s. */
    JsonNode next(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(100, TimeUnit.MILLISECONDS);
            if (n != null && n.path("type").asText().equals(type)) {
                return n;
            }
            if (n != null && n.path("type").asText().equals("error")) {
                throw new AssertionError("expected '" + type + "', got " + n);
            }
        }
        throw new AssertionError("no '" + type + "' message within 5 s");
    }

    /** The next message of one of these types, skipping others; fails after 5 s. */
    JsonNode nextOf(String... types) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            JsonNode n = received.poll(100, TimeUnit.MILLISECONDS);
            if (n != null && java.util.List.of(types).contains(n.path("type").asText())) {
                return n;
            }
            if (n != null && n.path("type").asText().equals("error")) {
                throw new AssertionError("expected one of " + java.util.List.of(types) + ", got " + n);
            }
        }
        throw new AssertionError("none of " + java.util.List.of(types) + " within 5 s");
    }

    /** Sends ping and expects pong as the next message: the connection is alive and in order. */
    void assertAlive() throws Exception {
        send("{\"type\":\"ping\"}");
        JsonNode n = next();
        if (!n.path("type").asText().equals("pong")) {
            throw new AssertionError("expected pong, got " + n);
        }
    }

    @Override
    public void close() {
        ws.abort();
    }
}
