package dev.sfu.signaling.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.core.metrics.StatsSnapshot;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard push: Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * on {@code GET /api/stream}. A new client gets {@code event: history} (the last five minutes,
 * one point per second), then one {@code event: snapshot} per second.
 *
 * <p>Publishing never blocks: each event is serialized once and handed to every client's event
 * loop. A client may have at most {@link #MAX_PENDING} events not yet written to its socket, and
 * its channel must stay writable; a client that falls behind is closed and forgotten (its browser
 * reconnects and gets the history again).
 */
final class SseHub {
    private static final Logger LOG = LoggerFactory.getLogger(SseHub.class);
    /** Events queued per client before it counts as too slow. */
    static final int MAX_PENDING = 4;
    /** Seconds of history kept for new clients. */
    static final int HISTORY_SECONDS = 300;

    private final ObjectMapper json;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<Views.HistoryPoint> history = new ArrayDeque<>();
    private final AtomicInteger dropped = new AtomicInteger();

    private record Client(Channel channel, String room, AtomicInteger pending) {
    }

    SseHub(ObjectMapper json) {
        this.json = json;
    }

    /** The history event for a new client (called on its event loop). */
    byte[] historyEvent() {
        List<Views.HistoryPoint> points;
        synchronized (history) {
            points = new ArrayList<>(history);
        }
        return event("history", points);
    }

    /** Registers a client whose response headers and history were written. */
    void add(Channel channel, String room) {
        Client c = new Client(channel, room, new AtomicInteger());
        clients.add(c);
        channel.closeFuture().addListener(f -> clients.remove(c));
    }

    int clientCount() {
        return clients.size();
    }

    /** Clients closed for being too slow, since start. */
    int droppedCount() {
        return dropped.get();
    }

    /** Sends one snapshot to every client (the collector's thread; never blocks). */
    void publish(StatsSnapshot s, boolean ready) {
        Views.HistoryPoint point = Views.HistoryPoint.of(s);
        synchronized (history) {
            history.addLast(point);
            while (history.size() > HISTORY_SECONDS) {
                history.removeFirst();
            }
        }
        if (clients.isEmpty()) {
            return;
        }
        Views.ServerSummary server = Views.ServerSummary.of(s, ready);
        List<Views.RoomSummary> rooms = Views.summaries(s);
        Map<String, byte[]> byRoom = new HashMap<>();
        for (Client c : clients) {
            String key = c.room() == null ? "" : c.room();
            byte[] bytes = byRoom.computeIfAbsent(key, k -> event("snapshot",
                    new Views.StreamEvent(s.timestampMillis(), server, rooms, k.isEmpty() ? null : s.room(k))));
            send(c, bytes);
        }
    }

    private void send(Client c, byte[] bytes) {
        Channel ch = c.channel();
        if (!ch.isActive()) {
            clients.remove(c);
            return;
        }
        if (c.pending().incrementAndGet() > MAX_PENDING || !ch.isWritable()) {
            clients.remove(c);
            dropped.incrementAndGet();
            LOG.info("dashboard stream to {} closed: the client is not reading fast enough", ch.remoteAddress());
            ch.close();
            return;
        }
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(f -> {
            c.pending().decrementAndGet();
            if (!f.isSuccess()) {
                clients.remove(c);
                ch.close();
            }
        });
    }

    /** Closes every stream (server shutdown). */
    void closeAll() {
        for (Client c : clients) {
            c.channel().close();
        }
        clients.clear();
    }

    private byte[] event(String name, Object data) {
        try {
            String body = "event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n";
            return body.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the " + name + " event", e);
        }
    }
}
