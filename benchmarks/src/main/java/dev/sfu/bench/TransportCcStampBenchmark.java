package dev.sfu.bench;

import dev.sfu.core.forward.SubscriberEgress;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Stamping the transport-wide sequence number on a packet to a subscriber
 * ({@link SubscriberEgress#stamp}), the per-packet work congestion control adds to forwarding:
 * <ul>
 *   <li>{@code addIntoPadding}: the usual case. The DownTrack turned the publisher's own
 *       transport-cc and mid elements into padding, and the new element takes that place; the
 *       header bytes are restored before each stamp (28 bytes, part of the score).</li>
 *   <li>{@code overwrite}: the element is already there under the subscriber's id.</li>
 * </ul>
 * 1,100-byte VP8 packet with a one-byte extension block. Expected: tens of ns, 0 B/op.
 *
 * <p>Run: {@code ./sfu bench TransportCcStamp -f 1 -wi 3 -i 5 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TransportCcStampBenchmark {
    private static final int TCC_ID = 3;
    private static final int HEADER = 28;
    private final byte[] padded = new byte[RtpPacket.BUFFER_SIZE];
    private final byte[] paddedHeader = new byte[HEADER];
    private final byte[] present = new byte[RtpPacket.BUFFER_SIZE];
    private final int len = 1100;
    private int seq;

    @Setup
    public void setUp() {
        // be de 00 03 | 22 xx xx xx (abs-send-time, id 2) | 00 00 00 00 00 00 00 00 (padding where transport-cc and mid were)
        RtpPacket.writeHeader(padded, 0, false, 96, 1, 90000, 0x1234);
        padded[0] |= 0x10;
        padded[12] = (byte) 0xBE;
        padded[13] = (byte) 0xDE;
        padded[15] = 3;
        padded[16] = 0x22;
        System.arraycopy(padded, 0, paddedHeader, 0, HEADER);
        System.arraycopy(padded, 0, present, 0, HEADER);
        if (SubscriberEgress.stamp(present, len, TCC_ID, 0) != len
                || HeaderExtensions.find(present, 0, len, TCC_ID) < 0) {
            throw new IllegalStateException("the stamp does not fit in the padding");
        }
    }

    @Benchmark
    public int addIntoPadding() {
        System.arraycopy(paddedHeader, 0, padded, 0, HEADER);
        seq = (seq + 1) & 0xFFFF;
        return SubscriberEgress.stamp(padded, len, TCC_ID, seq);
    }

    @Benchmark
    public int overwrite() {
        seq = (seq + 1) & 0xFFFF;
        return SubscriberEgress.stamp(present, len, TCC_ID, seq);
    }
}
