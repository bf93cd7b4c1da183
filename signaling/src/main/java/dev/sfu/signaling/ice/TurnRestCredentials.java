package dev.sfu.signaling.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Time-limited TURN credentials from a secret shared with the TURN server: the scheme of
 * draft-uberti-behave-turn-rest-00, which coturn implements as {@code use-auth-secret} with
 * {@code static-auth-secret}. The username is {@code <expiry>:<participant>} (expiry in Unix
 * seconds), the password {@code base64(HMAC-SHA1(secret, username))}; coturn recomputes the
 * password from the username and refuses it after the expiry. The secret itself never leaves the
 * server.
 */
public final class TurnRestCredentials {
    /** One username and password. */
    public record Login(String username, String credential, long expiresEpochSeconds) {
    }

    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    public TurnRestCredentials(String secret, Duration ttl, Clock clock) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a TURN shared secret is needed");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Credentials for {@code participant} (which must not contain ':'), valid for the TTL from now. */
    public Login issue(String participant) {
        if (participant.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a TURN REST username part must not contain ':'");
        }
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String username = expires + ":" + participant;
        return new Login(username, password(username), expires);
    }

    /** {@code base64(HMAC-SHA1(secret, username))}. */
    public String password(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
