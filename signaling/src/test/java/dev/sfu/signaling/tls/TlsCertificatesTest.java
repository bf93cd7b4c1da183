package dev.sfu.signaling.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The self-signed certificate for LAN trials, its fingerprints, and reading PEM keys. */
class TlsCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void selfSignedCertificateIsMadeOnceAndKeptWithAPrivateKey() throws Exception {
        SelfSignedCertificate made = SelfSignedCertificate.ensure(dir.resolve("tls"));
        assertTrue(made.created());
        SelfSignedCertificate again = SelfSignedCertificate.ensure(dir.resolve("tls"));
        assertFalse(again.created());
        assertEquals(made.certificate(), again.certificate(), "the same certificate after a restart");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.keyFile())));
        X509Certificate c = made.certificate();
        List<String> names = c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
        assertEquals(names.size(), names.stream().distinct().count(), "no name twice: " + names);
        PemCredentials.read(made.certFile(), made.keyFile());
    }

    /** The printed fingerprint is the one OpenSSL computes, so an operator can compare the two. */
    @Test
    void printedFingerprintsMatchOpenssl() throws Exception {
        SelfSignedCertificate s = SelfSignedCertificate.ensure(dir.resolve("tls"));
        String text = s.instructions("https://localhost:8443");
        String fingerprint = CertificateFingerprints.sha256(s.certificate());
        assertTrue(text.contains("SHA-256 fingerprint: " + fingerprint), text);
        assertTrue(text.contains("--ignore-certificate-errors-spki-list=" + CertificateFingerprints.spkiSha256Base64(s.certificate())), text);
        Path openssl = Path.of("/usr/bin/openssl");
        if (Files.isExecutable(openssl)) {
            assertEquals("sha256 Fingerprint=" + fingerprint,
                    run(openssl.toString(), "x509", "-in", s.certFile().toString(), "-noout", "-fingerprint", "-sha256"));
            String spki = run("sh", "-c", "openssl x509 -in '" + s.certFile() + "' -noout -pubkey | openssl pkey -pubin -outform der"
                    + " | openssl dgst -sha256 -binary | base64");
            assertEquals(spki, CertificateFingerprints.spkiSha256Base64(s.certificate()));
        }
    }

    /** A test fixture (src/test/resources/tls, made with OpenSSL; its README says how). */
    private static Path fixture(String name) throws Exception {
        return Path.of(TlsCertificatesTest.class.getResource("/tls/" + name).toURI());
    }

    /**
     * Keys as OpenSSL writes them (RSA PKCS#1 "RSA PRIVATE KEY", EC SEC1 "EC PRIVATE KEY", PKCS#8),
     * each with a certificate made by {@code openssl req}, are read; a key of another certificate,
     * or a file without a key or a certificate, is refused with a sentence naming the file.
     */
    @Test
    void opensslKeysAreReadAndAKeyOfAnotherCertificateIsRefused() throws Exception {
        Path rsaKey = fixture("rsa-pkcs1.key");
        Path rsaCert = fixture("rsa.crt");
        Path ecKey = fixture("ec-sec1.key");
        Path ecCert = fixture("ec.crt");
        Path ecPkcs8 = fixture("ec-pkcs8.key");
        assertTrue(Files.readString(rsaKey).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(ecKey).contains("BEGIN EC PRIVATE KEY"));
        assertEquals("RSA", PemCredentials.read(rsaCert, rsaKey).key().getAlgorithm());
        assertEquals("EC", PemCredentials.read(ecCert, ecKey).key().getAlgorithm());
        assertEquals(((java.security.interfaces.ECPrivateKey) PemCredentials.read(ecCert, ecKey).key()).getS(),
                ((java.security.interfaces.ECPrivateKey) PemCredentials.read(ecCert, ecPkcs8).key()).getS());
        ReloadingSslContext.load(rsaCert, rsaKey);

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> PemCredentials.read(ecCert, rsaKey));
        assertTrue(other.getMessage().contains("does not belong to the certificate " + ecCert), other.getMessage());
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> PemCredentials.read(ecCert, ecCert));
        assertTrue(noKey.getMessage().contains("no unencrypted PEM private key"), noKey.getMessage());
        IllegalArgumentException noCert = assertThrows(IllegalArgumentException.class, () -> ReloadingSslContext.load(ecKey, ecKey));
        assertTrue(noCert.getMessage().contains(ecKey + " holds no PEM certificate"), noCert.getMessage());
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
