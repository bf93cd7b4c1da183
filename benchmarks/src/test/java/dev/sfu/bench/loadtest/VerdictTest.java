package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pass criteria and the documented exit codes. */
class VerdictTest {
    private static RunReport.Group total(int connected, long received, double lossPercent, double p99) {
        return total(connected, received, lossPercent, p99, lossPercent);
    }

    private static RunReport.Group total(int connected, long received, double lossPercent, double p99,
                                         double runLossPercent) {
        RunReport.Distribution d = new RunReport.Distribution(0, 0, 0, 0);
        return new RunReport.Group("total", 2, 2, connected, 0, 100, received, 0, 0, 0, 0, 1000,
                (long) (lossPercent * 10), lossPercent, 0, 0, 0, 0, 0, 0,
                new RunReport.Latency(received, 1, 2, p99, p99, 1), 0.1, 0.2, d, d, 0, 0, 0, 0,
                2000, (long) (runLossPercent * 20), runLossPercent, 0, 0);
    }

    @Test
    void lossInTheWindowAndLossOverTheWholeRunAreGatedApart() throws Exception {
        // Steady state clean, joins lossy: only --max-run-loss catches it.
        RunReport.Group g = total(2, 100, 0.0, 10, 2.0);
        assertEquals(Verdict.OK, Verdict.evaluate(options("--max-loss", "0.5"), g, 0).exitCode());
        RunReport.Verdict v = Verdict.evaluate(options("--max-loss", "0.5", "--max-run-loss", "1"), g, 0);
        assertEquals(Verdict.LOSS, v.exitCode());
        assertTrue(v.missed().get(0).contains("whole run"), v.missed().toString());
    }

    private static LoadTestOptions options(String... args) throws Exception {
        return LoadTestOptions.parse(args);
    }

    @Test
    void everyCriterionMetIsZero() throws Exception {
        RunReport.Verdict v = Verdict.evaluate(options("--max-loss", "1", "--max-p99-ms", "20"), total(2, 100, 0.5, 10), 0);
        assertEquals(Verdict.OK, v.exitCode());
        assertEquals(List.of(), v.missed());
    }

    @Test
    void lossAboveLimitIsFour() throws Exception {
        RunReport.Verdict v = Verdict.evaluate(options("--max-loss", "0.5"), total(2, 100, 0.6, 10), 0);
        assertEquals(Verdict.LOSS, v.exitCode());
        assertTrue(v.missed().get(0).contains("loss"));
    }

    @Test
    void p99AboveLimitIsFive() throws Exception {
        assertEquals(Verdict.LATENCY, Verdict.evaluate(options("--max-p99-ms", "20"), total(2, 100, 0, 25), 0).exitCode());
    }

    @Test
    void failuresAboveLimitAreSix() throws Exception {
        assertEquals(Verdict.FAILURES, Verdict.evaluate(options(), total(2, 100, 0, 1), 1).exitCode());
        assertEquals(Verdict.OK, Verdict.evaluate(options("--max-failures", "1"), total(2, 100, 0, 1), 1).exitCode());
    }

    @Test
    void nothingMeasuredIsThreeAndWinsOverTheOthers() throws Exception {
        RunReport.Verdict v = Verdict.evaluate(options("--max-loss", "0"), total(0, 0, 5, 0), 2);
        assertEquals(Verdict.NOTHING_MEASURED, v.exitCode());
        assertEquals(3, v.missed().size(), "every missed criterion is listed");
    }

    private static RunReport.LoadTester tester(double sendLagP99, double receiveQueueMean, double limit) {
        return new RunReport.LoadTester(150, 2, 1, sendLagP99, sendLagP99, 0, receiveQueueMean, receiveQueueMean,
                Verdict.overloaded(sendLagP99, receiveQueueMean, limit), java.util.Map.of());
    }

    @Test
    void senderLagAboveLimitIsAnInvalidRunSevenOverridingLatency() throws Exception {
        RunReport.Verdict v = Verdict.evaluate(options("--max-p99-ms", "20", "--max-tester-lag-ms", "20"),
                total(2, 100, 0, 7900), 0, tester(45, 0.5, 20));
        assertEquals(Verdict.TESTER_OVERLOADED, v.exitCode());
        assertTrue(v.missed().get(0).startsWith("load tester overloaded: sender lag p99 45.0 ms"), v.missed().get(0));
        assertTrue(v.missed().get(0).endsWith("results are not about the server"));
        assertTrue(v.missed().get(1).contains("p99 latency"), "the latency miss is still listed");
    }

    @Test
    void ownReceiveQueueWaitAboveLimitIsAnInvalidRun() throws Exception {
        assertEquals(Verdict.TESTER_OVERLOADED,
                Verdict.evaluate(options(), total(2, 100, 0, 10), 0, tester(1, 35, 20)).exitCode());
    }

    @Test
    void aTesterWithinItsLimitLeavesTheVerdictAlone() throws Exception {
        assertEquals(Verdict.LATENCY, Verdict.evaluate(options("--max-p99-ms", "20"), total(2, 100, 0, 25), 0,
                tester(19.9, 19.9, 20)).exitCode());
        assertEquals(Verdict.NOTHING_MEASURED,
                Verdict.evaluate(options(), total(0, 0, 0, 0), 0, tester(500, 500, 20)).exitCode());
    }

    @Test
    void noLimitsGivenMeansOnlyConnectivityAndFailuresCount() throws Exception {
        assertEquals(Verdict.OK, Verdict.evaluate(options(), total(2, 100, 50, 900), 0).exitCode());
    }

    private static RunReport.Capped capped(double worst) {
        return new RunReport.Capped(600, 50, "none", List.of(), worst / 2, worst, 0, 10, 1, 550, 0, 2, worst);
    }

    @Test
    void maxCappedLossGatesTheWorstCappedSubscriberWithExit4() throws Exception {
        LoadTestOptions o = options("--subscribers", "2", "--subscriber-kbps", "600", "--max-capped-loss", "2");
        assertEquals(Verdict.OK, Verdict.evaluate(o, total(2, 100, 0, 1), 0, null, capped(1.9)).exitCode());
        RunReport.Verdict v = Verdict.evaluate(o, total(2, 100, 0, 1), 0, null, capped(2.5));
        assertEquals(Verdict.LOSS, v.exitCode());
        assertTrue(v.missed().get(0).contains("--max-capped-loss"), v.missed().toString());
        LoadTestOptions ungated = options("--subscribers", "2", "--subscriber-kbps", "600");
        assertEquals(Verdict.OK, Verdict.evaluate(ungated, total(2, 100, 0, 1), 0, null, capped(40)).exitCode(),
                "reported, not enforced, without --max-capped-loss");
    }

    @Test
    void targetLineSaysWhetherCappedSubscribersLoseUnderTwoPercent() {
        assertTrue(CappedSubscribers.targetLine(capped(1.5), null).contains("MET"));
        String missed = CappedSubscribers.targetLine(capped(44), null);
        assertTrue(missed.contains("MISSED") && missed.contains("worst loss 44.00%"), missed);
        assertTrue(CappedSubscribers.targetLine(capped(3), 5.0).contains("MET"));
    }
}
