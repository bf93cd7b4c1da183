package dev.sfu.signaling.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.sfu.signaling.auth.TokenRefused.Reason;
import dev.sfu.signaling.message.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Join tokens (RFC 7519 JWTs) as the server verifies them with nimbus-jose-jwt: the claims it
 * reads, and every way a forged or stale token must be refused, each with its code and a sentence.
 */
class JoinTokensTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static RSAKey rsa;
    private static ECKey ec;
    @TempDir
    static Path dir;
    private static Path jwks;
    private static Path rsaPem;
    private static Path ecPem;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        jwks = dir.resolve("keys.json");
        Files.writeString(jwks, new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        rsaPem = dir.resolve("rsa.pem");
        Files.writeString(rsaPem, pem(rsa.toPublicKey()));
        ecPem = dir.resolve("ec.pem");
        Files.writeString(ecPem, pem(ec.toPublicKey()));
    }

    private static String pem(PublicKey k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(k.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static JoinTokens verifier(String secret, Path keys) {
        return JoinTokens.from(new AuthConfig(secret, keys == null ? "" : keys.toString(), List.of(),
                Duration.ofSeconds(60)), CLOCK);
    }

    private static String claims(String room, long expSecondsFromNow) {
        return "{\"sub\":\"ada-1\",\"name\":\"Ada\",\"room\":\"" + room + "\",\"exp\":"
                + (NOW.getEpochSecond() + expSecondsFromNow) + "}";
    }

    private static String sign(JWSHeader header, String payload, JWSSigner signer) throws Exception {
        JWSObject o = new JWSObject(header, new Payload(payload));
        o.sign(signer);
        return o.serialize();
    }

    private static String hs256(String payload) throws Exception {
        return sign(new JWSHeader(JWSAlgorithm.HS256), payload, new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    private static TokenRefused refused(JoinTokens v, String token, String room) {
        TokenRefused e = assertThrows(TokenRefused.class, () -> v.verify(token, room));
        assertFalse(e.getMessage().contains(token == null || token.isEmpty() ? "\u0000" : token), "the sentence quotes the token");
        assertTrue(e.getMessage().endsWith("."), e.getMessage());
        return e;
    }

    @Test
    void hs256TokenGrantsItsRoomIdentityNameAndPermissions() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        assertTrue(v.required());
        Grant g = v.verify(hs256("{\"sub\":\"ada-1\",\"name\":\"Ada\",\"room\":\"blue\",\"canPublish\":false,"
                + "\"exp\":" + (NOW.getEpochSecond() + 600) + "}"), "blue");
        assertEquals("ada-1", g.identity());
        assertEquals("Ada", g.name());
        assertEquals("blue", g.room());
        assertFalse(g.canPublish());
        assertTrue(g.canSubscribe());
        assertEquals(NOW.plusSeconds(600), g.expiresAt());
        Grant any = v.verify(hs256(claims("*", 600)), "green");
        assertTrue(any.canPublish(), "canPublish defaults to true");
    }

    @Test
    void withoutKeysEveryJoinIsOpen() throws Exception {
        JoinTokens v = JoinTokens.open();
        assertFalse(v.required());
        assertEquals(Grant.OPEN, v.verify(null, "any"));
        assertEquals(Grant.OPEN, v.verify("garbage", "any"));
    }

    @Test
    void missingAndMalformedTokensAreUnauthorized() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        TokenRefused missing = refused(v, null, "blue");
        assertEquals(Reason.MISSING, missing.reason());
        assertEquals(ErrorCode.UNAUTHORIZED, missing.code());
        assertTrue(missing.getMessage().contains("?token="), missing.getMessage());
        assertEquals(Reason.MALFORMED, refused(v, "not.a-jwt", "blue").reason());
        assertEquals(Reason.MALFORMED, refused(v, hs256("{\"sub\":\"a\",\"room\":\"blue\"}"), "blue").reason(),
                "exp is required");
        assertEquals(Reason.MALFORMED, refused(v, hs256("{\"sub\":\"a\",\"room\":\"blue\",\"canPublish\":\"yes\",\"exp\":"
                + (NOW.getEpochSecond() + 60) + "}"), "blue").reason(), "a mistyped claim");
    }

    @Test
    void algNoneIsRefused() throws Exception {
        JoinTokens v = verifier(SECRET, jwks);
        String unsigned = Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode(claims("blue", 600)) + ".";
        TokenRefused e = refused(v, unsigned, "blue");
        assertEquals(Reason.ALGORITHM_NOT_ALLOWED, e.reason());
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        // The same with a (meaningless) signature part, and with "None".
        String none2 = Base64URL.encode("{\"alg\":\"None\",\"typ\":\"JWT\"}") + "." + Base64URL.encode(claims("blue", 600))
                + "." + Base64URL.encode("x");
        assertEquals(ErrorCode.UNAUTHORIZED, refused(v, none2, "blue").code());
    }

    /**
     * CVE-2021-39215 (algorithm confusion): an attacker who knows the server's RSA or EC public
     * key signs an HS256 token with the key's bytes as the HMAC secret. A verifier that lets the
     * token's alg pick how to use the key would accept it; keys pinned to one algorithm do not.
     */
    @Test
    void hs256SignedWithAPublicKeyAsTheHmacSecretIsRefused() throws Exception {
        for (Path pemFile : List.of(rsaPem, ecPem)) {
            byte[] pemBytes = Files.readAllBytes(pemFile);
            String kid = pemFile == rsaPem ? "rsa-1" : "ec-1";
            // Only public keys configured: no key verifies HS256 at all.
            for (Path keys : List.of(pemFile, jwks)) {
                JoinTokens v = verifier("", keys);
                String forged = sign(new JWSHeader(JWSAlgorithm.HS256), claims("blue", 600), new MACSigner(pemBytes));
                assertEquals(Reason.ALGORITHM_NOT_ALLOWED, refused(v, forged, "blue").reason(), keys.toString());
                String forgedKid = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims("blue", 600),
                        new MACSigner(pemBytes));
                TokenRefused e = refused(v, forgedKid, "blue");
                assertEquals(keys == jwks ? Reason.ALGORITHM_NOT_ALLOWED : Reason.UNKNOWN_KEY, e.reason(), e.getMessage());
            }
            // An HS256 secret configured as well: the forged token reaches only the secret, and fails.
            JoinTokens both = verifier(SECRET, jwks);
            String forged = sign(new JWSHeader(JWSAlgorithm.HS256), claims("blue", 600), new MACSigner(pemBytes));
            assertEquals(Reason.BAD_SIGNATURE, refused(both, forged, "blue").reason());
            String forgedKid = sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims("blue", 600),
                    new MACSigner(pemBytes));
            assertEquals(Reason.ALGORITHM_NOT_ALLOWED, refused(both, forgedKid, "blue").reason());
        }
    }

    @Test
    void rs256AndEs256TokensVerifyWithTheirPinnedKeys() throws Exception {
        JoinTokens v = verifier("", jwks);
        String rs = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims("blue", 600), new RSASSASigner(rsa));
        String es = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims("blue", 600), new ECDSASigner(ec));
        assertEquals("ada-1", v.verify(rs, "blue").identity());
        assertEquals("ada-1", v.verify(es, "blue").identity());
        // A token naming the other key's kid (the right algorithm for its own key) is refused.
        String swapped = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("ec-1").build(), claims("blue", 600), new RSASSASigner(rsa));
        assertEquals(Reason.ALGORITHM_NOT_ALLOWED, refused(v, swapped, "blue").reason());
        String unknown = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2").build(), claims("blue", 600), new RSASSASigner(rsa));
        assertEquals(Reason.UNKNOWN_KEY, refused(v, unknown, "blue").reason());
        // One PEM key, no kid in the token.
        String esNoKid = sign(new JWSHeader(JWSAlgorithm.ES256), claims("blue", 600), new ECDSASigner(ec));
        assertEquals("Ada", verifier("", ecPem).verify(esNoKid, "blue").name());
        // Another EC key's signature does not verify.
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        String wrongKey = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims("blue", 600), new ECDSASigner(other));
        assertEquals(Reason.BAD_SIGNATURE, refused(v, wrongKey, "blue").reason());
    }

    @Test
    void expiredTokensGetTokenExpiredPastTheLeeway() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        TokenRefused e = refused(v, hs256(claims("blue", -61)), "blue");
        assertEquals(Reason.EXPIRED, e.reason());
        assertEquals(ErrorCode.TOKEN_EXPIRED, e.code());
        assertTrue(e.getMessage().contains("new token"), e.getMessage());
        assertEquals("ada-1", v.verify(hs256(claims("blue", -59)), "blue").identity(), "within the 60 s leeway");
    }

    @Test
    void notYetValidTokensAreRefusedPastTheLeeway() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        long exp = NOW.getEpochSecond() + 3600;
        TokenRefused e = refused(v, hs256("{\"sub\":\"a\",\"room\":\"blue\",\"exp\":" + exp + ",\"nbf\":"
                + (NOW.getEpochSecond() + 120) + "}"), "blue");
        assertEquals(Reason.NOT_YET_VALID, e.reason());
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertEquals("a", v.verify(hs256("{\"sub\":\"a\",\"room\":\"blue\",\"exp\":" + exp + ",\"nbf\":"
                + (NOW.getEpochSecond() + 30) + "}"), "blue").identity());
    }

    @Test
    void aTokenForAnotherRoomIsRefused() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        TokenRefused e = refused(v, hs256(claims("blue", 600)), "green");
        assertEquals(Reason.WRONG_ROOM, e.reason());
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
        assertTrue(e.getMessage().contains("'blue'") && e.getMessage().contains("'green'"), e.getMessage());
    }

    @Test
    void aTamperedPayloadFailsTheSignature() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        String[] parts = hs256(claims("blue", 600)).split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(claims("*", 600)) + "." + parts[2];
        TokenRefused e = refused(v, tampered, "green");
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
        String otherSecret = sign(new JWSHeader(JWSAlgorithm.HS256), claims("blue", 600),
                new MACSigner("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.BAD_SIGNATURE, refused(v, otherSecret, "blue").reason());
    }

    /** A payload with "room" twice: parsers that keep the last (or first) value disagree, so it is refused. */
    @Test
    void duplicateKeysInThePayloadAreRefused() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        String dup = "{\"sub\":\"a\",\"room\":\"blue\",\"room\":\"*\",\"exp\":" + (NOW.getEpochSecond() + 600) + "}";
        TokenRefused e = refused(v, hs256(dup), "blue");
        assertEquals(Reason.MALFORMED, e.reason());
        String dupExp = "{\"sub\":\"a\",\"room\":\"blue\",\"exp\":1,\"exp\":" + (NOW.getEpochSecond() + 600) + "}";
        assertEquals(Reason.MALFORMED, refused(v, hs256(dupExp), "blue").reason());
    }

    @Test
    void issuersOutsideTheAllowListAreRefused() throws Exception {
        JoinTokens v = JoinTokens.from(new AuthConfig(SECRET, "", List.of("https://app.example"), Duration.ofSeconds(60)), CLOCK);
        long exp = NOW.getEpochSecond() + 600;
        assertEquals(Reason.ISSUER, refused(v, hs256(claims("blue", 600)), "blue").reason());
        assertEquals(Reason.ISSUER, refused(v, hs256("{\"sub\":\"a\",\"room\":\"blue\",\"iss\":\"https://evil.example\",\"exp\":"
                + exp + "}"), "blue").reason());
        assertEquals("a", v.verify(hs256("{\"sub\":\"a\",\"room\":\"blue\",\"iss\":\"https://app.example\",\"exp\":"
                + exp + "}"), "blue").identity());
    }

    @Test
    void bearerHeadersAreVerifiedForHttpEndpoints() throws Exception {
        JoinTokens v = verifier(SECRET, null);
        String t = hs256(claims("blue", 600));
        assertEquals("ada-1", v.verifyBearer("Bearer " + t).identity());
        assertEquals(Reason.MISSING, assertThrows(TokenRefused.class, () -> v.verifyBearer(null)).reason());
        assertEquals(Reason.MALFORMED, assertThrows(TokenRefused.class, () -> v.verifyBearer("Basic " + t)).reason());
        assertEquals(Grant.OPEN, JoinTokens.open().verifyBearer(null));
    }

    @Test
    void tokensFromTheIssuerVerify() throws Exception {
        String t = new TokenIssuer(SECRET, null).issue("blue", "bob", "Bob", Duration.ofMinutes(10), true);
        Grant g = JoinTokens.from(AuthConfig.withSecret(SECRET)).verify(t, "blue");
        assertEquals("bob", g.identity());
        assertEquals("Bob", g.name());
        assertFalse(g.canPublish());
        assertNull(JoinTokens.from(AuthConfig.withSecret(SECRET)).verify(
                new TokenIssuer(SECRET, null).issue("*", "c", null, Duration.ofMinutes(1), false), "x").name());
    }

    @Test
    void shortSecretsAndBadKeyFilesFailAtStartWithASentence() throws Exception {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class, () -> AuthConfig.withSecret("too-short"));
        assertTrue(shortSecret.getMessage().contains("at least 32 bytes"), shortSecret.getMessage());
        Path junk = dir.resolve("junk.txt");
        Files.writeString(junk, "hello");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> verifier("", junk));
        assertTrue(bad.getMessage().contains("neither a JWKS"), bad.getMessage());
        Path hsJwks = dir.resolve("oct.json");
        Files.writeString(hsJwks, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"" + Base64URL.encode(SECRET) + "\"}]}");
        IllegalArgumentException oct = assertThrows(IllegalArgumentException.class, () -> verifier("", hsJwks));
        assertTrue(oct.getMessage().contains("RS256") && oct.getMessage().contains("ES256"), oct.getMessage());
        Path mislabelled = dir.resolve("mislabelled.json");
        Files.writeString(mislabelled, "{\"keys\":[" + new RSAKey.Builder(rsa.toRSAPublicKey()).keyID("r").algorithm(JWSAlgorithm.PS256)
                .build().toJSONString() + "]}");
        assertThrows(IllegalArgumentException.class, () -> verifier("", mislabelled));
    }
}
