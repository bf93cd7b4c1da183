package dev.sfu.signaling.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * Settings of the operator endpoints, from the {@code sfu.admin} block.
 *
 * @param token      when not empty, {@code /api/*}, {@code /metrics} and {@code /dashboard} need
 *                   {@code Authorization: Bearer <token>} (the dashboard page and its stream also
 *                   accept {@code ?token=}); config {@code sfu.admin.token}, env {@code SFU_ADMIN_TOKEN}
 * @param drainGrace how long SIGTERM keeps the server up after it reports not ready, so that a
 *                   load balancer stops sending new participants before it closes
 */
public record AdminConfig(String token, Duration drainGrace) {
    public AdminConfig {
        token = token == null ? "" : token.strip();
        if (drainGrace == null || drainGrace.isNegative()) {
            throw new IllegalArgumentException("sfu.admin.drain-grace must be zero or positive");
        }
    }

    /** No token, no grace: the endpoints are open (tests, localhost). */
    public static AdminConfig open() {
        return new AdminConfig("", Duration.ZERO);
    }

    public static AdminConfig withToken(String token) {
        return new AdminConfig(token, Duration.ZERO);
    }

    /** Reads {@code sfu.admin}; a missing block means {@link #open()}. */
    public static AdminConfig from(Config root) {
        try {
            if (!root.hasPath("sfu.admin")) {
                return open();
            }
            Config c = root.getConfig("sfu.admin");
            String token = c.hasPath("token") ? c.getString("token") : "";
            Duration grace = c.hasPath("drain-grace") ? c.getDuration("drain-grace") : Duration.ZERO;
            return new AdminConfig(token, grace);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public boolean tokenRequired() {
        return !token.isEmpty();
    }
}
