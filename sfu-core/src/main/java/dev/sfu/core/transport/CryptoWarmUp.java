package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays the one-time cost of the crypto a first connection needs before a server opens its port:
 * one full DTLS-SRTP handshake between this process's own client and server roles over an
 * in-memory pipe (bctls classes, ECDHE, ECDSA sign and verify, certificate parsing, the
 * exporter of RFC 5764 section 4.2), and {@link SrtpSession#warmUp()} (jitsi-srtp loads the
 * Bouncy Castle provider and a native library on its first context).
 *
 * <p>Cold, these took 1.5 to 6 s on a loaded 2-core machine, all of it inside the first
 * participant's handshake; that could outlast the DTLS deadline and fail the first call.
 */
final class CryptoWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(CryptoWarmUp.class);
    private static final int TIMEOUT_MILLIS = 30_000;

    private CryptoWarmUp() {
    }

    /** Runs the warm-up; never throws (a failure is logged and the server starts anyway). */
    static void run(DtlsIdentity identity, List<SrtpProfile> profiles) {
        long start = System.nanoTime();
        try {
            SrtpSession.warmUp();
            handshake(identity, DtlsSrtpPeer.dtlsIds(profiles));
            LOG.debug("crypto warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.warn("crypto warm-up failed (the first connection may be slow): {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One handshake of this identity with itself: the server role on a helper thread. */
    private static void handshake(DtlsIdentity identity, int[] srtpIds) throws IOException, InterruptedException {
        DtlsSrtpPeer.Events events = new SelfEvents(identity);
        MemoryPipe toServer = new MemoryPipe();
        MemoryPipe toClient = new MemoryPipe();
        AtomicReference<Throwable> serverError = new AtomicReference<>();
        Thread server = new Thread(() -> {
            try {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                protocol.setVerifyRequests(false);
                protocol.accept(new DtlsSrtpServer(identity, events, TIMEOUT_MILLIS, srtpIds),
                        new PipeEnd(toServer, toClient)).close();
            } catch (IOException | RuntimeException e) {
                serverError.set(e);
            }
        }, "dtls-warm-up");
        server.setDaemon(true);
        server.start();
        try {
            DTLSTransport client = new DTLSClientProtocol().connect(
                    new DtlsSrtpClient(identity, events, TIMEOUT_MILLIS, srtpIds), new PipeEnd(toClient, toServer));
            client.close();
        } finally {
            server.join(TIMEOUT_MILLIS);
        }
        if (serverError.get() != null) {
            throw new IOException("warm-up server: " + serverError.get(), serverError.get());
        }
    }

    /** Both ends expect this process's own certificate; the keys are wiped and dropped. */
    private record SelfEvents(DtlsIdentity identity) implements DtlsSrtpPeer.Events {
        @Override
        public List<Fingerprint> remoteFingerprints() {
            return List.of(identity.fingerprint());
        }

        @Override
        public void fingerprintMismatch(String detail) {
            LOG.warn("warm-up fingerprint mismatch: {}", detail);
        }

        @Override
        public void keysExported(SrtpProfile profile, byte[] keyingMaterial) {
            java.util.Arrays.fill(keyingMaterial, (byte) 0);
        }

        @Override
        public void closeNotifyReceived() {
            // The warm-up ends either way.
        }
    }

    /** One direction of the in-memory pipe. */
    private static final class MemoryPipe {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(64);
    }

    /** One end of the pipe: receives from {@code in}, sends to {@code out}. */
    private record PipeEnd(MemoryPipe in, MemoryPipe out) implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return IceDatagramTransport.MAX_RECORD_DATAGRAM;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d;
            try {
                d = in.queue.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (d == null) {
                return -1;
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] d = new byte[len];
            System.arraycopy(buf, off, d, 0, len);
            out.queue.offer(d);
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
