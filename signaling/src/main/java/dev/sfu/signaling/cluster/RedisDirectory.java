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
 * sfu:room:ROOM      string, TTL claim-ttl (10 s): the id of the node hosting the room (its owner)
 * sfu:hosts:ROOM     hash, TTL claim-ttl, renewed by each of its nodes: the nodes a room spans once
 *                    it expanded beyond its owner: o:ID = the order in which node ID joined the room
 *                    (the later one dials the earlier), n:ID = its local participants in the room
 *                    (a reservation is counted at once), seq = the last order given
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
    static final String HOSTS_PREFIX = "sfu:hosts:";
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

    /**
     * A join for a room whose node is full for it (or too busy): the live node of the room's set
     * with room left (the earliest first), else the first candidate not in the set yet (least loaded
     * first), added to the set; one participant is reserved on the node chosen. The owner and the
     * caller are put in the set first. Returns {node id, its record} or {'', ''} when none can take it.
     * KEYS[1] claim key, KEYS[2] hosts key; ARGV: caller id, per-node limit, TTL ms, node key prefix,
     * the caller's local participants, then candidate ids.
     */
    static final String EXPAND = """
            local function add(id)
              if redis.call('HEXISTS', KEYS[2], 'o:' .. id) == 0 then
                local s = redis.call('HINCRBY', KEYS[2], 'seq', 1)
                redis.call('HSET', KEYS[2], 'o:' .. id, s)
                redis.call('HSETNX', KEYS[2], 'n:' .. id, 0)
              end
            end
            local owner = redis.call('GET', KEYS[1])
            if owner then add(owner) end
            add(ARGV[1])
            redis.call('HSET', KEYS[2], 'n:' .. ARGV[1], ARGV[5])
            local limit = tonumber(ARGV[2])
            local all = redis.call('HGETALL', KEYS[2])
            local best, bestOrder = nil, nil
            for i = 1, #all, 2 do
              local f = all[i]
              if string.sub(f, 1, 2) == 'o:' then
                local id = string.sub(f, 3)
                if id ~= ARGV[1] and redis.call('EXISTS', ARGV[4] .. id) == 1 then
                  local n = tonumber(redis.call('HGET', KEYS[2], 'n:' .. id) or '0')
                  local o = tonumber(all[i + 1])
                  if n < limit and (bestOrder == nil or o < bestOrder) then
                    best = id
                    bestOrder = o
                  end
                end
              end
            end
            if best == nil then
              for i = 6, #ARGV do
                local id = ARGV[i]
                if redis.call('HEXISTS', KEYS[2], 'o:' .. id) == 0 and redis.call('EXISTS', ARGV[4] .. id) == 1 then
                  best = id
                  add(id)
                  break
                end
              end
            end
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            if best == nil then return {'', ''} end
            redis.call('HINCRBY', KEYS[2], 'n:' .. best, 1)
            local rec = redis.call('GET', ARGV[4] .. best)
            if not rec then rec = '' end
            return {best, rec}
            """;

    /**
     * A node's local participants in a room whose set it is in (count -1: only renews the TTL).
     * Returns the set's live nodes as {id, order, ...}; empty when the caller is not in it. A node
     * of the set that is dead and has not refreshed since ARGV[5] (ms; the caller passes now less
     * the claim TTL, so a node only late for a moment keeps its place and is dialed again when it
     * is back) is removed from the set: a killed node's place is reclaimed.
     * KEYS[1] hosts key, KEYS[2] the nodes' sorted set; ARGV: caller id, count, TTL ms, node key
     * prefix, dead-before ms.
     */
    static final String COUNT = """
            if redis.call('HEXISTS', KEYS[1], 'o:' .. ARGV[1]) == 0 then return {} end
            if tonumber(ARGV[2]) >= 0 then redis.call('HSET', KEYS[1], 'n:' .. ARGV[1], ARGV[2]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            local out = {}
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local f = all[i]
              if string.sub(f, 1, 2) == 'o:' then
                local id = string.sub(f, 3)
                if redis.call('EXISTS', ARGV[4] .. id) == 1 then
                  table.insert(out, id)
                  table.insert(out, all[i + 1])
                else
                  local seen = redis.call('ZSCORE', KEYS[2], id)
                  if (not seen) or tonumber(seen) < tonumber(ARGV[5]) then
                    redis.call('HDEL', KEYS[1], 'o:' .. id, 'n:' .. id)
                  end
                end
              end
            end
            return out
            """;

    /** The caller leaves a room's set; the set goes with its last node. KEYS[1] hosts key; ARGV[1] caller id. */
    static final String LEAVE = """
            redis.call('HDEL', KEYS[1], 'o:' .. ARGV[1], 'n:' .. ARGV[1])
            if redis.call('HLEN', KEYS[1]) <= 1 then redis.call('DEL', KEYS[1]) end
            return 1
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

    /** See {@link #EXPAND}: the node to send a join to, or null when every node is full for the room. */
    CompletionStage<Owner> expand(String room, String self, int limit, int selfCount, Duration ttl,
                                  List<String> candidates) {
        String[] args = new String[5 + candidates.size()];
        args[0] = self;
        args[1] = Integer.toString(limit);
        args[2] = Long.toString(ttl.toMillis());
        args[3] = NODE_PREFIX;
        args[4] = Integer.toString(selfCount);
        for (int i = 0; i < candidates.size(); i++) {
            args[5 + i] = candidates.get(i);
        }
        return redis.<List<Object>>eval(EXPAND, ScriptOutputType.MULTI,
                new String[] {ROOM_PREFIX + room, HOSTS_PREFIX + room}, args).thenApply(r -> {
                    String id = text(r.get(0));
                    String rec = text(r.get(1));
                    return id.isEmpty() ? null : new Owner(id, rec.isEmpty() ? null : parse(rec));
                });
    }

    /** A live node of a room's set and the order it joined the room in. */
    record Host(String id, long order) {
    }

    /**
     * Writes {@code self}'s local participants in {@code room} ({@code count} -1: only renews) when
     * it is in the room's set; completes with the set's live nodes (empty: the room spans no nodes,
     * or not this one).
     */
    CompletionStage<List<Host>> count(String room, String self, int count, Duration ttl) {
        return redis.<List<Object>>eval(COUNT, ScriptOutputType.MULTI, new String[] {HOSTS_PREFIX + room, NODES}, self,
                Integer.toString(count), Long.toString(ttl.toMillis()), NODE_PREFIX,
                Long.toString(System.currentTimeMillis() - ttl.toMillis())).thenApply(r -> {
                    List<Host> out = new ArrayList<>();
                    for (int i = 0; i + 1 < r.size(); i += 2) {
                        out.add(new Host(text(r.get(i)), Long.parseLong(text(r.get(i + 1)))));
                    }
                    return out;
                });
    }

    /** {@code self} leaves {@code room}'s set. */
    CompletionStage<Long> leaveHosts(String room, String self) {
        return redis.<Long>eval(LEAVE, ScriptOutputType.INTEGER, new String[] {HOSTS_PREFIX + room}, self);
    }

    /**
     * The nodes in {@code room}'s set now, in no order (empty: the room spans no nodes). A node is
     * in it from the moment an expansion chose it (before its first participant joins) until it
     * leaves the room or is reclaimed as dead, whatever the state of the relays.
     */
    CompletionStage<List<String>> hostIds(String room) {
        return redis.hkeys(HOSTS_PREFIX + room).thenApply(fields -> {
            List<String> out = new ArrayList<>();
            for (String f : fields) {
                if (f.startsWith("o:")) {
                    out.add(f.substring(2));
                }
            }
            return out;
        });
    }

    /** Whether {@code self} is in {@code room}'s set (a join sent here by an expansion). */
    CompletionStage<Boolean> inHosts(String room, String self) {
        return redis.hexists(HOSTS_PREFIX + room, "o:" + self);
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

    /** The client, for the relay signals' own connections (they share its threads and reconnection). */
    RedisClient client() {
        return client;
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
