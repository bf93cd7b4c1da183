package dev.sfu.signaling.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One key that verifies join tokens, pinned to its one algorithm: the HS256 secret, or an RS256
 * or ES256 (P-256) public key from a PEM or JWKS file. A token is checked only with a key whose
 * algorithm is the token's {@code alg}, so an HS256 token "signed" with a public key as the HMAC
 * secret (CVE-2021-39215, algorithm confusion) never reaches an HMAC check with that key.
 *
 * @param kid       the JWK {@code kid}, null for the HS256 secret and a PEM key
 * @param algorithm the only algorithm this key verifies
 * @param verifier  nimbus-jose-jwt's verifier for the key
 */
record VerificationKey(String kid, JWSAlgorithm algorithm, JWSVerifier verifier) {

    /** The HS256 secret. */
    static VerificationKey hs256(String secret) {
        try {
            return new VerificationKey(null, JWSAlgorithm.HS256, new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("SFU_JWT_SECRET cannot be used for HS256: " + e.getMessage(), e);
        }
    }

    /**
     * The public keys of a file: a JWKS (JSON with {@code "keys"}) or one PEM public key or
     * certificate. Throws {@link IllegalArgumentException} with a sentence naming the file.
     */
    static List<VerificationKey> load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the JWT public key file " + file + ": " + e.getMessage(), e);
        }
        List<JWK> jwks = new ArrayList<>();
        try {
            if (text.startsWith("{")) {
                jwks.addAll(JWKSet.parse(text).getKeys());
            } else if (text.startsWith("-----BEGIN")) {
                jwks.add(JWK.parseFromPEMEncodedObjects(text));
            } else {
                throw new IllegalArgumentException("The JWT public key file " + file
                        + " is neither a JWKS (JSON with \"keys\") nor a PEM public key (-----BEGIN PUBLIC KEY-----).");
            }
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("The JWT public key file " + file + " could not be read: " + e.getMessage(), e);
        }
        if (jwks.isEmpty()) {
            throw new IllegalArgumentException("The JWT public key file " + file + " holds no key.");
        }
        List<VerificationKey> out = new ArrayList<>();
        for (JWK jwk : jwks) {
            JWK pub = jwk.toPublicJWK();
            if (pub == null) {
                throw new IllegalArgumentException("The key " + (jwk.getKeyID() == null ? "(no kid)" : "'" + jwk.getKeyID() + "'")
                        + " of " + file + " is a " + jwk.getKeyType() + " key; join tokens are verified with RSA (RS256)"
                        + " or EC P-256 (ES256) public keys only (an HS256 secret goes in SFU_JWT_SECRET).");
            }
            out.add(of(file, pub));
        }
        return out;
    }

    private static VerificationKey of(Path file, JWK jwk) {
        String name = "key " + (jwk.getKeyID() == null ? "(no kid)" : "'" + jwk.getKeyID() + "'") + " of " + file;
        try {
            if (KeyType.RSA.equals(jwk.getKeyType())) {
                pin(name, jwk, JWSAlgorithm.RS256);
                return new VerificationKey(jwk.getKeyID(), JWSAlgorithm.RS256, new RSASSAVerifier((RSAKey) jwk));
            }
            if (KeyType.EC.equals(jwk.getKeyType()) && Curve.P_256.equals(((ECKey) jwk).getCurve())) {
                pin(name, jwk, JWSAlgorithm.ES256);
                return new VerificationKey(jwk.getKeyID(), JWSAlgorithm.ES256, new ECDSAVerifier((ECKey) jwk));
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("The " + name + " cannot verify signatures: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("The " + name + " is a " + jwk.getKeyType()
                + " key; join tokens are verified with RSA (RS256) or EC P-256 (ES256) public keys only.");
    }

    private static void pin(String name, JWK jwk, JWSAlgorithm expected) {
        if (jwk.getAlgorithm() != null && !expected.getName().equals(jwk.getAlgorithm().getName())) {
            throw new IllegalArgumentException("The " + name + " says \"alg\": \"" + jwk.getAlgorithm().getName()
                    + "\"; a " + jwk.getKeyType() + " key here verifies " + expected.getName() + " only.");
        }
    }
}
