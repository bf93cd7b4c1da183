package dev.sfu.core.forward;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of one room's packet path, registered in the server's {@link MetricRegistry} under
 * {@code room.<roomId>.<name>} and removed when the room closes. Meters give per-second rates
 * (bytes * 8 = bits/s). Drops are also counted server-wide under {@code drops.<REASON>}.
 */
public final class ForwardingMetrics {
    private final MetricRegistry registry;
    private final String prefix;
    private final List<String> names = new ArrayList<>();
    public final Meter packetsIn;
    public final Meter bytesIn;
    public final Meter packetsOut;
    public final Meter bytesOut;
    public final Counter nacksReceived;
    public final Counter nacksSent;
    public final Counter retransmissions;
    public final Counter plisSent;
    public final Counter keyframeRequestsReceived;
    public final Counter keyframes;
    private final Counter[] drops;
    private final Counter[] serverDrops;

    public ForwardingMetrics(MetricRegistry registry, String roomId) {
        this.registry = registry;
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

    private Meter meter(String name) {
        String full = MetricRegistry.name(prefix, name);
        names.add(full);
        return registry.meter(full);
    }

    private Counter counter(String name) {
        String full = MetricRegistry.name(prefix, name);
        names.add(full);
        return registry.counter(full);
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
