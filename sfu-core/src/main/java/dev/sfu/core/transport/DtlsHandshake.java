package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one transport's DTLS 1.2 handshake (RFC 6347) in either role on the shared "dtls" pool:
 * bctls blocks on the {@link IceDatagramTransport} until the handshake ends, then the SRTP
 * session is keyed from the exported material (RFC 5764 section 4.2) on that same thread, so a
 * slow first key setup never holds up the transport's serial task. The outcome goes to the
 * transport once: established, or failed with the close reason it maps to.
 */
final class DtlsHandshake {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsHandshake.class);

    /** What the transport is told; called on the handshake thread. */
    interface Outcome {
        /** The handshake completed; {@code session} is null when no keys were exported. */
        void established(DTLSTransport transport, boolean client, SrtpSession session);

        void failed(CloseReason reason, String detail);
    }

    private final String id;
    private final TransportRuntime rt;
    /** Receiving SSRCs per kind the SRTP session accepts (the runtime's, or a relay's larger bound). */
    volatile int maxReceiveSsrcs;
    private final IceDatagramTransport io;
    private final Supplier<List<Fingerprint>> remoteFingerprints;
    private final Outcome outcome;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Events events = new Events();
    private volatile boolean done;
    private volatile String fingerprintMismatch;
    private volatile boolean closeNotifyReceived;
    private volatile SrtpProfile exportedProfile;
    private volatile byte[] exportedKeys;

    DtlsHandshake(String id, TransportRuntime rt, IceDatagramTransport io,
                  Supplier<List<Fingerprint>> remoteFingerprints, Outcome outcome) {
        this.id = id;
        this.rt = rt;
        this.maxReceiveSsrcs = rt.maxReceiveSsrcs;
        this.io = io;
        this.remoteFingerprints = remoteFingerprints;
        this.outcome = outcome;
    }

    /** Starts the handshake once, as DTLS client or server; later calls do nothing. */
    void start(boolean client) {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        int timeout = (int) rt.config.dtlsHandshakeTimeout().toMillis();
        LOG.debug("{}: DTLS handshake starts as {}", id, client ? "client" : "server");
        try {
            rt.handshakePool.execute(() -> run(client, timeout));
        } catch (RejectedExecutionException e) {
            outcome.failed(CloseReason.DTLS_FAILED, "shutting down");
        }
    }

    boolean isStarted() {
        return started.get();
    }

    /** True once bctls finished the handshake (keys may still be being set up). */
    boolean isDone() {
        return done;
    }

    /** True once the peer sent a close_notify alert. */
    boolean closeNotifyReceived() {
        return closeNotifyReceived;
    }

    /** Wipes keying material not yet taken (at close). */
    void wipe() {
        byte[] keys = exportedKeys;
        if (keys != null) {
            Arrays.fill(keys, (byte) 0);
        }
    }

    private void run(boolean client, int timeoutMillis) {
        try {
            DTLSTransport t;
            if (client) {
                t = new DTLSClientProtocol().connect(new DtlsSrtpClient(rt.identity, events, timeoutMillis,
                        DtlsSrtpPeer.dtlsIds(rt.config.srtpProfiles())), io);
            } else {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // The source is already ICE-validated, so the cookie round trip adds nothing.
                protocol.setVerifyRequests(false);
                t = protocol.accept(new DtlsSrtpServer(rt.identity, events, timeoutMillis,
                        DtlsSrtpPeer.dtlsIds(rt.config.srtpProfiles())), io);
            }
            io.setNonBlocking();
            done = true;
            LOG.debug("{}: DTLS handshake done", id);
            // Keyed here, not on the serial task: a cold first SRTP context can take seconds.
            outcome.established(t, client, keySrtp(client));
        } catch (IOException | RuntimeException e) {
            String mismatch = fingerprintMismatch;
            if (mismatch != null) {
                outcome.failed(CloseReason.FINGERPRINT_MISMATCH, mismatch);
            } else if (e instanceof TlsTimeoutException) {
                outcome.failed(CloseReason.DTLS_TIMEOUT, "DTLS handshake timed out");
            } else {
                outcome.failed(CloseReason.DTLS_FAILED, "DTLS handshake failed: " + e);
            }
        }
    }

    /** The SRTP session from the exported keying material (wiped here), or null when there is none. */
    private SrtpSession keySrtp(boolean client) {
        SrtpProfile p = exportedProfile;
        byte[] keys = exportedKeys;
        exportedKeys = null;
        if (p == null || keys == null) {
            return null;
        }
        try {
            return SrtpSession.fromKeyingMaterial(p, keys, client, maxReceiveSsrcs);
        } finally {
            Arrays.fill(keys, (byte) 0);
        }
    }

    /** For the handshake timeline in debug logs: content type, epoch and handshake type of the first record. */
    static String describeRecord(byte[] buf, int off, int len) {
        if (len < 14) {
            return len + " bytes";
        }
        int type = buf[off] & 0xFF;
        int epoch = ((buf[off + 3] & 0xFF) << 8) | (buf[off + 4] & 0xFF);
        String first = type == 22 && epoch == 0 ? "handshake " + (buf[off + 13] & 0xFF) : "content " + type;
        return len + " bytes, epoch " + epoch + ", " + first;
    }

    private final class Events implements DtlsSrtpPeer.Events {
        @Override
        public List<Fingerprint> remoteFingerprints() {
            return remoteFingerprints.get();
        }

        @Override
        public void fingerprintMismatch(String detail) {
            fingerprintMismatch = detail;
        }

        @Override
        public void keysExported(SrtpProfile p, byte[] keyingMaterial) {
            exportedProfile = p;
            exportedKeys = keyingMaterial;
        }

        @Override
        public void closeNotifyReceived() {
            closeNotifyReceived = true;
        }
    }
}
