package dev.sfu.core.transport;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a task posted to an idle media thread waits before it runs: the worker is parked
 * (the setup waits for that before every invocation), the benchmark posts a task to a
 * {@link SerialLane} and spins until the task ran. Score: the wake-up latency, as a
 * distribution (sample time). A lost wake-up shows as a sample near the park timeout (100 ms by
 * default, {@link TransportConfig#workerParkTimeout()}); a good run stays in tens of
 * microseconds. This figure used to be asserted in MediaWorkersTest (worst of 200 under 90 ms);
 * the test now checks only that the producer wakes the worker (docs/performance.md).
 *
 * <p>Run: {@code ./sfu bench MediaWorkersWake -f 1 -wi 2 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MediaWorkersWakeBenchmark {
    private MediaWorkers workers;
    private SerialLane lane;
    private Thread worker;
    private volatile long ran;
    private long posted;
    private final Runnable task = () -> ran++;

    @Setup(Level.Trial)
    public void start() {
        workers = new MediaWorkers("bench-wake", 1);
        lane = new SerialLane("wake", 16, workers, new DropCounters(), (b, o, l, f) -> { });
        worker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("bench-wake-1")).findFirst().orElseThrow();
    }

    /** Waits until the worker parked, outside the measured time. */
    @Setup(Level.Invocation)
    public void awaitParked() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (worker.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the media worker never parked: " + worker.getState());
            }
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public long postToParkedWorker() {
        posted++;
        lane.post(task);
        while (ran != posted) {
            Thread.onSpinWait();
        }
        return posted;
    }

    @TearDown(Level.Trial)
    public void stop() {
        workers.shutdown(1000);
    }
}
