package dev.sfu.signaling.browser;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the failure says what was awaited. */
public final class Waits {
    /** How often conditions are polled. */
    public static final Duration POLL = Duration.ofMillis(100);

    private Waits() {
    }

    /** Waits until {@code condition} is true; fails with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        until(timeout, what, condition::getAsBoolean, ok -> ok);
    }

    /**
     * Polls {@code probe} until its value satisfies {@code accept} and returns that value; after
     * {@code timeout} fails with {@code what} and the last value seen. A probe that throws counts
     * as not yet satisfied, and its last exception is attached to the failure.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe, Predicate<? super T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (accept.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError failure = new AssertionError(
                        "Timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last value: " + last);
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            sleep(POLL);
        }
    }

    /**
     * Sleeps, turning an interrupt into an unchecked failure that keeps the interrupt flag. A
     * duration already spent (negative: the rest of a deadline the caller computed) sleeps not at all.
     */
    public static void sleep(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** True when a GET of {@code url} answers 200 within a couple of seconds; false on any error. */
    static boolean answersOk(String url) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Like {@link #answersOk} for an {@code https://} address, accepting any certificate: it only
     * asks whether the server is up (the tests that care check the certificate in the browser).
     */
    static boolean answersOkOverAnyTls(String url) {
        try {
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) java.net.URI.create(url).toURL().openConnection();
            c.setSSLSocketFactory(tls.getSocketFactory());
            c.setHostnameVerifier((h, s) -> true);
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
