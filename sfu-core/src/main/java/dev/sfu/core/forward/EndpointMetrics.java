package dev.sfu.core.forward;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.metrics.RateMeter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Counters of one participant, registered under {@code room.<roomId>.participant.<id>.<name>}
 * and removed when it leaves. Packets and bytes are {@link RateMeter}s (totals and one-second
 * rates). Loss, jitter and RTT of what it receives come from its receiver
 * reports and are read from its {@link DownTrack}s.
 */
public final class EndpointMetrics {
    private final MetricRegistry registry;
    private final List<String> names = new ArrayList<>();
    public final RateMeter bytesUp;
    public final RateMeter packetsUp;
    public final RateMeter bytesDown;
    public final RateMeter packetsDown;
    public final Counter nacksReceived;
    public final Counter nacksSent;
    public final Counter plisReceived;
    public final Counter plisSent;
    public final Counter keyframes;

    public EndpointMetrics(MetricRegistry registry, String roomId, String participantId) {
        this(registry, roomId, participantId, System::nanoTime);
    }

    /** @param clock the forwarding clock (monotonic nanoseconds) the rate meters count seconds on */
    public EndpointMetrics(MetricRegistry registry, String roomId, String participantId, LongSupplier clock) {
        this.registry = registry;
        String prefix = MetricRegistry.name("room", roomId, "participant", participantId);
        bytesUp = registry.register(add(prefix, "bytesUp"), new RateMeter(clock));
        packetsUp = registry.register(add(prefix, "packetsUp"), new RateMeter(clock));
        bytesDown = registry.register(add(prefix, "bytesDown"), new RateMeter(clock));
        packetsDown = registry.register(add(prefix, "packetsDown"), new RateMeter(clock));
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
