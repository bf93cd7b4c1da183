package dev.sfu.core.transport;

/**
 * When one {@link IceDtlsTransport} last heard its peer, and which of its deadlines has passed:
 * ICE must connect within the consent timeout of the remote description, DTLS must complete
 * within {@link TransportConfig#dtlsHandshakeTimeout()} of ICE, and a connected peer must be
 * heard from (media, DTLS or an answered consent check) within the consent timeout (RFC 7675).
 * The transport's watchdog asks {@link #expired} periodically and closes it with the answer.
 */
final class ConnectionDeadlines {
    /** A passed deadline: the close reason and its sentence. */
    record Expired(CloseReason reason, String detail) {
    }

    private final TransportConfig config;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long iceConnectedNanos;

    ConnectionDeadlines(TransportConfig config) {
        this.config = config;
    }

    /** The peer was heard from (or ICE starts now, for the deadline to connect). */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** ICE selected a pair: true the first time, when the DTLS deadline starts. */
    boolean iceConnected() {
        if (iceConnectedNanos != 0) {
            return false;
        }
        iceConnectedNanos = System.nanoTime();
        return true;
    }

    /** The deadline that has passed now, or null. */
    Expired expired(boolean connected, boolean handshakeDone, boolean remoteKnown) {
        long now = System.nanoTime();
        long consent = config.consentTimeout().toNanos();
        if (connected) {
            if (now - lastHeardNanos > consent) {
                return new Expired(CloseReason.CONSENT_EXPIRED, "nothing heard from the peer for "
                        + config.consentTimeout().toMillis() + " ms (RFC 7675)");
            }
        } else if (iceConnectedNanos != 0 && !handshakeDone) {
            if (now - iceConnectedNanos > config.dtlsHandshakeTimeout().toNanos()) {
                return new Expired(CloseReason.DTLS_TIMEOUT, "DTLS did not complete within "
                        + config.dtlsHandshakeTimeout().toMillis() + " ms of ICE");
            }
        } else if (remoteKnown && now - lastHeardNanos > consent) {
            return new Expired(CloseReason.ICE_FAILED, "ICE did not connect within "
                    + config.consentTimeout().toMillis() + " ms");
        }
        return null;
    }
}
