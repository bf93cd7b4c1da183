package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The client role of the transport, for our own Java peers (tests and the load tester): each
 * transport has its own ephemeral UDP socket on the configured bind address, is ICE
 * controlling, and is DTLS client unless the server's a=setup says active. No SDP: the caller
 * passes the server's ufrag, password, candidates and fingerprint as {@link RemoteParameters},
 * and gives the server this transport's values the same way.
 */
public final class TransportClient implements AutoCloseable {
    private final TransportRuntime runtime;
    /** Reads every transport's host socket on one thread (see {@link ClientSocketPoller}). */
    private final ClientSocketPoller poller;
    private volatile boolean closed;

    private TransportClient(TransportConfig config, Duration receivePollInterval) {
        // A client may subscribe to a large room: three SSRCs and a sender report stream per publisher.
        this.runtime = new TransportRuntime(config, DtlsIdentity.generate(), "transport-client",
                SrtpSession.DEFAULT_MAX_TX_SSRCS);
        this.poller = new ClientSocketPoller("transport-client-poller", receivePollInterval.toNanos());
    }

    /** Makes the client's certificate and threads; {@code config.port()} is not used. */
    public static TransportClient start(TransportConfig config) {
        return start(config, Duration.ZERO);
    }

    /**
     * Like {@link #start(TransportConfig)}, but the receive thread polls the sockets every
     * {@code receivePollInterval} instead of sleeping until a datagram arrives ({@link Duration#ZERO}:
     * sleep). Polling keeps the cost of waking this client off the sender's CPU, which matters when
     * the sender is a server on the same host; each datagram may wait up to one interval.
     */
    public static TransportClient start(TransportConfig config, Duration receivePollInterval) {
        Ice4jSetup.init();
        return new TransportClient(config, receivePollInterval);
    }

    /** This client's certificate fingerprint (sha-256). */
    public Fingerprint fingerprint() {
        return runtime.identity.fingerprint();
    }

    /**
     * Creates one client transport with {@code listener} bound ({@link MediaTransport#bind}); its
     * local candidate is bound on return. Its end goes to {@link MediaTransport#addCloseHandler}.
     */
    public IceDtlsTransport createTransport(String id, TransportListener listener) {
        if (closed) {
            throw new IllegalStateException("transport client closed");
        }
        IceDtlsTransport t;
        try {
            t = IceDtlsTransport.create(id, runtime, false,
                    events -> IceLink.client(runtime.config.bindAddress(), poller, events));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create client transport " + id, e);
        }
        t.bind(listener);
        return t;
    }

    /** Stops the shared threads; close the transports first. */
    @Override
    public void close() {
        closed = true;
        poller.close();
        runtime.shutdown();
    }
}
