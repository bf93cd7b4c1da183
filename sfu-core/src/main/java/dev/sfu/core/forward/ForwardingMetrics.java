package dev.sfu.core.forward;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.metrics.RateMeter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Counters of one room's packet path, registered in the server's {@link MetricRegistry} under
 * {@code room.<roomId>.<name>} and removed when the room closes. Packets and bytes are
 * {@link RateMeter}s: totals plus one-second rates (bytes * 8 = bits/s), marked with the clock
 * reading the packet path already made. Drops are also counted server-wide under
 * {@code drops.<REASON>}.
 */
public final class ForwardingMetrics {
    private final MetricRegistry registry;
    private final String prefix;
    private final List<String> names = new ArrayList<>();
    public final RateMeter packetsIn;
    public final RateMeter bytesIn;
    public final RateMeter packetsOut;
    public final RateMeter bytesOut;
    public final Counter nacksReceived;
    public final Counter nacksSent;
    public final Counter retransmissions;
    public final Counter plisSent;
    public final Counter keyframeRequestsReceived;
    public final Counter keyframes;
    private final Counter[] drops;
    private final Counter[] serverDrops;

    private final LongSupplier clock;
    private final java.util.Map<String, StageCounters> stages = new java.util.LinkedHashMap<>();

    public ForwardingMetrics(MetricRegistry registry, String roomId) {
        this(registry, roomId, System::nanoTime);
    }

    /** @param clock the forwarding clock (monotonic nanoseconds) the rate meters count seconds on */
    public ForwardingMetrics(MetricRegistry registry, String roomId, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        this.prefix = MetricRegistry.name("room", roomId);
        packetsIn = meter("packetsIn");
        bytesIn = meter("bytesIn");
        packetsOut = meter("packetsOut");
        bytesOut = meter("bytesOut");
        nacksReceived = counter("nacksReceived");
        nacksSent = counter("nacksSent");
        retransmissions = counter("retransmissions");
        plisSent = counter("plisSent");
        keyframeRequestsReceived = counter("keyframeRequestsReceived");
        keyframes = counter("keyframes");
        DropReason[] reasons = DropReason.values();
        drops = new Counter[reasons.length];
        serverDrops = new Counter[reasons.length];
        for (DropReason r : reasons) {
            drops[r.ordinal()] = counter("drops." + r.name());
            serverDrops[r.ordinal()] = registry.counter(MetricRegistry.name("drops", r.name()));
        }
    }

    private RateMeter meter(String name) {
        String full = MetricRegistry.name(prefix, name);
        names.add(full);
        return registry.register(full, new RateMeter(clock));
    }

    private Counter counter(String name) {
        String full = MetricRegistry.name(prefix, name);
        names.add(full);
        return registry.counter(full);
    }

    /** The counters of one receive stage ({@link StageCounters}); one instance per name. */
    public synchronized StageCounters stage(String name) {
        StageCounters s = stages.get(name);
        if (s == null) {
            String p = "stage." + name;
            s = new StageCounters(name, counter(p + ".in"), counter(p + ".out"), counter(p + ".dropped"), this);
            stages.put(name, s);
        }
        return s;
    }

    /** Every stage's counters, by name, in the order the stages were created (the pipeline's order). */
    public synchronized java.util.Map<String, StageCounters> stages() {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()].inc();
        serverDrops[reason.ordinal()].inc();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].getCount();
    }

    public String prefix() {
        return prefix;
    }

    /** Removes this room's series from the registry (server-wide drop counters stay). */
    public void unregister() {
        for (String n : names) {
            registry.remove(n);
        }
    }
}
