package dev.sfu.bench.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's cumulative CPU time (user + system), sampled once per second: from
 * {@code /proc/PID/stat} when the server runs on this machine and its pid is given (exact), else
 * integrated from the server's Prometheus gauge {@code sfu_process_cpu_ratio} (0-1 of all cores)
 * on {@code /metrics}, assuming the server has as many cores as this machine. {@link #sample}
 * returns NaN when neither is available.
 */
public final class ServerCpuProbe {
    /** Linux USER_HZ; 100 on every mainstream kernel configuration. */
    static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final long pid;
    private final HttpClient http;
    private final URI metrics;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private double integrated;
    private long lastNanos;
    private boolean metricsMissing;

    public ServerCpuProbe(long pid, HttpClient http, URI server) {
        this.pid = pid;
        this.http = http;
        this.metrics = server.resolve("/metrics");
    }

    /** Where the figures come from, for the report. */
    public String source() {
        if (pid > 0) {
            return "/proc/" + pid + "/stat";
        }
        return metricsMissing ? "none (no --server-pid, no sfu_process_cpu_ratio on /metrics)" : metrics + " sfu_process_cpu_ratio";
    }

    /** Cumulative server CPU seconds, or NaN. */
    public synchronized double sample() {
        if (pid > 0) {
            return procCpuSeconds(pid);
        }
        if (metricsMissing) {
            return Double.NaN;
        }
        long now = System.nanoTime();
        double ratio = scrapeRatio();
        if (Double.isNaN(ratio)) {
            metricsMissing = true;
            return Double.NaN;
        }
        if (lastNanos != 0) {
            integrated += ratio * cores * (now - lastNanos) / 1e9;
        }
        lastNanos = now;
        return integrated;
    }

    /** utime + stime of a process, in seconds; NaN when it cannot be read. */
    public static double procCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may contain spaces; fields are counted after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (utime + stime) / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private double scrapeRatio() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Double.NaN;
            }
            for (String line : r.body().split("\n")) {
                if (line.startsWith("sfu_process_cpu_ratio")) {
                    String[] parts = line.trim().split("\\s+");
                    return Double.parseDouble(parts[parts.length - 1]);
                }
            }
            return Double.NaN;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
