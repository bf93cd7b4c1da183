package dev.sfu.core.transport;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.tls.TlsContext;

/**
 * The DTLS identity of this process: an ECDSA P-256 key pair and a self-signed certificate
 * made at start-up (RFC 8827 section 6.5: WebRTC endpoints authenticate each other by the
 * certificate fingerprint carried in SDP, RFC 8122 section 5), and the fingerprint checks.
 */
public final class DtlsIdentity {
    /** The hash functions accepted in a=fingerprint (RFC 8122 section 5 lists these for WebRTC). */
    public static final List<String> HASH_FUNCTIONS = List.of("sha-1", "sha-224", "sha-256", "sha-384", "sha-512");

    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final JcaTlsCrypto crypto;
    private final PrivateKey privateKey;
    private final byte[] certificateDer;
    private final Certificate tlsCertificate;
    private final Fingerprint fingerprint;

    private DtlsIdentity(JcaTlsCrypto crypto, PrivateKey privateKey, byte[] certificateDer) throws IOException {
        this.crypto = crypto;
        this.privateKey = privateKey;
        this.certificateDer = certificateDer;
        TlsCertificate cert = crypto.createCertificate(certificateDer);
        this.tlsCertificate = new Certificate(new TlsCertificate[] {cert});
        this.fingerprint = fingerprintOf(certificateDer, "sha-256");
    }

    /** Makes a fresh P-256 key pair and a self-signed certificate valid from yesterday for 30 days. */
    public static DtlsIdentity generate() {
        try {
            SecureRandom random = new SecureRandom();
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair kp = kpg.generateKeyPair();
            X500Name name = new X500Name("CN=sfu-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE));
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
            X509CertificateHolder holder = builder.build(signer);
            JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(random);
            return new DtlsIdentity(crypto, kp.getPrivate(), holder.getEncoded());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the DTLS certificate", e);
        }
    }

    /** The SHA-256 fingerprint for SDP. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The DER bytes of the certificate (a copy). */
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    JcaTlsCrypto crypto() {
        return crypto;
    }

    Certificate tlsCertificate() {
        return tlsCertificate;
    }

    /** Credentials to sign the handshake with this identity's key in the given connection. */
    TlsCredentialedSigner signer(TlsContext context) {
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                tlsCertificate, ECDSA_SHA256);
    }

    /**
     * The fingerprint of a DER certificate with the named hash (sha-1 ... sha-512), upper-case
     * hex with colons as in SDP.
     *
     * @throws IllegalArgumentException for an unsupported hash name
     */
    public static Fingerprint fingerprintOf(byte[] der, String hashFunction) {
        String hash = hashFunction.toLowerCase(Locale.ROOT);
        if (!HASH_FUNCTIONS.contains(hash)) {
            throw new IllegalArgumentException("unsupported fingerprint hash: " + hashFunction);
        }
        try {
            MessageDigest md = MessageDigest.getInstance(hash.toUpperCase(Locale.ROOT));
            return new Fingerprint(hash, HexFormat.ofDelimiter(":").withUpperCase().formatHex(md.digest(der)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when the peer's certificate matches any of the signalled fingerprints whose hash is
     * supported (RFC 8122 section 5: any fingerprint may match). Unsupported hashes are skipped;
     * no supported fingerprint at all is a mismatch.
     */
    public static boolean matchesAny(byte[] peerDer, List<Fingerprint> signalled) {
        if (peerDer == null || signalled == null) {
            return false;
        }
        for (Fingerprint f : signalled) {
            if (f == null || f.hashFunction() == null || f.value() == null) {
                continue;
            }
            String hash = f.hashFunction().toLowerCase(Locale.ROOT);
            if (!HASH_FUNCTIONS.contains(hash)) {
                continue;
            }
            Fingerprint actual = fingerprintOf(peerDer, hash);
            if (MessageDigest.isEqual(actual.value().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    f.value().strip().toUpperCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }
}
