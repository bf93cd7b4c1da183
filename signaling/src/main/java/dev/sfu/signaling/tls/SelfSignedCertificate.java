package dev.sfu.signaling.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A self-signed certificate for trials on a LAN ({@code ./sfu serve --tls-self-signed}): made once
 * with Bouncy Castle (ECDSA P-256, valid for a year, names localhost, this host's name and every
 * address of its interfaces) and kept as {@code cert.pem} and {@code key.pem} (mode 600) in a
 * folder, so that a browser told to trust it keeps trusting it after a restart. Delete the folder
 * to get a new one.
 *
 * @param certFile the PEM certificate
 * @param keyFile  the PEM private key
 * @param created  true when this call made it, false when it was already there
 */
public record SelfSignedCertificate(Path certFile, Path keyFile, boolean created) {
    static final Duration VALIDITY = Duration.ofDays(365);

    /** Returns the certificate in {@code dir}, creating the folder and the certificate when missing. */
    public static SelfSignedCertificate ensure(Path dir) {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            return new SelfSignedCertificate(cert, key, false);
        }
        try {
            Files.createDirectories(dir);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X509Certificate c = build(pair, names());
            writeAtomically(key, pem(pair.getPrivate()), true);
            writeAtomically(cert, pem(c), false);
            return new SelfSignedCertificate(cert, key, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the self-signed certificate into " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot create a self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate, read back. */
    public X509Certificate certificate() {
        return PemCredentials.readChain(certFile)[0];
    }

    /**
     * What to tell the person who started the server: where the certificate is, its fingerprint,
     * and three ways to make a browser trust it.
     */
    public String instructions(String httpsOrigin) {
        X509Certificate c = certificate();
        return String.join("\n",
                "Self-signed TLS certificate " + (created ? "created: " : "(kept from an earlier start): ") + certFile,
                "  SHA-256 fingerprint: " + CertificateFingerprints.sha256(c),
                "  valid until " + c.getNotAfter().toInstant() + " for " + String.join(", ", subjectAltNames(c)),
                "Browsers warn about a self-signed certificate. To trust it:",
                "  - open " + httpsOrigin + "/, check that the certificate the warning shows has this SHA-256",
                "    fingerprint, then proceed (Chrome: Advanced > Proceed; Firefox: Advanced > Accept the Risk); or",
                "  - import " + certFile + " as a trusted authority (Chrome: Settings > Privacy and security >",
                "    Security > Manage certificates; Firefox: Settings > Privacy & Security > Certificates; Debian:",
                "    copy it to /usr/local/share/ca-certificates/sfu.crt and run update-ca-certificates); or",
                "  - start Chromium with --ignore-certificate-errors-spki-list=" + CertificateFingerprints.spkiSha256Base64(c),
                "Delete " + certFile.getParent() + " to make a new certificate (e.g. after the machine's address changed).",
                "");
    }

    private static List<String> subjectAltNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> n : c.getSubjectAlternativeNames()) {
                    out.add(String.valueOf(n.get(1)));
                }
            }
        } catch (CertificateException e) {
            out.add("(unreadable names)");
        }
        return out;
    }

    /** localhost, 127.0.0.1, ::1, this host's name and the addresses of its interfaces. */
    static Set<String> names() {
        // IPv6 written as InetAddress.getHostAddress() writes it, so that ::1 is not named twice.
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // No host name: localhost and the addresses still work.
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        String s = a.getHostAddress();
                        int zone = s.indexOf('%');
                        names.add(zone < 0 ? s : s.substring(0, zone));
                    }
                }
            }
        } catch (SocketException e) {
            // Interfaces unreadable: the loopback names above remain.
        }
        return names;
    }

    private static X509Certificate build(KeyPair pair, Set<String> names)
            throws OperatorCreationException, CertificateException, IOException {
        X500Name subject = new X500Name("CN=SFU self-signed certificate");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            boolean ip = n.contains(":") || n.matches("[0-9.]+");
            alt.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o instanceof java.security.PrivateKey k
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null).generate() : o);
        }
        return s.toString();
    }

    private static void writeAtomically(Path target, String text, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the folder's own permissions apply.
                }
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
