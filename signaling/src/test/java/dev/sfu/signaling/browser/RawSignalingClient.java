package dev.sfu.signaling.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket client that sends arbitrary text to {@code /ws}, for protocol abuse tests. */
public final class RawSignalingClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private RawSignalingClient(URI uri) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new Listener()).join();
    }

    public static RawSignalingClient connect(URI uri) {
        return new RawSignalingClient(uri);
    }

    /** Sends one text message (one frame). */
    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next message the server sends, parsed; fails after {@code timeout}. */
    public JsonNode next(Duration timeout) {
        try {
            String text = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                throw new AssertionError("no message from the server within " + timeout.toMillis() + " ms"
                        + (closed.isDone() ? " (closed with " + closed.getNow(-1) + ")" : ""));
            }
            return JSON.readTree(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new AssertionError("the server sent something that is not JSON", e);
        }
    }

    /** Skips messages until one of {@code type} arrives. */
    public JsonNode awaitType(String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no '" + type + "' message within " + timeout.toMillis() + " ms");
            }
            JsonNode m = next(Duration.ofNanos(left));
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
    }

    /** True while the server has not closed the connection. */
    public boolean isOpen() {
        return !closed.isDone() && !socket.isInputClosed();
    }

    /** Waits for the server to close; returns the close status code. */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }
}
