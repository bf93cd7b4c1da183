package dev.sfu.bench;

import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.cc.SendSideBandwidthEstimator;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The per-subscriber send-side bandwidth estimator (issue 13): what the egress pays per packet
 * sent ({@code onPacketSent}) and per transport-cc feedback message ({@code onFeedback}).
 *
 * <p>{@link #sendAndFeedback} is one 64 ms feedback interval of a 9.6 Mbit/s stream: 64 packets of 1200 bytes
 * sent 1 ms apart, then one real feedback message for them (written once with
 * {@link TransportCcFeedback#write}: 1 in 13 lost, arrival jitter, mixed small deltas; for each
 * interval only its base sequence number and reference time are patched, so the estimator
 * sees a continuous stream across the 16-bit wrap). With {@code -prof gc} both benchmarks
 * should allocate nothing per operation.
 *
 * <pre>
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' org.openjdk.jmh.Main CongestionControl -f 1 -wi 2 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CongestionControlBenchmark {
    private static final int PACKETS = 64;
    private static final long MS = 1_000_000L;
    /** Offset of the base sequence number and of the reference time in the feedback. */
    private static final int BASE_SEQ_OFFSET = TransportCcFeedback.HEADER_SIZE;
    private static final int REFERENCE_TIME_OFFSET = BASE_SEQ_OFFSET + 4;

    private SendSideBandwidthEstimator estimator;
    private final TransportCcFeedback feedback = new TransportCcFeedback();
    private final byte[] bytes = new byte[1500];
    private int length;
    private int seq;
    private long now;
    private int reference;
    private SendSideBandwidthEstimator sendOnly;
    private int sendOnlySeq;
    private long sendOnlyNow;

    @Setup
    public void setUp() {
        estimator = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        estimator.setDesiredBitrate(3_000_000);
        sendOnly = new SendSideBandwidthEstimator(CongestionControlConfig.defaults(), 0);
        boolean[] received = new boolean[PACKETS];
        long[] arrivalUs = new long[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            received[i] = i % 13 != 6;
            // Sent 1 ms apart; arrival 1 ms apart with up to 1.5 ms of jitter, within one 64 ms unit.
            arrivalUs[i] = i * 960L + (i * 7919L % 1500);
        }
        length = TransportCcFeedback.write(bytes, 0, bytes.length, 1, 2, 0, 0, received, arrivalUs, PACKETS);
        if (length < 0 || !feedback.wrap(bytes, 0, length) || feedback.packetStatusCount() != PACKETS) {
            throw new IllegalStateException("feedback fixture did not build");
        }
        patch(12_345, 77);
        if (!feedback.wrap(bytes, 0, length) || feedback.baseSequence() != 12_345 || feedback.referenceTime() != 77) {
            throw new IllegalStateException("feedback fixture cannot be patched");
        }
        seq = 60_000; // Crosses the 16-bit wrap early in the run.
    }

    private void patch(int baseSeq, int referenceTime) {
        bytes[BASE_SEQ_OFFSET] = (byte) (baseSeq >>> 8);
        bytes[BASE_SEQ_OFFSET + 1] = (byte) baseSeq;
        bytes[REFERENCE_TIME_OFFSET] = (byte) (referenceTime >>> 16);
        bytes[REFERENCE_TIME_OFFSET + 1] = (byte) (referenceTime >>> 8);
        bytes[REFERENCE_TIME_OFFSET + 2] = (byte) referenceTime;
    }

    /** 64 packets sent, then their feedback processed, then the pacer's probe poll. */
    @Benchmark
    public long sendAndFeedback() {
        int base = seq;
        for (int i = 0; i < PACKETS; i++) {
            estimator.onPacketSent(seq, 1200, now + i * MS, -1);
            seq = (seq + 1) & 0xFFFF;
        }
        // The feedback for this interval: same pattern, 64 ms later on the receiver's clock.
        patch(base, reference & 0xFFFFFF);
        reference++;
        now += 64 * MS;
        if (!feedback.wrap(bytes, 0, length)) {
            return -1;
        }
        estimator.onFeedback(feedback, now + 20 * MS);
        estimator.pollProbe(now + 20 * MS);
        return estimator.targetBitrateBps();
    }

    /** One packet recorded in the send history. */
    @Benchmark
    public int packetSent() {
        sendOnly.onPacketSent(sendOnlySeq, 1200, sendOnlyNow, -1);
        sendOnlySeq = (sendOnlySeq + 1) & 0xFFFF;
        sendOnlyNow += MS;
        return sendOnlySeq;
    }
}
