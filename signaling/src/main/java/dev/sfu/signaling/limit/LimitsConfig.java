package dev.sfu.signaling.limit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate limits, from the {@code sfu.limits} block (reference.conf explains each and its
 * default). A limit of 0 switches that limit off.
 *
 * @param wsConnectionsPerIpPerMinute WebSocket connections one client address may open per minute
 * @param wsConnectionsPerIp          WebSocket connections one client address may hold at once
 * @param messagesPerSecond           signaling messages per connection per second (token bucket rate)
 * @param messageBurst                the bucket's size: messages a connection may send at once
 * @param joinsPerRoomPerSecond       joins per room per second (token bucket rate)
 * @param joinBurstPerRoom            joins a room takes at once
 * @param httpRequestsPerIpPerMinute  requests to {@code /api/*}, {@code /metrics} and {@code /webrtc/*} per
 *                                    client address per minute
 * @param abuseCloseAfter             a connection that gets this many RATE_LIMITED errors in a row is closed
 * @param exemptAddresses             client addresses the per-address limits do not apply to
 * @param trustedProxies              reverse proxies whose {@code X-Forwarded-For} names the client
 */
public record LimitsConfig(int wsConnectionsPerIpPerMinute, int wsConnectionsPerIp, int messagesPerSecond,
                           int messageBurst, int joinsPerRoomPerSecond, int joinBurstPerRoom,
                           int httpRequestsPerIpPerMinute, int abuseCloseAfter, List<InetAddress> exemptAddresses,
                           List<InetAddress> trustedProxies) {

    public LimitsConfig {
        exemptAddresses = List.copyOf(exemptAddresses);
        trustedProxies = List.copyOf(trustedProxies);
        for (int v : new int[] {wsConnectionsPerIpPerMinute, wsConnectionsPerIp, messagesPerSecond, messageBurst,
            joinsPerRoomPerSecond, joinBurstPerRoom, httpRequestsPerIpPerMinute, abuseCloseAfter}) {
            if (v < 0) {
                throw new IllegalArgumentException("sfu.limits: every limit must be 0 (off) or more, not " + v);
            }
        }
        if (messagesPerSecond > 0 && messageBurst < 1 || joinsPerRoomPerSecond > 0 && joinBurstPerRoom < 1) {
            throw new IllegalArgumentException("sfu.limits: message-burst and join-burst-per-room must be at least 1");
        }
    }

    /** The defaults of reference.conf: loopback is exempt from the per-address limits. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(60, 20, 20, 100, 5, 20, 300, 50, addresses("sfu.limits.exempt-addresses",
                List.of("127.0.0.1", "::1")), List.of());
    }

    /** No limits at all. */
    public static LimitsConfig off() {
        return new LimitsConfig(0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of());
    }

    /** Reads {@code sfu.limits}; a missing block means {@link #defaults()}. */
    public static LimitsConfig from(Config root) {
        try {
            if (!root.hasPath("sfu.limits")) {
                return defaults();
            }
            Config c = root.getConfig("sfu.limits");
            return new LimitsConfig(c.getInt("ws-connections-per-ip-per-minute"), c.getInt("ws-connections-per-ip"),
                    c.getInt("messages-per-second"), c.getInt("message-burst"), c.getInt("joins-per-room-per-second"),
                    c.getInt("join-burst-per-room"), c.getInt("http-requests-per-ip-per-minute"),
                    c.getInt("abuse-close-after"), addresses("sfu.limits.exempt-addresses", list(c, "exempt-addresses")),
                    addresses("sfu.limits.trusted-proxies", list(c, "trusted-proxies")));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whether the per-address limits skip {@code client}. */
    public boolean exempt(InetAddress client) {
        return exemptAddresses.contains(client);
    }

    private static List<String> list(Config c, String key) {
        return dev.sfu.signaling.config.ConfigLists.strings(c, key);
    }

    /** IP literals only: no name lookups at start. */
    private static List<InetAddress> addresses(String key, List<String> values) {
        List<InetAddress> out = new ArrayList<>();
        for (String v : values) {
            InetAddress a = ClientAddress.literal(v);
            if (a == null) {
                throw new IllegalArgumentException(key + ": '" + v + "' is not an IP address (names are not looked up)");
            }
            out.add(a);
        }
        return out;
    }
}
