package dev.sfu.signaling.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** The two ways a browser or an operator names a certificate. */
public final class CertificateFingerprints {
    private CertificateFingerprints() {
    }

    /**
     * SHA-256 of the whole certificate (DER), as browsers show it: upper-case hex pairs joined by
     * colons ({@code openssl x509 -noout -fingerprint -sha256} prints the same).
     */
    public static String sha256(X509Certificate cert) {
        try {
            byte[] d = digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(d).toUpperCase(Locale.ROOT);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo: the value Chromium's
     * {@code --ignore-certificate-errors-spki-list} takes (and HPKP's pin-sha256).
     */
    public static String spkiSha256Base64(X509Certificate cert) {
        return Base64.getEncoder().encodeToString(digest(cert.getPublicKey().getEncoded()));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
