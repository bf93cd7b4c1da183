package dev.sfu.core.transport;

import dev.sfu.rtp.util.ObjectPool;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferPool;

/**
 * The process-wide pool of receive buffers. The server's {@link SharedUdpPort} and the client's
 * {@link ClientSocketPoller} receive into buffers taken here, and ice4j's
 * {@link BufferPool#getBuffer} / {@link BufferPool#returnBuffer} are pointed here too, so a
 * buffer ice4j drops instead of handing on comes back. A buffer has one owner at a time: the
 * reader, then the transport's ingress queue, then the transport's serial task, which returns
 * it here after the listener callbacks ran.
 *
 * <p>The pool is an {@link ObjectPool}, the same design as the forwarding path's buffer pool,
 * with its leak accounting: {@link #outstanding()} is the number of buffers taken and not given
 * back, which the transport tests check after closing everything. It is static because ice4j's
 * hook is: one per process.
 */
final class PacketPool {
    /** Enough for any datagram on a 1500-byte MTU path. */
    static final int BUFFER_SIZE = 2048;
    private static final int POOL_CAPACITY = 4096;
    private static final ObjectPool<Buffer> POOL = new ObjectPool<>(
            () -> new Buffer(new byte[BUFFER_SIZE], 0, BUFFER_SIZE), b -> b.getBuffer().length == BUFFER_SIZE, POOL_CAPACITY);
    private static volatile boolean installed;

    private PacketPool() {
    }

    /** Makes ice4j take and return its push-API buffers here; idempotent. */
    static synchronized void installIntoIce4j() {
        if (installed) {
            return;
        }
        BufferPool.getBuffer = PacketPool::acquire;
        BufferPool.returnBuffer = b -> {
            release(b);
            return kotlin.Unit.INSTANCE;
        };
        installed = true;
    }

    /** A buffer whose array holds at least {@code size} bytes. */
    static Buffer acquire(int size) {
        if (size <= BUFFER_SIZE) {
            Buffer b = POOL.acquire();
            b.setOffset(0);
            b.setLength(size);
            return b;
        }
        return new Buffer(new byte[size], 0, size);
    }

    /**
     * Returns a buffer. One of another size (a larger one {@link #acquire} made for the occasion)
     * is left to the GC, as is one beyond the pool's bound; null is ignored.
     */
    static void release(Buffer b) {
        if (b != null && b.getBuffer().length == BUFFER_SIZE) {
            b.setRemoteAddress(null);
            b.setLocalAddress(null);
            b.setReceivedTime(null);
            POOL.release(b);
        }
    }

    /** Pooled buffers taken and not yet given back (a leak shows as a count that only grows). */
    static long outstanding() {
        return POOL.outstanding();
    }

    /** Buffers given back twice (an ownership bug; counted, not thrown). */
    static long doubleReleases() {
        return POOL.doubleReleases();
    }
}
