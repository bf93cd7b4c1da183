package dev.sfu.core.metrics;

import java.util.List;

/**
 * The JVM's resources, from {@code com.sun.management.OperatingSystemMXBean} and the
 * metrics-jvm gauge sets registered by {@link ServerMetrics}.
 *
 * @param processCpuLoad      this process's CPU use, 0-1 of all cores (-1 when not available)
 * @param systemCpuLoad       the whole machine's CPU use, 0-1 (-1 when not available)
 * @param availableProcessors cores the JVM may use
 * @param heapUsedBytes       heap in use
 * @param heapMaxBytes        heap limit (-1 when undefined)
 * @param uptimeMillis        time since the JVM started
 * @param collectors          each garbage collector's collections and accumulated time
 */
public record ProcessStats(double processCpuLoad, double systemCpuLoad, int availableProcessors,
                           long heapUsedBytes, long heapMaxBytes, long uptimeMillis, List<GcStats> collectors) {
    public ProcessStats {
        collectors = List.copyOf(collectors);
    }

    /**
     * One garbage collector (for example "G1 Young Generation").
     *
     * @param name        the collector's name
     * @param collections collections since start
     * @param timeMillis  accumulated collection time, milliseconds
     */
    public record GcStats(String name, long collections, long timeMillis) {
    }
}
