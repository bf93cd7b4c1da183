package dev.sfu.core.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomManager;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The server-wide series of the one {@link MetricRegistry}: rooms and participants
 * ({@code server.rooms}, {@code server.participants}, {@code server.tracks}), CPU of the process and
 * of the machine ({@code process.cpu.load}, {@code system.cpu.load}, 0-1), heap and memory pools
 * ({@code jvm.memory.*}) and garbage collections ({@code jvm.gc.<collector>.count} and
 * {@code .time}, from metrics-jvm). Rooms register their own series under {@code room.<id>.*}
 * and the server-wide drop counters {@code drops.<REASON>}.
 */
public final class ServerMetrics {
    public static final String ROOMS = "server.rooms";
    public static final String PARTICIPANTS = "server.participants";
    public static final String TRACKS = "server.tracks";
    public static final String PROCESS_CPU = "process.cpu.load";
    public static final String SYSTEM_CPU = "system.cpu.load";
    public static final String GC_PREFIX = "jvm.gc";
    public static final String MEMORY_PREFIX = "jvm.memory";
    public static final String DROPS_PREFIX = "drops.";

    private final MetricRegistry registry;
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    /** Registers the server-wide series for {@code rooms} in {@code registry}. */
    public ServerMetrics(MetricRegistry registry, RoomManager rooms) {
        this.registry = registry;
        registry.register(ROOMS, (Gauge<Integer>) () -> rooms.rooms().size());
        registry.register(PARTICIPANTS, (Gauge<Integer>) rooms::participantCount);
        registry.register(TRACKS, (Gauge<Integer>) () -> {
            int n = 0;
            for (Room r : rooms.rooms()) {
                n += StatsCollector.trackCount(r);
            }
            return n;
        });
        registry.register(PROCESS_CPU, (Gauge<Double>) this::processCpuLoad);
        registry.register(SYSTEM_CPU, (Gauge<Double>) this::systemCpuLoad);
        registerAll(MEMORY_PREFIX, new MemoryUsageGaugeSet().getMetrics());
        registerAll(GC_PREFIX, new GarbageCollectorMetricSet().getMetrics());
    }

    private void registerAll(String prefix, Map<String, Metric> metrics) {
        for (Map.Entry<String, Metric> e : metrics.entrySet()) {
            registry.register(MetricRegistry.name(prefix, e.getKey()), e.getValue());
        }
    }

    public MetricRegistry registry() {
        return registry;
    }

    /** This process's CPU use, 0-1 of all cores, or -1 when the JVM cannot tell. */
    public double processCpuLoad() {
        if (os instanceof com.sun.management.OperatingSystemMXBean s) {
            return s.getProcessCpuLoad();
        }
        return -1;
    }

    /** The machine's CPU use, 0-1, or -1 when the JVM cannot tell. */
    public double systemCpuLoad() {
        if (os instanceof com.sun.management.OperatingSystemMXBean s) {
            return s.getCpuLoad();
        }
        return -1;
    }

    /** CPU, heap and collector figures now. */
    public ProcessStats process() {
        long heapUsed = gaugeLong(MEMORY_PREFIX + ".heap.used");
        long heapMax = gaugeLong(MEMORY_PREFIX + ".heap.max");
        List<ProcessStats.GcStats> gcs = new ArrayList<>();
        SortedMap<String, Gauge> counts = registry.getGauges((name, m) -> name.startsWith(GC_PREFIX + ".")
                && name.endsWith(".count"));
        for (Map.Entry<String, Gauge> e : counts.entrySet()) {
            String base = e.getKey().substring(0, e.getKey().length() - ".count".length());
            String name = base.substring(GC_PREFIX.length() + 1).replace('-', ' ');
            gcs.add(new ProcessStats.GcStats(name, asLong(e.getValue().getValue()), gaugeLong(base + ".time")));
        }
        return new ProcessStats(processCpuLoad(), systemCpuLoad(), Runtime.getRuntime().availableProcessors(),
                heapUsed, heapMax, ManagementFactory.getRuntimeMXBean().getUptime(), gcs);
    }

    private long gaugeLong(String name) {
        Gauge<?> g = registry.getGauges().get(name);
        return g == null ? -1 : asLong(g.getValue());
    }

    private static long asLong(Object v) {
        return v instanceof Number n ? n.longValue() : -1;
    }
}
