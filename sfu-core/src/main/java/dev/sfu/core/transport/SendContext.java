package dev.sfu.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a thread's datagrams for a native media port go. A media thread holds one that batches:
 * its worker creates it with the thread, datagrams queue in its {@link SendBatch} and go out with
 * one {@code sendmmsg} when the worker's task ends ({@link MediaWorkers.Worker}). Every other
 * thread (ICE, DTLS, timers, tests) uses {@link #IMMEDIATE}: each datagram goes out at once.
 *
 * <p>The transport's egress looks the context up once per datagram ({@link #current()}: a type
 * check of the current thread, no allocation) and passes it down the send path
 * ({@link IceLink.Route#send}, {@link SharedUdpPort#send}); the port uses whichever it is given.
 * Owned by its thread; nothing in it is shared.
 */
final class SendContext {
    private static final Logger LOG = LoggerFactory.getLogger(SendContext.class);

    /** Threads without a batch: every datagram is sent at once. */
    static final SendContext IMMEDIATE = new SendContext(null);

    /** The owning media thread's name; null for {@link #IMMEDIATE}. */
    private final String owner;
    /** Created on first use (a port on JDK sockets never needs the native memory). */
    private SendBatch batch;

    private SendContext(String owner) {
        this.owner = owner;
    }

    /** A batching context for the media thread called {@code owner}. */
    static SendContext batching(String owner) {
        return new SendContext(owner);
    }

    /** The calling thread's context: its own if it is a media thread, else {@link #IMMEDIATE}. */
    static SendContext current() {
        return Thread.currentThread() instanceof MediaWorkers.MediaThread t ? t.sendContext() : IMMEDIATE;
    }

    /** Queues one datagram from {@code s} to {@code to} in the batch, or sends it now. */
    void send(NativeUdpSocket s, byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        if (owner == null) {
            s.sendNow(buf, off, len, to);
            return;
        }
        SendBatch b = batch;
        if (b == null) {
            b = new SendBatch();
            batch = b;
        }
        b.add(s, buf, off, len, to);
    }

    /** Datagrams queued and not sent yet. */
    int pending() {
        SendBatch b = batch;
        return b == null ? 0 : b.pending();
    }

    /** Sends what is queued (the worker, after each task). */
    void flush() {
        SendBatch b = batch;
        if (b != null && b.pending() > 0) {
            try {
                b.flush();
            } catch (RuntimeException e) {
                LOG.warn("{}: sending a batch failed", owner, e);
            }
        }
    }
}
