package dev.sfu.signaling.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The ICE servers and policy that {@code GET /webrtc/config} gives browsers, from the
 * {@code sfu.webrtc} block.
 *
 * @param stunUrls           {@code stun:}/{@code stuns:} URLs, given to browsers as they are
 * @param turnUrls           {@code turn:}/{@code turns:} URLs sharing one set of credentials
 * @param turnUsername       static TURN username (with {@code turnCredential}); empty when a secret is used
 * @param turnCredential     static TURN password
 * @param turnSecret         the TURN server's shared secret (coturn {@code static-auth-secret}):
 *                           each response carries fresh time-limited credentials made from it
 * @param turnCredentialTtl  how long those credentials are valid
 * @param iceTransportPolicy {@code all}, or {@code relay} (browsers use TURN only: they never
 *                           reveal their own addresses to the server or the others)
 */
public record IceServersConfig(List<String> stunUrls, List<String> turnUrls, String turnUsername,
                               String turnCredential, String turnSecret, Duration turnCredentialTtl,
                               String iceTransportPolicy) {
    public IceServersConfig {
        stunUrls = List.copyOf(stunUrls);
        turnUrls = List.copyOf(turnUrls);
        turnUsername = turnUsername == null ? "" : turnUsername;
        turnCredential = turnCredential == null ? "" : turnCredential;
        turnSecret = turnSecret == null ? "" : turnSecret;
        iceTransportPolicy = iceTransportPolicy == null ? "all" : iceTransportPolicy.strip().toLowerCase(Locale.ROOT);
        for (String u : stunUrls) {
            if (!u.startsWith("stun:") && !u.startsWith("stuns:")) {
                throw new IllegalArgumentException("sfu.webrtc.stun-urls: '" + u + "' is not a STUN URL "
                        + "(stun:HOST[:PORT], RFC 7064).");
            }
        }
        for (String u : turnUrls) {
            if (!u.startsWith("turn:") && !u.startsWith("turns:")) {
                throw new IllegalArgumentException("sfu.webrtc.turn.urls: '" + u + "' is not a TURN URL "
                        + "(turn:HOST[:PORT][?transport=udp|tcp] or turns:..., RFC 7065).");
            }
        }
        if (!turnUrls.isEmpty()) {
            boolean staticCreds = !turnUsername.isEmpty() || !turnCredential.isEmpty();
            if (staticCreds && !turnSecret.isEmpty()) {
                throw new IllegalArgumentException("sfu.webrtc.turn: set either a shared secret (SFU_TURN_SECRET) or a "
                        + "username and credential (SFU_TURN_USERNAME, SFU_TURN_CREDENTIAL), not both.");
            }
            if (!staticCreds && turnSecret.isEmpty()) {
                throw new IllegalArgumentException("sfu.webrtc.turn.urls are set but no credentials: set the TURN "
                        + "server's shared secret (sfu.webrtc.turn.secret or SFU_TURN_SECRET, coturn's static-auth-secret) "
                        + "or a username and credential (SFU_TURN_USERNAME, SFU_TURN_CREDENTIAL).");
            }
            if (staticCreds && (turnUsername.isEmpty() || turnCredential.isEmpty())) {
                throw new IllegalArgumentException("sfu.webrtc.turn: a static TURN login needs both a username and a credential.");
            }
        }
        if (turnCredentialTtl == null || turnCredentialTtl.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("sfu.webrtc.turn.credential-ttl must be at least 1m (a call refreshes its "
                    + "TURN allocation with the same credentials, so make it longer than a call).");
        }
        if (!iceTransportPolicy.equals("all") && !iceTransportPolicy.equals("relay")) {
            throw new IllegalArgumentException("sfu.webrtc.ice-transport-policy must be 'all' or 'relay', not '"
                    + iceTransportPolicy + "'.");
        }
        if (iceTransportPolicy.equals("relay") && turnUrls.isEmpty()) {
            throw new IllegalArgumentException("sfu.webrtc.ice-transport-policy = relay needs a TURN server "
                    + "(sfu.webrtc.turn.urls, --turn-url): browsers would have no candidate at all.");
        }
    }

    /** No STUN, no TURN, policy all: what the page used before this endpoint existed. */
    public static IceServersConfig none() {
        return new IceServersConfig(List.of(), List.of(), "", "", "", Duration.ofHours(24), "all");
    }

    /** TURN with coturn's REST credentials from {@code secret} (tests). */
    public static IceServersConfig turnWithSecret(List<String> turnUrls, String secret, Duration ttl, String policy) {
        return new IceServersConfig(List.of(), turnUrls, "", "", secret, ttl, policy);
    }

    public boolean usesSecret() {
        return !turnUrls.isEmpty() && !turnSecret.isEmpty();
    }

    /** Reads {@code sfu.webrtc}; a missing block means {@link #none()}. */
    public static IceServersConfig from(Config root) {
        try {
            if (!root.hasPath("sfu.webrtc")) {
                return none();
            }
            Config c = root.getConfig("sfu.webrtc");
            return new IceServersConfig(list(c, "stun-urls"), list(c, "turn.urls"), string(c, "turn.username"),
                    string(c, "turn.credential"), string(c, "turn.secret"),
                    c.hasPath("turn.credential-ttl") ? c.getDuration("turn.credential-ttl") : Duration.ofHours(24),
                    c.hasPath("ice-transport-policy") ? c.getString("ice-transport-policy") : "all");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String string(Config c, String key) {
        return c.hasPath(key) ? c.getString(key).strip() : "";
    }

    /** A list, or a comma-separated string (from the environment). */
    private static List<String> list(Config c, String key) {
        return dev.sfu.signaling.config.ConfigLists.strings(c, key);
    }

    @Override
    public String toString() {
        // Never print credentials.
        return "IceServersConfig[stun=" + stunUrls + ", turn=" + turnUrls + ", auth="
                + (turnUrls.isEmpty() ? "none" : usesSecret() ? "shared secret, ttl " + turnCredentialTtl : "static")
                + ", policy=" + iceTransportPolicy + "]";
    }
}
