package dev.sfu.signaling.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.List;

/**
 * Settings of join tokens, from the {@code sfu.auth} block. With neither a secret nor a key file
 * rooms are open to anyone who reaches the port.
 *
 * @param jwtSecret     the HS256 secret (at least 32 bytes in UTF-8), empty when none; config
 *                      {@code sfu.auth.jwt-secret}, env {@code SFU_JWT_SECRET}
 * @param publicKeys    a PEM or JWKS file of ES256/RS256 public keys, empty when none; config
 *                      {@code sfu.auth.jwt-public-keys}, env {@code SFU_JWT_PUBLIC_KEYS}
 * @param issuers       accepted {@code iss} values; empty accepts any (or none)
 * @param leeway        clock skew allowed on {@code exp} and {@code nbf}
 */
public record AuthConfig(String jwtSecret, String publicKeys, List<String> issuers, Duration leeway) {
    /** HS256 needs a key at least as long as its hash (RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    public AuthConfig {
        jwtSecret = jwtSecret == null ? "" : jwtSecret;
        publicKeys = publicKeys == null ? "" : publicKeys.strip();
        issuers = List.copyOf(issuers);
        if (leeway == null || leeway.isNegative() || leeway.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("sfu.auth.clock-leeway must be between 0 and 10 minutes");
        }
        if (!jwtSecret.isEmpty() && jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("SFU_JWT_SECRET (sfu.auth.jwt-secret) must be at least " + MIN_SECRET_BYTES
                    + " bytes for HS256; generate one with: openssl rand -base64 32");
        }
    }

    /** No keys: rooms are open. */
    public static AuthConfig open() {
        return new AuthConfig("", "", List.of(), Duration.ofSeconds(60));
    }

    /** An HS256 secret only (tests, trials). */
    public static AuthConfig withSecret(String secret) {
        return new AuthConfig(secret, "", List.of(), Duration.ofSeconds(60));
    }

    /** Reads {@code sfu.auth}; a missing block means {@link #open()}. */
    public static AuthConfig from(Config root) {
        try {
            if (!root.hasPath("sfu.auth")) {
                return open();
            }
            Config c = root.getConfig("sfu.auth");
            return new AuthConfig(c.hasPath("jwt-secret") ? c.getString("jwt-secret") : "",
                    c.hasPath("jwt-public-keys") ? c.getString("jwt-public-keys") : "", issuers(c),
                    c.hasPath("clock-leeway") ? c.getDuration("clock-leeway") : Duration.ofSeconds(60));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** True when joining needs a token. */
    public boolean required() {
        return !jwtSecret.isEmpty() || !publicKeys.isEmpty();
    }

    private static List<String> issuers(Config c) {
        return dev.sfu.signaling.config.ConfigLists.strings(c, "jwt-issuers");
    }
}
