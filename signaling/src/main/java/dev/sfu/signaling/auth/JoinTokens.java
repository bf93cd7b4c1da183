package dev.sfu.signaling.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sfu.signaling.auth.TokenRefused.Reason;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies join tokens (JWTs, RFC 7519) with nimbus-jose-jwt: the signature with the configured
 * key pinned to the token's algorithm (chosen by {@code kid}), then the claims: {@code exp}
 * required, {@code nbf}, both with a clock leeway; {@code iss} in the allow-list when there is
 * one; {@code sub} the identity; the room grant {@code room}, {@code canPublish},
 * {@code canSubscribe}; {@code name}. Thread-safe; shared by every connection and by
 * {@code /webrtc/config} ({@link #verifyBearer}).
 *
 * <pre>
 * JoinTokens tokens = JoinTokens.from(AuthConfig.from(config));
 * Grant g = tokens.verify(token, "blue-fox-42");   // throws TokenRefused with the code and a sentence
 * </pre>
 */
public final class JoinTokens {
    private static final String ASK = " Ask the application that sent you here for a new link or token.";

    private final List<VerificationKey> keys;
    private final Set<String> issuers;
    private final Duration leeway;
    private final Clock clock;

    private JoinTokens(List<VerificationKey> keys, Set<String> issuers, Duration leeway, Clock clock) {
        this.keys = List.copyOf(keys);
        this.issuers = Set.copyOf(issuers);
        this.leeway = leeway;
        this.clock = clock;
    }

    /** The verifier of {@code config}; throws {@link IllegalArgumentException} on a bad key or key file. */
    public static JoinTokens from(AuthConfig config) {
        return from(config, Clock.systemUTC());
    }

    /** As {@link #from(AuthConfig)} with another clock (tests). */
    public static JoinTokens from(AuthConfig config, Clock clock) {
        List<VerificationKey> keys = new ArrayList<>();
        if (!config.jwtSecret().isEmpty()) {
            keys.add(VerificationKey.hs256(config.jwtSecret()));
        }
        if (!config.publicKeys().isEmpty()) {
            keys.addAll(VerificationKey.load(Path.of(config.publicKeys())));
        }
        return new JoinTokens(keys, new TreeSet<>(config.issuers()), config.leeway(), clock);
    }

    /** No keys: every join is allowed ({@link Grant#OPEN}). */
    public static JoinTokens open() {
        return from(AuthConfig.open());
    }

    /** True when joining needs a token. */
    public boolean required() {
        return !keys.isEmpty();
    }

    /** A description of the keys for the start-up log, e.g. "HS256 secret, RS256 key 'k1'"; never the keys. */
    public String describe() {
        List<String> out = new ArrayList<>();
        for (VerificationKey k : keys) {
            out.add(k.algorithm().getName() + (k.kid() == null ? (k.algorithm() == JWSAlgorithm.HS256 ? " secret" : " key")
                    : " key '" + k.kid() + "'"));
        }
        return String.join(", ", out);
    }

    /**
     * Verifies a token for joining {@code room}. On a server without keys, returns
     * {@link Grant#OPEN} whatever the token.
     */
    public Grant verify(String token, String room) throws TokenRefused {
        if (!required()) {
            return Grant.OPEN;
        }
        Grant g = verify(token);
        if (!g.allows(room)) {
            throw new TokenRefused(Reason.WRONG_ROOM, "The join token is for room '" + g.room() + "', not '" + room
                    + "'; join that room, or ask for a token for this one.");
        }
        return g;
    }

    /**
     * Verifies an {@code Authorization} header value ({@code Bearer <token>}), for HTTP endpoints
     * such as {@code /webrtc/config}: the grant of the token, whatever its room; {@link Grant#OPEN}
     * on a server without keys.
     */
    public Grant verifyBearer(String authorization) throws TokenRefused {
        if (!required()) {
            return Grant.OPEN;
        }
        if (authorization == null || authorization.isBlank()) {
            return verify(null);
        }
        String a = authorization.strip();
        if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new TokenRefused(Reason.MALFORMED, "The Authorization header must be 'Bearer <join token>'.");
        }
        return verify(a.substring(7).strip());
    }

    /** Verifies the signature and claims of a token, whatever its room. */
    public Grant verify(String token) throws TokenRefused {
        if (!required()) {
            return Grant.OPEN;
        }
        if (token == null || token.isBlank()) {
            throw new TokenRefused(Reason.MISSING, "This server needs a join token: add ?token=<token> to the address,"
                    + " or send \"token\" in 'join'." + ASK);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.strip());
        } catch (ParseException e) {
            throw new TokenRefused(isUnsecured(token) ? Reason.ALGORITHM_NOT_ALLOWED : Reason.MALFORMED,
                    isUnsecured(token) ? "The join token is unsigned (\"alg\": \"none\"); this server accepts signed tokens only." + ASK
                            : "The join token is not a signed JWT (header.payload.signature in base64url)." + ASK);
        }
        checkSignature(jwt);
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRefused(Reason.MALFORMED, "The join token's payload is not a valid JSON claims set"
                    + " (duplicate or mistyped claims)." + ASK);
        }
        return checkClaims(claims);
    }

    private void checkSignature(SignedJWT jwt) throws TokenRefused {
        JWSHeader h = jwt.getHeader();
        JWSAlgorithm alg = h.getAlgorithm();
        String kid = h.getKeyID();
        List<VerificationKey> candidates = new ArrayList<>();
        boolean kidKnown = false;
        for (VerificationKey k : keys) {
            if (kid != null && !kid.equals(k.kid())) {
                continue;
            }
            kidKnown = true;
            if (k.algorithm().equals(alg)) {
                candidates.add(k);
            }
        }
        if (!kidKnown) {
            throw new TokenRefused(Reason.UNKNOWN_KEY, "The join token was signed with key '" + abbreviate(kid)
                    + "', which this server does not know." + ASK);
        }
        if (candidates.isEmpty()) {
            throw new TokenRefused(Reason.ALGORITHM_NOT_ALLOWED, "The join token's algorithm " + abbreviate(alg.getName())
                    + " is not allowed for " + (kid == null ? "this server's keys" : "key '" + abbreviate(kid) + "'")
                    + " (allowed: " + allowed(kid) + ")." + ASK);
        }
        for (VerificationKey k : candidates) {
            try {
                if (jwt.verify(k.verifier())) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                // Not verified with this key (e.g. a critical header it does not understand).
            }
        }
        throw new TokenRefused(Reason.BAD_SIGNATURE, "The join token's signature does not verify: it was changed,"
                + " or signed with another key." + ASK);
    }

    private Grant checkClaims(JWTClaimsSet c) throws TokenRefused {
        Instant now = clock.instant();
        Date exp = c.getExpirationTime();
        if (exp == null) {
            throw new TokenRefused(Reason.MALFORMED, "The join token has no expiry ('exp'); this server accepts"
                    + " only tokens that expire." + ASK);
        }
        if (exp.toInstant().plus(leeway).isBefore(now)) {
            throw new TokenRefused(Reason.EXPIRED, "The join token expired at " + exp.toInstant()
                    + "; get a new token (reload the page from the application that invited you).");
        }
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minus(leeway).isAfter(now)) {
            throw new TokenRefused(Reason.NOT_YET_VALID, "The join token is valid only from " + nbf.toInstant()
                    + "; try again then, or check this computer's clock.");
        }
        if (!issuers.isEmpty() && (c.getIssuer() == null || !issuers.contains(c.getIssuer()))) {
            throw new TokenRefused(Reason.ISSUER, "The join token's issuer ('iss') is not one this server accepts." + ASK);
        }
        try {
            String sub = c.getSubject();
            if (sub == null || sub.isBlank()) {
                throw new TokenRefused(Reason.MALFORMED, "The join token has no identity ('sub')." + ASK);
            }
            String room = c.getStringClaim("room");
            if (room == null || room.isBlank()) {
                throw new TokenRefused(Reason.MALFORMED, "The join token grants no room ('room': a room name, or *)." + ASK);
            }
            String name = c.getStringClaim("name");
            Boolean pub = c.getBooleanClaim("canPublish");
            Boolean subscribe = c.getBooleanClaim("canSubscribe");
            return new Grant(sub, name == null || name.isBlank() ? null : name, room, pub == null || pub,
                    subscribe == null || subscribe, exp.toInstant());
        } catch (ParseException e) {
            throw new TokenRefused(Reason.MALFORMED, "The join token's claims have the wrong types ('room' and 'name'"
                    + " are strings, 'canPublish' and 'canSubscribe' booleans)." + ASK);
        }
    }

    private String allowed(String kid) {
        Set<String> out = new TreeSet<>();
        for (VerificationKey k : keys) {
            if (kid == null || kid.equals(k.kid())) {
                out.add(k.algorithm().getName());
            }
        }
        return String.join(", ", out);
    }

    /** An unsecured JWT: nimbus refuses its header as a JWS header, and we say why. */
    private static boolean isUnsecured(String token) {
        try {
            return com.nimbusds.jwt.JWTParser.parse(token.strip()) instanceof com.nimbusds.jwt.PlainJWT;
        } catch (ParseException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
    }
}
