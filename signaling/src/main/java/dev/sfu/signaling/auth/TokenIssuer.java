package dev.sfu.signaling.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Makes HS256 join tokens with the configured secret, for {@code ./sfu token}, tests and trials.
 * Applications would normally issue their own tokens with their own JWT library; the claims are
 * the ones {@link JoinTokens} reads.
 */
public final class TokenIssuer {
    private final MACSigner signer;
    private final String issuer;

    /**
     * @param secret the HS256 secret (at least 32 bytes)
     * @param issuer the {@code iss} claim, null for none
     */
    public TokenIssuer(String secret, String issuer) {
        try {
            this.signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("The secret cannot sign HS256 tokens: " + e.getMessage(), e);
        }
        this.issuer = issuer;
    }

    /**
     * A signed token.
     *
     * @param room          the room, or {@code *}
     * @param identity      {@code sub}
     * @param name          {@code name}, null for none
     * @param ttl           lifetime from now
     * @param subscribeOnly {@code canPublish: false}
     */
    public String issue(String room, String identity, String name, Duration ttl, boolean subscribeOnly) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(identity)
                .claim("room", room)
                .claim("canPublish", !subscribeOnly)
                .claim("canSubscribe", true)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (name != null) {
            claims.claim("name", name);
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a join token failed", e);
        }
        return jwt.serialize();
    }
}
