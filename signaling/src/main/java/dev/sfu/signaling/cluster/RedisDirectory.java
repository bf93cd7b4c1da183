package dev.sfu.signaling.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What cluster mode keeps in Redis, and the commands that read and change it, over one Lettuce
 * connection (asynchronous: nothing here blocks a thread, except {@link #connect} at start).
 * <pre>
 * sfu:nodes          sorted set: node id, scored with when it last refreshed (ms); entries older
 *                    than a minute are pruned by whichever node reads the set
 * sfu:node:ID        string, TTL node-ttl (5 s): the node's {@link NodeRecord} as JSON
 * sfu:room:ROOM      string, TTL claim-ttl (10 s): the id of the node hosting the room
 * </pre>
 * A node is live while its {@code sfu:node:ID} exists. Claims are changed only by the Lua scripts
 * below, each of which Redis runs atomically, so two nodes can never both take a room.
 * <p>
 * Lettuce reconnects by itself after Redis restarts or the network returns. While it is
 * disconnected commands fail at once (they are not queued), and a command unanswered for
 * command-timeout fails too, so a caller always hears back quickly.
 */
public final class RedisDirectory implements AutoCloseable {
    static final String NODES = "sfu:nodes";
    static final String NODE_PREFIX = "sfu:node:";
    static final String ROOM_PREFIX = "sfu:room:";
    /** Claims renewed per script call. */
    private static final int RENEW_BATCH = 500;

    /**
     * Where a room lives: its owner if that node is live; else the candidate if live, else the
     * caller; the claim is (re)written for the one chosen. Returns {owner id, owner's record or ''}.
     * KEYS[1] claim key; ARGV: candidate id, caller id, claim TTL ms, node key prefix.
     */
    static final String CLAIM = """
            local owner = redis.call('GET', KEYS[1])
            if owner then
              local rec = redis.call('GET', ARGV[4] .. owner)
              if rec then return {owner, rec} end
            end
            local chosen = ARGV[1]
            local rec = redis.call('GET', ARGV[4] .. chosen)
            if not rec then
              chosen = ARGV[2]
              rec = redis.call('GET', ARGV[4] .. chosen)
            end
            redis.call('SET', KEYS[1], chosen, 'PX', ARGV[3])
            if not rec then rec = '' end
            return {chosen, rec}
            """;

    /**
     * Renews the caller's claims: a claim that is missing, the caller's, or held by a dead node
     * becomes the caller's again with a fresh TTL; the keys held by another live node are returned.
     * KEYS: claim keys; ARGV: caller id, claim TTL ms, node key prefix.
     */
    static final String RENEW = """
            local lost = {}
            for _, k in ipairs(KEYS) do
              local owner = redis.call('GET', k)
              if (not owner) or owner == ARGV[1] or redis.call('EXISTS', ARGV[3] .. owner) == 0 then
                redis.call('SET', k, ARGV[1], 'PX', ARGV[2])
              else
                table.insert(lost, k)
              end
            end
            return lost
            """;

    /** Deletes a claim if it is still the caller's. KEYS[1] claim key; ARGV[1] caller id. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /** The longest wait for a connection to Redis (at start, and each reconnection's handshake). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Connections to Redis this class tried to open in this JVM (a test proves a single node tries none). */
    static final AtomicInteger CONNECTION_ATTEMPTS = new AtomicInteger();

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final ObjectMapper json = new ObjectMapper();

    private RedisDirectory(ClientResources resources, RedisClient client, StatefulRedisConnection<String, String> c) {
        this.resources = resources;
        this.client = client;
        this.connection = c;
        this.redis = c.async();
    }

    /**
     * Connects to {@code url}, waiting at most 5 s, with commands failing after {@code timeout}; throws an
     * {@link IllegalStateException} that names the URL when Redis cannot be reached.
     */
    public static RedisDirectory connect(String url, Duration timeout, String urlForLogs) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sfu.cluster.redis-url '" + urlForLogs + "' is not a Redis URL: "
                    + e.getMessage(), e);
        }
        // The first connection (and each reconnection's handshake) may take longer than a command.
        uri.setTimeout(CONNECT_TIMEOUT.compareTo(timeout) > 0 ? CONNECT_TIMEOUT : timeout);
        // Two I/O threads are plenty for one connection; reconnect quickly (0.1 s doubling up to 1 s),
        // since rooms cannot be placed while Redis is away.
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        CONNECTION_ATTEMPTS.incrementAndGet();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(uri.getTimeout()).keepAlive(true).build())
                .build());
        try {
            StatefulRedisConnection<String, String> c = client.connect();
            return new RedisDirectory(resources, client, c);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot reach Redis at " + urlForLogs + " (--redis, sfu.cluster.redis-url): "
                    + rootMessage(e) + ". Start Redis there, or leave --redis out to run a single node.", e);
        }
    }

    /** Writes {@code r} with a TTL and marks its node seen now. */
    CompletionStage<Void> publish(NodeRecord r, Duration ttl) {
        String value;
        try {
            value = json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<String> set = redis.set(NODE_PREFIX + r.id(), value, SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture();
        CompletableFuture<Long> seen = redis.zadd(NODES, (double) r.updatedMillis(), r.id()).toCompletableFuture();
        return CompletableFuture.allOf(set, seen);
    }

    /** A node registered in the last while: its id, when it last refreshed, and its record (null: dead). */
    record Entry(String id, long lastSeenMillis, NodeRecord record) {
    }

    /** Every node seen since {@code sinceMillis}, live or not; older entries are pruned. */
    CompletionStage<List<Entry>> nodes(long sinceMillis) {
        redis.zremrangebyscore(NODES, io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY, (double) sinceMillis));
        return redis.zrangeWithScores(NODES, 0, -1).thenCompose(scored -> {
            if (scored.isEmpty()) {
                return CompletableFuture.completedFuture(List.<Entry>of());
            }
            String[] keys = new String[scored.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = NODE_PREFIX + scored.get(i).getValue();
            }
            return redis.mget(keys).thenApply(values -> {
                List<Entry> out = new ArrayList<>(scored.size());
                for (int i = 0; i < scored.size(); i++) {
                    ScoredValue<String> s = scored.get(i);
                    KeyValue<String, String> v = values.get(i);
                    out.add(new Entry(s.getValue(), (long) s.getScore(), v.hasValue() ? parse(v.getValue()) : null));
                }
                return out;
            });
        });
    }

    /** The owner of {@code room} after a claim for {@code candidate} (by {@code self}), with its record (null if unknown). */
    record Owner(String id, NodeRecord record) {
    }

    CompletionStage<Owner> claim(String room, String candidate, String self, Duration ttl) {
        return redis.<List<Object>>eval(CLAIM, ScriptOutputType.MULTI, new String[] {ROOM_PREFIX + room}, candidate,
                self, Long.toString(ttl.toMillis()), NODE_PREFIX).thenApply(r -> {
                    String owner = text(r.get(0));
                    String rec = text(r.get(1));
                    return new Owner(owner, rec.isEmpty() ? null : parse(rec));
                });
    }

    /** Renews the claims of {@code rooms} for {@code self}; completes with the rooms another live node holds. */
    CompletionStage<List<String>> renew(List<String> rooms, String self, Duration ttl) {
        List<CompletableFuture<List<Object>>> calls = new ArrayList<>();
        for (int from = 0; from < rooms.size(); from += RENEW_BATCH) {
            List<String> part = rooms.subList(from, Math.min(rooms.size(), from + RENEW_BATCH));
            String[] keys = new String[part.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = ROOM_PREFIX + part.get(i);
            }
            calls.add(redis.<List<Object>>eval(RENEW, ScriptOutputType.MULTI, keys, self,
                    Long.toString(ttl.toMillis()), NODE_PREFIX).toCompletableFuture());
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> lost = new ArrayList<>();
            for (CompletableFuture<List<Object>> c : calls) {
                for (Object k : c.join()) {
                    lost.add(text(k).substring(ROOM_PREFIX.length()));
                }
            }
            return lost;
        });
    }

    /** Deletes the claim of {@code room} if {@code self} holds it; completes with whether it did. */
    CompletionStage<Boolean> release(String room, String self) {
        return redis.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {ROOM_PREFIX + room}, self)
                .thenApply(n -> n != null && n > 0);
    }

    /** Deletes node {@code id}'s record: the others treat it as dead at once (a node that shuts down). */
    CompletionStage<Long> forget(String id) {
        return redis.del(NODE_PREFIX + id);
    }

    /** The owner recorded for {@code room}, null when none (tests, operators). */
    CompletionStage<String> owner(String room) {
        return redis.get(ROOM_PREFIX + room);
    }

    boolean connected() {
        return connection.isOpen();
    }

    private NodeRecord parse(String value) {
        try {
            return json.readValue(value, NodeRecord.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(Object o) {
        if (o == null) {
            return "";
        }
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : o.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
