package dev.sfu.rtp.util;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one pool design of the server: a bounded, thread-safe pool of reusable objects (packet
 * buffers) with leak accounting. {@link #acquire} hands out a pooled object or a new one;
 * {@link #release} takes it back, keeping at most {@code maxPooled}. Every object has one owner:
 * whoever acquired it, or was handed it, releases it exactly once.
 *
 * <p>Misuse is counted, not thrown: releasing an object the pool cannot take (null, or one that
 * {@code belongs} refuses, such as an array of another size), or one that is already in the
 * pool, is ignored and counted. {@link #outstanding()} lets tests assert that nothing leaked.
 * Neither path allocates once the pool is warm. {@link BufferPool} pools byte arrays; the media
 * transport pools ice4j buffers the same way ({@code core.transport.PacketPool}).
 *
 * @param <T> the pooled type
 */
public class ObjectPool<T> {
    private final Supplier<T> factory;
    private final Predicate<T> belongs;
    private final int maxPooled;
    private final ArrayDeque<T> free;
    private final IdentityHashMap<T, Boolean> inPool;
    private long outstanding;
    private long allocated;
    private long foreignReleases;
    private long doubleReleases;

    /**
     * @param factory   makes a new object when the pool is empty
     * @param belongs   true for an object this pool may take back
     * @param maxPooled the most objects kept for reuse; more released ones are left to the GC
     */
    public ObjectPool(Supplier<T> factory, Predicate<T> belongs, int maxPooled) {
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled " + maxPooled);
        }
        this.factory = factory;
        this.belongs = belongs;
        this.maxPooled = maxPooled;
        this.free = new ArrayDeque<>(Math.max(1, maxPooled));
        this.inPool = new IdentityHashMap<>(Math.max(1, maxPooled));
    }

    /** A pooled object, or a new one; its contents are whatever the last owner left. */
    public T acquire() {
        synchronized (this) {
            outstanding++;
            T o = free.pollFirst();
            if (o != null) {
                inPool.remove(o);
                return o;
            }
            allocated++;
        }
        return factory.get();
    }

    /** Returns an object; nulls, objects the pool refuses and double releases are counted and ignored. */
    public void release(T o) {
        if (o == null || !belongs.test(o)) {
            synchronized (this) {
                foreignReleases++;
            }
            return;
        }
        synchronized (this) {
            if (inPool.containsKey(o)) {
                doubleReleases++;
                return;
            }
            outstanding--;
            if (free.size() < maxPooled) {
                free.addFirst(o);
                inPool.put(o, Boolean.TRUE);
            }
        }
    }

    /** Objects acquired and not yet released. */
    public synchronized long outstanding() {
        return outstanding;
    }

    /** Objects waiting in the pool. */
    public synchronized int pooled() {
        return free.size();
    }

    /** Objects the pool had to make because it was empty. */
    public synchronized long allocated() {
        return allocated;
    }

    /** Releases of null or of objects the pool refuses. */
    public synchronized long foreignReleases() {
        return foreignReleases;
    }

    /** Releases of an object that was already back in the pool. */
    public synchronized long doubleReleases() {
        return doubleReleases;
    }
}
