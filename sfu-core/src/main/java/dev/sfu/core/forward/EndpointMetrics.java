package dev.sfu.core.forward;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of one participant, registered under {@code room.<roomId>.participant.<id>.<name>}
 * and removed when it leaves. Loss, jitter and RTT of what it receives come from its receiver
 * reports and are read from its {@link DownTrack}s.
 */
public final class EndpointMetrics {
    private final MetricRegistry registry;
    private final List<String> names = new ArrayList<>();
    public final Meter bytesUp;
    public final Meter packetsUp;
    public final Meter bytesDown;
    public final Meter packetsDown;
    public final Counter nacksReceived;
    public final Counter nacksSent;
    public final Counter plisReceived;
    public final Counter plisSent;
    public final Counter keyframes;

    public EndpointMetrics(MetricRegistry registry, String roomId, String participantId) {
        this.registry = registry;
        String prefix = MetricRegistry.name("room", roomId, "participant", participantId);
        bytesUp = registry.meter(add(prefix, "bytesUp"));
        packetsUp = registry.meter(add(prefix, "packetsUp"));
        bytesDown = registry.meter(add(prefix, "bytesDown"));
        packetsDown = registry.meter(add(prefix, "packetsDown"));
        nacksReceived = registry.counter(add(prefix, "nacksReceived"));
        nacksSent = registry.counter(add(prefix, "nacksSent"));
        plisReceived = registry.counter(add(prefix, "plisReceived"));
        plisSent = registry.counter(add(prefix, "plisSent"));
        keyframes = registry.counter(add(prefix, "keyframes"));
    }

    private String add(String prefix, String name) {
        String full = MetricRegistry.name(prefix, name);
        names.add(full);
        return full;
    }

    public void unregister() {
        for (String n : names) {
            registry.remove(n);
        }
    }
}
