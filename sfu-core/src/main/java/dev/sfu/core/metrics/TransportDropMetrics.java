package dev.sfu.core.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.transport.DropCounters;
import dev.sfu.core.transport.DropReason;
import dev.sfu.core.transport.MediaTransport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The datagrams the media transports dropped ({@link DropReason}: UNVALIDATED_SOURCE,
 * SRTP_AUTH_FAILED, REPLAY ...), server-wide, as one gauge per reason in the registry:
 * {@code drops.transport.<REASON>}. Each gauge is the sum over the live transports plus the
 * totals of the closed ones, so it only grows, like a counter, across participants coming and
 * going. The room layer calls {@link #track} when it creates a participant's transport and
 * {@link #retire} once it closed it; the shared media port's own drops (datagrams no transport
 * got) are added with {@link #trackPort}. Nothing here is on the packet path: the transports count,
 * and this class reads their counts when the registry is read (once a second).
 */
public final class TransportDropMetrics {
    /** Registry name prefix of the gauges, under {@link ServerMetrics#DROPS_PREFIX}. */
    public static final String PREFIX = ServerMetrics.DROPS_PREFIX + "transport.";

    private static final DropReason[] REASONS = DropReason.values();

    private final Set<MediaTransport> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long[] closed = new long[REASONS.length];
    private final List<DropCounters> ports = new ArrayList<>();

    /** Registers the gauges in {@code registry}, replacing any of the same names. */
    public TransportDropMetrics(MetricRegistry registry) {
        for (DropReason r : REASONS) {
            registry.remove(PREFIX + r.name());
            registry.register(PREFIX + r.name(), (Gauge<Long>) () -> total(r));
        }
    }

    /** Starts counting a transport's drops. */
    public synchronized void track(MediaTransport transport) {
        live.add(transport);
    }

    /** Adds counters that belong to no transport (the shared media port's) to the totals. */
    public synchronized void trackPort(DropCounters counters) {
        ports.add(counters);
    }

    /** Keeps a closed transport's final counts in the totals and stops reading it. Idempotent. */
    public synchronized void retire(MediaTransport transport) {
        if (!live.remove(transport)) {
            return;
        }
        Map<DropReason, Long> counts = transport.dropCounts();
        for (DropReason r : REASONS) {
            closed[r.ordinal()] += counts.getOrDefault(r, 0L);
        }
    }

    /** Datagrams dropped for {@code reason} by every transport so far, live and closed. */
    public synchronized long total(DropReason reason) {
        long n = closed[reason.ordinal()];
        for (DropCounters c : ports) {
            n += c.get(reason);
        }
        for (MediaTransport t : live) {
            n += t.dropCounts().getOrDefault(reason, 0L);
        }
        return n;
    }
}
