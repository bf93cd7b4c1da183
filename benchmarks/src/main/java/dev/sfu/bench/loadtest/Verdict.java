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

    private Verdict() {
    }

    /** Checks the total against the options; the lowest code of the missed criteria wins. */
    public static RunReport.Verdict evaluate(LoadTestOptions o, RunReport.Group total, int failures) {
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
        if (o.maxP99Millis() != null && total.latency().p99() > o.maxP99Millis()) {
            missed.add(String.format(Locale.ROOT, "p99 latency %.2f ms > --max-p99-ms %.2f", total.latency().p99(),
                    o.maxP99Millis()));
            code = code == OK ? LATENCY : code;
        }
        if (failures > o.maxFailures()) {
            missed.add(failures + " participant failure(s) > --max-failures " + o.maxFailures());
            code = code == OK ? FAILURES : code;
        }
        return new RunReport.Verdict(code, missed);
    }
}
