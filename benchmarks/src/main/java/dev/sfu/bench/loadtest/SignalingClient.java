package dev.sfu.bench.loadtest;

import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.MessageCodec;
import dev.sfu.signaling.message.SignalingException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A synthetic participant's signaling WebSocket ({@code java.net.http}), speaking the JSON
 * messages of {@link Message} through {@link MessageCodec}. Messages arrive one at a time on
 * the client's listener thread; sends are chained so only one is outstanding, as
 * {@link WebSocket#sendText} requires. A message of a type this build does not know (a newer
 * server) is skipped and counted, not treated as an error.
 */
public final class SignalingClient {
    /** What the owner is told. Calls for one client are never concurrent. */
    public interface Handler {
        void onMessage(Message m);

        /** The server closed the WebSocket, or it failed; called at most once. */
        void onClosed(int statusCode, String reason, Throwable error);
    }

    private final Handler handler;
    private volatile WebSocket socket;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private volatile boolean closedLocally;
    private volatile boolean closedReported;
    private volatile long unknownTypes;

    private SignalingClient(Handler handler) {
        this.handler = handler;
    }

    /** Opens the WebSocket; the future fails when the server cannot be reached. */
    public static CompletableFuture<SignalingClient> connect(HttpClient http, URI uri, Duration timeout,
                                                             Handler handler) {
        SignalingClient c = new SignalingClient(handler);
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, c.new Listener())
                .thenApply(ws -> {
                    c.socket = ws;
                    return c;
                });
    }

    /** Sends one message after those sent before it. */
    public synchronized void send(Message m) {
        WebSocket ws = socket;
        if (ws == null || closedLocally) {
            return;
        }
        String json = MessageCodec.encode(m);
        sendChain = sendChain.handle((r, e) -> null).thenCompose(x -> ws.sendText(json, true));
    }

    /** Sends a normal close after pending messages and stops reporting. */
    public synchronized void close() {
        if (closedLocally) {
            return;
        }
        closedLocally = true;
        WebSocket ws = socket;
        if (ws != null) {
            sendChain = sendChain.handle((r, e) -> null)
                    .thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                    .whenComplete((r, e) -> ws.abort());
        }
    }

    /** Server messages skipped because their type is unknown to this build. */
    public long unknownTypes() {
        return unknownTypes;
    }

    /**
     * Reads one server message: null for a type this build does not know (to be skipped), an
     * error message naming the problem for anything else that does not decode.
     */
    static Message read(String json) {
        try {
            return MessageCodec.decode(json);
        } catch (SignalingException e) {
            return e.code() == ErrorCode.UNKNOWN_TYPE ? null : new Message.Error("CLIENT_DECODE",
                    "the load tester could not read a server message: " + e.getMessage());
        }
    }

    private void reportClosed(int code, String reason, Throwable error) {
        if (closedReported || closedLocally) {
            return;
        }
        closedReported = true;
        handler.onClosed(code, reason, error);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String json = text.toString();
                text.setLength(0);
                Message m = read(json);
                if (m == null) {
                    unknownTypes++;
                } else if (!closedLocally) {
                    handler.onMessage(m);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            reportClosed(statusCode, reason, null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            reportClosed(-1, String.valueOf(error.getMessage()), error);
        }
    }
}
