package dev.sfu.signaling.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sfu.core.relay.RelayMessage;
import dev.sfu.core.relay.RelaySignals;
import dev.sfu.signaling.room.ChatMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@link RelaySignals} over Redis pub/sub: each node subscribes to its own channel
 * {@code sfu:relay:NODE}, and a message to a node is published there as JSON
 * ({@code {"type":"Offer","message":{...}}}). One publishing connection keeps the order of what
 * this node sends, and Redis delivers a channel's messages in the order published, so messages
 * from one node to another arrive in order. Received messages are handed to the handler on one
 * thread of this class's, through a bounded queue (a message beyond it is dropped and counted).
 * <p>
 * Pub/sub is fire and forget: a message published while the receiving node is not subscribed
 * (it is restarting, or Redis was unreachable) is lost; a relay that never completes is closed
 * by its consent timeout and set up again by the next join.
 */
public final class RedisRelaySignals implements RelaySignals, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRelaySignals.class);
    static final String CHANNEL_PREFIX = "sfu:relay:";
    /** Chat of rooms that span nodes, to node ID: {@code {"room":"R","message":{ChatMessage}}}. */
    static final String CHAT_PREFIX = "sfu:chat:";
    private static final int QUEUE = 4096;
    private static final Map<String, Class<? extends RelayMessage>> TYPES = Map.of(
            "Offer", RelayMessage.Offer.class,
            "Answer", RelayMessage.Answer.class,
            "Publisher", RelayMessage.Publisher.class,
            "LayersNeeded", RelayMessage.LayersNeeded.class,
            "PublisherLeft", RelayMessage.PublisherLeft.class,
            "Close", RelayMessage.Close.class);

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final StatefulRedisConnection<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final Map<String, Consumer<RelayMessage>> handlers = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.BiConsumer<String, ChatMessage>> chatHandlers = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "relay-signals");
                t.setDaemon(true);
                return t;
            });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    private RedisRelaySignals(StatefulRedisConnection<String, String> publisher,
                              StatefulRedisPubSubConnection<String, String> subscriber) {
        this.publisher = publisher;
        this.subscriber = subscriber;
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                receive(channel, message);
            }
        });
    }

    /** Opens the two connections (blocking, at start); throws when Redis cannot be reached. */
    static RedisRelaySignals connect(RedisClient client) {
        StatefulRedisConnection<String, String> pub = client.connect();
        try {
            return new RedisRelaySignals(pub, client.connectPubSub());
        } catch (RuntimeException e) {
            pub.close();
            throw e;
        }
    }

    static String channel(String node) {
        return CHANNEL_PREFIX + node;
    }

    @Override
    public void send(String toNode, RelayMessage message) {
        String text;
        try {
            text = encode(message);
        } catch (Exception e) {
            dropped.incrementAndGet();
            LOG.warn("relay message to {} could not be written as JSON, dropped: {}", toNode, message, e);
            return;
        }
        try {
            publisher.async().publish(channel(toNode), text).whenComplete((receivers, err) -> {
                if (err != null) {
                    dropped.incrementAndGet();
                    LOG.warn("relay message to {} not published ({}): {}", toNode, err.toString(),
                            message.getClass().getSimpleName());
                } else if (receivers == 0) {
                    dropped.incrementAndGet();
                    LOG.warn("relay message to node {} dropped: no such node listens ({} for room {})", toNode,
                            message.getClass().getSimpleName(), message.roomId());
                } else {
                    sent.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            LOG.warn("relay message to {} not published ({})", toNode, e.toString());
        }
    }

    @Override
    public AutoCloseable register(String nodeId, Consumer<RelayMessage> handler) {
        if (handlers.putIfAbsent(channel(nodeId), handler) != null) {
            throw new IllegalStateException("node " + nodeId + " is already registered");
        }
        // Subscribed before this returns, so that an offer answered right away is not missed.
        subscriber.sync().subscribe(channel(nodeId));
        return () -> {
            if (handlers.remove(channel(nodeId), handler) && subscriber.isOpen()) {
                subscriber.async().unsubscribe(channel(nodeId));
            }
        };
    }

    /** Sends a chat message of {@code roomId} to node {@code toNode} (fire and forget, like relay messages). */
    public void sendChat(String toNode, String roomId, ChatMessage m) {
        try {
            ObjectNode o = json.createObjectNode();
            o.put("room", roomId);
            o.set("message", json.valueToTree(m));
            publisher.async().publish(CHAT_PREFIX + toNode, json.writeValueAsString(o)).whenComplete((n, err) -> {
                if (err != null || n == 0) {
                    dropped.incrementAndGet();
                    LOG.debug("chat of room {} to node {} not delivered: {}", roomId, toNode,
                            err != null ? err.toString() : "nobody listens");
                }
            });
        } catch (Exception e) {
            dropped.incrementAndGet();
            LOG.warn("chat of room {} to node {} not sent: {}", roomId, toNode, e.toString());
        }
    }

    /** Delivers the chat messages sent to {@code nodeId} to {@code handler} (room id, message). */
    public AutoCloseable registerChat(String nodeId, java.util.function.BiConsumer<String, ChatMessage> handler) {
        if (chatHandlers.putIfAbsent(CHAT_PREFIX + nodeId, handler) != null) {
            throw new IllegalStateException("node " + nodeId + " already listens for chat");
        }
        subscriber.sync().subscribe(CHAT_PREFIX + nodeId);
        return () -> {
            if (chatHandlers.remove(CHAT_PREFIX + nodeId, handler) && subscriber.isOpen()) {
                subscriber.async().unsubscribe(CHAT_PREFIX + nodeId);
            }
        };
    }

    private void receiveChat(java.util.function.BiConsumer<String, ChatMessage> h, String channel, String text) {
        try {
            delivery.execute(() -> {
                try {
                    JsonNode o = json.readTree(text);
                    h.accept(o.path("room").asText(), json.treeToValue(o.get("message"), ChatMessage.class));
                    delivered.incrementAndGet();
                } catch (Exception e) {
                    dropped.incrementAndGet();
                    LOG.warn("chat on {} is not readable, dropped: {}", channel, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
        }
    }

    String encode(RelayMessage m) throws Exception {
        ObjectNode o = json.createObjectNode();
        o.put("type", m.getClass().getSimpleName());
        o.set("message", json.valueToTree(m));
        return json.writeValueAsString(o);
    }

    RelayMessage decode(String text) throws Exception {
        JsonNode o = json.readTree(text);
        Class<? extends RelayMessage> type = TYPES.get(o.path("type").asText());
        if (type == null) {
            throw new IllegalArgumentException("unknown relay message type '" + o.path("type").asText() + "'");
        }
        return json.treeToValue(o.get("message"), type);
    }

    private void receive(String channel, String text) {
        java.util.function.BiConsumer<String, ChatMessage> chat = chatHandlers.get(channel);
        if (chat != null) {
            receiveChat(chat, channel, text);
            return;
        }
        Consumer<RelayMessage> h = handlers.get(channel);
        if (h == null) {
            return;
        }
        try {
            delivery.execute(() -> {
                RelayMessage m;
                try {
                    m = decode(text);
                } catch (Exception e) {
                    dropped.incrementAndGet();
                    LOG.warn("relay message on {} is not readable, dropped: {}", channel, e.toString());
                    return;
                }
                try {
                    h.accept(m);
                    delivered.incrementAndGet();
                } catch (RuntimeException e) {
                    LOG.warn("handling relay message {} failed", m, e);
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
            LOG.warn("relay message on {} dropped (queue full or closed)", channel);
        }
    }

    /** Messages published and heard by their node. */
    public long sent() {
        return sent.get();
    }

    /** Messages handed to this node's handler. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages dropped: unreadable, nobody listening, Redis unreachable, or the queue full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        delivery.shutdownNow();
        subscriber.close();
        publisher.close();
    }
}
