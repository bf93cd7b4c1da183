package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.sfu.core.cc.CongestionControlConfig;

import java.time.Duration;
import java.util.List;

/**
 * The server's settings, read from the {@code sfu} block of a Typesafe {@link Config}
 * (reference.conf holds the defaults).
 *
 * @param httpBind           address the HTTP/WebSocket server binds to
 * @param httpPort           HTTP port; 0 picks a free one (tests)
 * @param mediaBind          address the UDP media port binds to
 * @param mediaPort          the single UDP media port
 * @param advertiseAddresses addresses for the server's ICE host candidates; empty means the bind address
 * @param maxParticipants    participants per room
 * @param maxMessageBytes    largest WebSocket message accepted (64 KiB)
 * @param maxRequestBytes    largest HTTP request body accepted
 * @param offerTimeout       how long a server offer may stay unanswered before it is offered again
 * @param mediaThreads       threads that forward media, 0 = one per core (a room's participants share one)
 * @param warmUpPackets      synthetic packets run through a private room at start so that the JIT compiles
 *                           the forwarding path before the first call; 0 skips it
 * @param lastN              forward each subscriber only the video of the N most recent speakers; 0: everyone's
 * @param tileSizeFactor     multiplies a subscriber's tile size before choosing the simulcast layer
 * @param dynacast           ask publishers to stop the simulcast layers nobody receives
 * @param congestionControl  per-subscriber downlink estimation and pacing ({@code sfu.congestion-control})
 * @param resumeGrace        how long a participant whose WebSocket dropped stays in its room waiting for
 *                           a resume ({@code sfu.signaling.resume-grace}); zero: it leaves at once
 */
public record ServerConfig(String httpBind, int httpPort, String mediaBind, int mediaPort,
                           List<String> advertiseAddresses, int maxParticipants, int maxMessageBytes,
                           int maxRequestBytes, Duration offerTimeout, int mediaThreads, int warmUpPackets,
                           int lastN, double tileSizeFactor, boolean dynacast,
                           CongestionControlConfig congestionControl, Duration resumeGrace) {

    public ServerConfig {
        advertiseAddresses = List.copyOf(advertiseAddresses);
        checkPort("sfu.http.port", httpPort);
        checkPort("sfu.media.port", mediaPort);
        if (maxParticipants < 1) {
            throw new IllegalArgumentException("sfu.rooms.max-participants must be at least 1");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("sfu.http.max-message-bytes must be at least 1024");
        }
        if (offerTimeout.isNegative() || offerTimeout.isZero()) {
            throw new IllegalArgumentException("sfu.signaling.offer-timeout must be positive");
        }
        if (mediaThreads < 0 || mediaThreads > 1024) {
            throw new IllegalArgumentException("sfu.media.threads must be 0 (one per core) to 1024, not " + mediaThreads);
        }
        if (lastN < 0) {
            throw new IllegalArgumentException("sfu.rooms.last-n must be 0 (off) or more, not " + lastN);
        }
        if (!(tileSizeFactor >= 0.25 && tileSizeFactor <= 4)) {
            throw new IllegalArgumentException("sfu.simulcast.tile-size-factor must be between 0.25 and 4, not " + tileSizeFactor);
        }
        if (resumeGrace.isNegative() || resumeGrace.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("sfu.signaling.resume-grace must be 0s (off) to 1h, not " + resumeGrace);
        }
        if (warmUpPackets < 0 || warmUpPackets > 10_000_000) {
            throw new IllegalArgumentException("sfu.media.warm-up-packets must be 0 to 10000000, not " + warmUpPackets);
        }
    }

    /** Reads the {@code sfu} block; throws {@link IllegalArgumentException} with the key on a bad value. */
    public static ServerConfig from(Config root) {
        try {
            Config c = root.getConfig("sfu");
            return new ServerConfig(c.getString("http.bind"), c.getInt("http.port"), c.getString("media.bind"),
                    c.getInt("media.port"), addresses(c), c.getInt("rooms.max-participants"),
                    (int) c.getBytes("http.max-message-bytes").longValue(),
                    (int) c.getBytes("http.max-request-bytes").longValue(), c.getDuration("signaling.offer-timeout"),
                    c.getInt("media.threads"), c.getInt("media.warm-up-packets"), c.getInt("rooms.last-n"),
                    c.getDouble("simulcast.tile-size-factor"), c.getBoolean("simulcast.dynacast"),
                    congestionControl(c.getConfig("congestion-control")), c.getDuration("signaling.resume-grace"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Defaults for tests: 127.0.0.1, ephemeral HTTP port, the given media port, no warm-up. */
    public static ServerConfig loopback(int mediaPort) {
        return new ServerConfig("127.0.0.1", 0, "127.0.0.1", mediaPort, List.of("127.0.0.1"), 50, 65536, 65536,
                Duration.ofSeconds(10), 0, 0, 0, 1.0, true, CongestionControlConfig.defaults(), Duration.ofSeconds(20));
    }

    /** A copy with another room size and offer timeout (tests). */
    public ServerConfig with(int maxParticipantsPerRoom, Duration timeout) {
        return new ServerConfig(httpBind, httpPort, mediaBind, mediaPort, advertiseAddresses, maxParticipantsPerRoom,
                maxMessageBytes, maxRequestBytes, timeout, mediaThreads, warmUpPackets, lastN, tileSizeFactor, dynacast,
                congestionControl, resumeGrace);
    }

    /** A copy with other forwarding choices (tests). */
    public ServerConfig withForwarding(int lastNSpeakers, double factor, boolean dynacastOn) {
        return new ServerConfig(httpBind, httpPort, mediaBind, mediaPort, advertiseAddresses, maxParticipants,
                maxMessageBytes, maxRequestBytes, offerTimeout, mediaThreads, warmUpPackets, lastNSpeakers, factor, dynacastOn,
                congestionControl, resumeGrace);
    }

    /** A copy with other congestion control settings (tests). */
    public ServerConfig withCongestionControl(CongestionControlConfig cc) {
        return new ServerConfig(httpBind, httpPort, mediaBind, mediaPort, advertiseAddresses, maxParticipants,
                maxMessageBytes, maxRequestBytes, offerTimeout, mediaThreads, warmUpPackets, lastN, tileSizeFactor,
                dynacast, cc, resumeGrace);
    }

    /** A copy with another resume grace period (tests). */
    public ServerConfig withResumeGrace(Duration grace) {
        return new ServerConfig(httpBind, httpPort, mediaBind, mediaPort, advertiseAddresses, maxParticipants,
                maxMessageBytes, maxRequestBytes, offerTimeout, mediaThreads, warmUpPackets, lastN, tileSizeFactor,
                dynacast, congestionControl, grace);
    }

    /** The {@code sfu.congestion-control} block; the record checks the values. */
    private static CongestionControlConfig congestionControl(Config cc) {
        long kbps = 1000L;
        try {
            return new CongestionControlConfig(cc.getBoolean("enabled"), cc.getLong("initial-kbps") * kbps,
                    cc.getLong("min-kbps") * kbps, cc.getLong("max-kbps") * kbps, cc.getDouble("pacing-factor"),
                    cc.getDuration("pacer-burst").toNanos(), cc.getInt("pacer-queue-packets"),
                    cc.getDuration("pacer-max-delay").toNanos());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sfu.congestion-control: " + e.getMessage(), e);
        }
    }

    private static List<String> addresses(Config c) {
        return ConfigLists.strings(c, "media.advertise-addresses");
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be 0-65535, not " + port);
        }
    }
}
