package dev.sfu.signaling.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The server's TLS context, built from a PEM certificate and key and rebuilt when either file
 * changes: each new connection asks {@link #current()}, which looks at the files' modification
 * time and size at most once a second. A renewed certificate (certbot, cert-manager, a copied
 * file) is therefore used from the next connection on, without a restart; connections already
 * open keep the certificate they were made with. A replacement that cannot be read or whose key
 * does not match is logged and the previous certificate stays in use until the files change again.
 *
 * <p>Netty's {@code SslHandler} on the JDK's TLS provider (TLS 1.2 and 1.3); nothing native.
 */
public final class ReloadingSslContext {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingSslContext.class);
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private record Stamp(long certModified, long certSize, long keyModified, long keySize) {
    }

    private record Loaded(SslContext context, X509Certificate certificate, Stamp stamp) {
    }

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded loaded;
    private volatile long nextCheck;
    /** The files' stamp when a reload last failed, so that a bad file is reported once. */
    private Stamp failed;

    private ReloadingSslContext(Path certFile, Path keyFile, Loaded loaded) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.loaded = loaded;
        this.nextCheck = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /** Loads the files; throws {@link IllegalArgumentException} with a sentence when they are unusable. */
    public static ReloadingSslContext load(Path certFile, Path keyFile) {
        Loaded first = build(certFile, keyFile, stamp(certFile, keyFile));
        ReloadingSslContext c = new ReloadingSslContext(certFile, keyFile, first);
        LOG.info("TLS certificate {} (key {}): {}", certFile, keyFile, describe(first.certificate()));
        return c;
    }

    /** The context for a new connection, reloaded first if the files changed. */
    public SslContext current() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            reloadIfChanged(now);
        }
        return loaded.context();
    }

    /** The certificate now served. */
    public X509Certificate certificate() {
        current();
        return loaded.certificate();
    }

    private synchronized void reloadIfChanged(long now) {
        if (now - nextCheck < 0) {
            return;
        }
        nextCheck = now + CHECK_INTERVAL_NANOS;
        Stamp stamp;
        try {
            stamp = stamp(certFile, keyFile);
        } catch (IllegalArgumentException e) {
            return; // Being replaced (briefly missing): the next check sees the new files.
        }
        if (stamp.equals(loaded.stamp()) || stamp.equals(failed)) {
            return;
        }
        try {
            Loaded next = build(certFile, keyFile, stamp);
            loaded = next;
            failed = null;
            LOG.info("TLS certificate reloaded from {}: {}", certFile, describe(next.certificate()));
        } catch (IllegalArgumentException e) {
            failed = stamp;
            LOG.warn("TLS certificate {} changed but cannot be used; still serving the previous one: {}", certFile,
                    e.getMessage());
        }
    }

    private static Loaded build(Path certFile, Path keyFile, Stamp stamp) {
        PemCredentials pem = PemCredentials.read(certFile, keyFile);
        try {
            SslContext ctx = SslContextBuilder.forServer(pem.key(), pem.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
            return new Loaded(ctx, pem.chain()[0], stamp);
        } catch (SSLException e) {
            throw new IllegalArgumentException("Cannot use the certificate " + certFile + " with its key " + keyFile
                    + ": " + e.getMessage(), e);
        }
    }

    private static Stamp stamp(Path cert, Path key) {
        try {
            return new Stamp(Files.getLastModifiedTime(cert).toMillis(), Files.size(cert),
                    Files.getLastModifiedTime(key).toMillis(), Files.size(key));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + (Files.isReadable(cert) ? key : cert)
                    + ": " + e.getMessage() + " (check the path and that this user may read it).", e);
        }
    }

    private static String describe(X509Certificate c) {
        return c.getSubjectX500Principal().getName() + ", valid until " + c.getNotAfter().toInstant()
                + ", SHA-256 " + CertificateFingerprints.sha256(c);
    }
}
