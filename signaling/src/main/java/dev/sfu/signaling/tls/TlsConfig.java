package dev.sfu.signaling.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.file.Path;

/**
 * HTTPS and WSS on the HTTP port, from the {@code sfu.http.tls} block.
 *
 * @param certFile      PEM certificate chain (the server's certificate first); null when TLS is off
 *                      or self-signed. Config {@code sfu.http.tls.cert}, env {@code SFU_TLS_CERT},
 *                      flag {@code --tls-cert}
 * @param keyFile       PEM private key of that certificate (PKCS#8, PKCS#1 or SEC1, unencrypted).
 *                      Config {@code sfu.http.tls.key}, env {@code SFU_TLS_KEY}, flag {@code --tls-key}
 * @param selfSigned    create (once) and use a self-signed certificate kept in {@code selfSignedDir};
 *                      flag {@code --tls-self-signed}
 * @param selfSignedDir where the self-signed certificate and key are kept
 */
public record TlsConfig(Path certFile, Path keyFile, boolean selfSigned, Path selfSignedDir) {
    public TlsConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and its key: set sfu.http.tls.cert and "
                    + "sfu.http.tls.key (--tls-cert FILE --tls-key FILE, or SFU_TLS_CERT and SFU_TLS_KEY).");
        }
        if (certFile != null && selfSigned) {
            throw new IllegalArgumentException("Use either --tls-cert/--tls-key or --tls-self-signed, not both.");
        }
        if (selfSigned && selfSignedDir == null) {
            throw new IllegalArgumentException("sfu.http.tls.self-signed-dir must name a folder for the self-signed certificate.");
        }
    }

    /** Plain HTTP and WS. */
    public static TlsConfig off() {
        return new TlsConfig(null, null, false, null);
    }

    public static TlsConfig files(Path cert, Path key) {
        return new TlsConfig(cert, key, false, null);
    }

    public static TlsConfig selfSignedIn(Path dir) {
        return new TlsConfig(null, null, true, dir);
    }

    public boolean enabled() {
        return certFile != null || selfSigned;
    }

    /** Reads {@code sfu.http.tls}; a missing block means {@link #off()}. */
    public static TlsConfig from(Config root) {
        try {
            if (!root.hasPath("sfu.http.tls")) {
                return off();
            }
            Config c = root.getConfig("sfu.http.tls");
            Path cert = path(c, "cert");
            Path key = path(c, "key");
            boolean self = c.hasPath("self-signed") && c.getBoolean("self-signed");
            Path dir = path(c, "self-signed-dir");
            return new TlsConfig(cert, key, self, dir);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Path path(Config c, String key) {
        if (!c.hasPath(key)) {
            return null;
        }
        String s = c.getString(key).strip();
        if (s.isEmpty()) {
            return null;
        }
        if (s.startsWith("~/")) {
            s = System.getProperty("user.home") + s.substring(1);
        }
        return Path.of(s);
    }
}
