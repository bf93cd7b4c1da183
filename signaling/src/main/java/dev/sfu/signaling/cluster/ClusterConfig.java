package dev.sfu.signaling.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Cluster mode's settings, from the {@code sfu.cluster} block (docs/operations.md, "Cluster mode").
 * Cluster mode is on when {@link #redisUrl} is set; without it the node hosts every room itself
 * and never contacts Redis.
 *
 * @param redisUrl        {@code redis://HOST:PORT} (or {@code rediss://}, with {@code :PASSWORD@}
 *                        before the host); empty: a single node
 * @param publicUrl       the WebSocket URL clients use for this node ({@code wss://sfu1.example.net/ws});
 *                        empty: derived from the bind address and HTTP port
 * @param region          the region this node reports, for the {@code region} placement policy
 * @param nodeId          this node's id; empty: {@code HOSTNAME-HTTPPORT} (a random suffix with port 0)
 * @param maxParticipants participants this node takes in all its rooms together, the capacity the
 *                        placement policies compare; 0: no node limit (load is then compared by
 *                        participant count)
 * @param policy          how a new room's node is chosen
 * @param refreshInterval how often a node rewrites its record and renews its room claims (2 s)
 * @param nodeTtl         a node record's lifetime: a node not refreshed for this long is dead (5 s)
 * @param claimTtl        a room claim's lifetime: renewed by its owner while it hosts the room
 * @param commandTimeout  how long one Redis command may take before the node treats Redis as unreachable
 * @param expandCpu       a room hosted here expands to another node for a new join when this node's
 *                        process CPU (0-1) is above this, as when its part of the room is full
 *                        (sfu.max-participants); 0 or 1: only when full
 */
public record ClusterConfig(String redisUrl, String publicUrl, String region, String nodeId, int maxParticipants,
                            PlacementPolicy policy, Duration refreshInterval, Duration nodeTtl, Duration claimTtl,
                            Duration commandTimeout, double expandCpu) {

    public ClusterConfig {
        redisUrl = redisUrl == null ? "" : redisUrl.strip();
        publicUrl = publicUrl == null ? "" : publicUrl.strip();
        region = region == null || region.isBlank() ? "default" : region.strip();
        nodeId = nodeId == null ? "" : nodeId.strip();
        if (!redisUrl.isEmpty() && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new IllegalArgumentException("sfu.cluster.redis-url must look like redis://HOST:PORT (or rediss:// "
                    + "for TLS), not '" + redisUrl + "'");
        }
        if (!publicUrl.isEmpty()) {
            checkWebSocketUrl(publicUrl);
        }
        if (!nodeId.isEmpty() && !NodeIds.valid(nodeId)) {
            throw new IllegalArgumentException("sfu.cluster.node-id may hold letters, digits, '.', '_' and '-' "
                    + "(1 to 64 characters), not '" + nodeId + "'");
        }
        if (maxParticipants < 0) {
            throw new IllegalArgumentException("sfu.cluster.max-participants must be 0 (no node limit) or more, not "
                    + maxParticipants);
        }
        if (policy == null) {
            throw new IllegalArgumentException("sfu.cluster.placement is missing");
        }
        if (!(expandCpu >= 0 && expandCpu <= 1)) {
            throw new IllegalArgumentException("sfu.cluster.expand-cpu must be between 0 and 1 (a fraction of the "
                    + "machine's CPU; 0: expand only when full), not " + expandCpu);
        }
        positive("sfu.cluster.refresh-interval", refreshInterval);
        positive("sfu.cluster.node-ttl", nodeTtl);
        positive("sfu.cluster.claim-ttl", claimTtl);
        positive("sfu.cluster.command-timeout", commandTimeout);
        if (nodeTtl.compareTo(refreshInterval) <= 0 || claimTtl.compareTo(refreshInterval) <= 0) {
            throw new IllegalArgumentException("sfu.cluster.node-ttl (" + nodeTtl + ") and claim-ttl (" + claimTtl
                    + ") must be longer than refresh-interval (" + refreshInterval + "), or live nodes expire");
        }
    }

    /** A single node: no Redis. */
    public static ClusterConfig off() {
        return new ClusterConfig("", "", "default", "", 0, PlacementPolicy.LEAST_LOADED, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), 0);
    }

    /** Reads {@code sfu.cluster}; a missing block means {@link #off()}. */
    public static ClusterConfig from(Config root) {
        if (!root.hasPath("sfu.cluster")) {
            return off();
        }
        try {
            Config c = root.getConfig("sfu.cluster");
            return new ClusterConfig(c.getString("redis-url"), c.getString("public-url"), c.getString("region"),
                    c.getString("node-id"), c.getInt("max-participants"), PlacementPolicy.parse(c.getString("placement")),
                    c.getDuration("refresh-interval"), c.getDuration("node-ttl"), c.getDuration("claim-ttl"),
                    c.getDuration("command-timeout"), c.hasPath("expand-cpu") ? c.getDouble("expand-cpu") : 0);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return !redisUrl.isEmpty();
    }

    /** A copy with other timings (tests use short ones). */
    public ClusterConfig withTimings(Duration refresh, Duration nodeLifetime, Duration claimLifetime) {
        return new ClusterConfig(redisUrl, publicUrl, region, nodeId, maxParticipants, policy, refresh, nodeLifetime,
                claimLifetime, commandTimeout, expandCpu);
    }

    /** A copy as node {@code id} of the cluster on {@code redis}, with {@code url} as its public URL. */
    public ClusterConfig withNode(String redis, String id, String url) {
        return new ClusterConfig(redis, url, region, id, maxParticipants, policy, refreshInterval, nodeTtl, claimTtl,
                commandTimeout, expandCpu);
    }

    /** A copy with another policy, region and node capacity. */
    public ClusterConfig withPlacement(PlacementPolicy p, String regionName, int nodeMaxParticipants) {
        return new ClusterConfig(redisUrl, publicUrl, regionName, nodeId, nodeMaxParticipants, p, refreshInterval,
                nodeTtl, claimTtl, commandTimeout, expandCpu);
    }

    /** A copy that expands rooms above {@code cpu} (0: only when full). */
    public ClusterConfig withExpandCpu(double cpu) {
        return new ClusterConfig(redisUrl, publicUrl, region, nodeId, maxParticipants, policy, refreshInterval,
                nodeTtl, claimTtl, commandTimeout, cpu);
    }

    /** The Redis URL without a password, for logs. */
    public String redisUrlForLogs() {
        return redisUrl.replaceFirst("//[^@/]*@", "//***@");
    }

    /**
     * The public URL clients use for this node: {@link #publicUrl} when set, else
     * {@code ws[s]://HOST:PORT/ws} with the bind address, or with a wildcard bind the first
     * advertised address, else this machine's name.
     */
    public String publicUrlFor(String bind, String advertised, int httpPort, boolean tls) {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        String host = bind;
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = advertised != null && !advertised.isEmpty() ? advertised : NodeIds.hostName();
        }
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (tls ? "wss://" : "ws://") + host + ":" + httpPort + "/ws";
    }

    private static void checkWebSocketUrl(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("ws") || scheme.equals("wss")) && u.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        throw new IllegalArgumentException("sfu.cluster.public-url must be the WebSocket URL clients use for this "
                + "node, such as wss://sfu1.example.net/ws, not '" + url + "'");
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, not " + d);
        }
    }
}
