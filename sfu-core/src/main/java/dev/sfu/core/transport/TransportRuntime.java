package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpSession;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads and identity shared by all transports of one {@link TransportServer} or
 * {@link TransportClient}: the media threads that run each transport's serial ingress task
 * ({@link MediaWorkers}, as many as cores unless {@link TransportConfig#mediaThreads()} says), a timer for consent and handshake deadlines, and a cached pool for the blocking bctls
 * handshakes (one thread per handshake in flight; idle threads end after 30 s). Creating one
 * also warms SRTP up ({@link SrtpSession#warmUp()}).
 */
final class TransportRuntime {
    final TransportConfig config;
    final DtlsIdentity identity;
    final MediaWorkers workers;
    final ScheduledExecutorService timer;
    final ExecutorService handshakePool;
    /**
     * Receiving SSRCs per SRTP session and kind: a server's peer publishes a few streams (the
     * default bound is against forged ones); a client (load-test subscriber) receives a room.
     */
    final int maxReceiveSsrcs;

    TransportRuntime(TransportConfig config, DtlsIdentity identity, String name) {
        this(config, identity, name, SrtpSession.DEFAULT_MAX_SSRCS);
    }

    TransportRuntime(TransportConfig config, DtlsIdentity identity, String name, int maxReceiveSsrcs) {
        this.maxReceiveSsrcs = maxReceiveSsrcs;
        // jitsi-srtp loads its crypto provider and native library on the first context (seconds
        // on a small machine); paid here, at start, instead of by the first call's media, which
        // would otherwise wait in the ingress queues (and be dropped as STALE).
        SrtpSession.warmUp();
        this.config = config;
        this.identity = identity;
        int threads = config.mediaThreads() > 0 ? config.mediaThreads() : Runtime.getRuntime().availableProcessors();
        this.workers = new MediaWorkers(name + "-media", threads, config.workerParkTimeout().toNanos());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemon(name + "-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.handshakePool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon(name + "-dtls"));
    }

    void shutdown() {
        handshakePool.shutdownNow();
        timer.shutdownNow();
        workers.shutdown(2000);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
