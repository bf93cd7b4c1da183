package dev.sfu.bench.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The pass criteria of a run and its exit code (see {@link LoadTestOptions#HELP}). */
public final class Verdict {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int USAGE = 2;
    public static final int NOTHING_MEASURED = 3;
    public static final int LOSS = 4;
    public static final int LATENCY = 5;
    public static final int FAILURES = 6;
    /** The load tester could not keep its own schedule or receive queues: the figures are not about the server. */
    public static final int TESTER_OVERLOADED = 7;

    private Verdict() {
    }

    /** {@link #evaluate(LoadTestOptions, RunReport.Group, int, RunReport.LoadTester)} without tester readings. */
    public static RunReport.Verdict evaluate(LoadTestOptions o, RunReport.Group total, int failures) {
        return evaluate(o, total, failures, null);
    }

    /**
     * Checks the total against the options; the lowest code of the missed criteria wins, except
     * that an overloaded tester ({@link #TESTER_OVERLOADED}) overrides loss, latency and failure
     * codes: those figures then describe the tester, not the server.
     */
    public static RunReport.Verdict evaluate(LoadTestOptions o, RunReport.Group total, int failures,
                                             RunReport.LoadTester tester) {
        return evaluate(o, total, failures, tester, null);
    }

    /**
     * As {@link #evaluate(LoadTestOptions, RunReport.Group, int, RunReport.LoadTester)}, and
     * {@code --max-capped-loss} against the worst capped subscriber ({@code capped} may be null).
     */
    public static RunReport.Verdict evaluate(LoadTestOptions o, RunReport.Group total, int failures,
                                             RunReport.LoadTester tester, RunReport.Capped capped) {
        List<String> missed = new ArrayList<>();
        int code = OK;
        if (total.connected() == 0 || total.packetsReceived() == 0) {
            missed.add(total.connected() == 0 ? "no participant connected" : "no media was received");
            code = NOTHING_MEASURED;
        }
        if (o.maxLossPercent() != null && total.lossPercent() > o.maxLossPercent()) {
            missed.add(String.format(Locale.ROOT, "loss %.3f%% > --max-loss %.3f%%", total.lossPercent(),
                    o.maxLossPercent()));
            code = code == OK ? LOSS : code;
        }
        if (o.maxRunLossPercent() != null && total.runLossPercent() > o.maxRunLossPercent()) {
            missed.add(String.format(Locale.ROOT, "loss over the whole run %.3f%% > --max-run-loss %.3f%%",
                    total.runLossPercent(), o.maxRunLossPercent()));
            code = code == OK ? LOSS : code;
        }
        if (o.maxCappedLossPercent() != null && capped != null
                && capped.worstLossPercent() > o.maxCappedLossPercent()) {
            missed.add(String.format(Locale.ROOT, "capped subscriber loss %.3f%% (worst) > --max-capped-loss %.3f%%",
                    capped.worstLossPercent(), o.maxCappedLossPercent()));
            code = code == OK ? LOSS : code;
        }
        if (o.maxP99Millis() != null && total.latency().p99() > o.maxP99Millis()) {
            missed.add(String.format(Locale.ROOT, "p99 latency %.2f ms > --max-p99-ms %.2f", total.latency().p99(),
                    o.maxP99Millis()));
            code = code == OK ? LATENCY : code;
        }
        if (failures > o.maxFailures()) {
            missed.add(failures + " participant failure(s) > --max-failures " + o.maxFailures());
            code = code == OK ? FAILURES : code;
        }
        if (tester != null && tester.overloaded() && code != NOTHING_MEASURED) {
            missed.add(0, overloadMessage(tester, o.maxTesterLagMillis()));
            code = TESTER_OVERLOADED;
        }
        return new RunReport.Verdict(code, missed);
    }

    /** True when the tester's send lag p99 or its own mean receive-queue wait is above {@code limitMs}. */
    public static boolean overloaded(double sendLagP99Ms, double receiveQueueMeanMs, double limitMs) {
        return sendLagP99Ms > limitMs || receiveQueueMeanMs > limitMs;
    }

    /** The sentence printed for an invalid run. */
    public static String overloadMessage(RunReport.LoadTester t, double limitMs) {
        return String.format(Locale.ROOT, "load tester overloaded: sender lag p99 %.1f ms, own receive queue mean "
                + "%.1f ms (max %.1f ms), limit %.0f ms (--max-tester-lag-ms); results are not about the server",
                t.sendLagP99Ms(), t.receiveQueueMeanMs(), t.receiveQueueMaxMs(), limitMs);
    }
}
