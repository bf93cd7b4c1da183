package dev.sfu.bench;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.srtp.SrtpSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The LIMIT baseline for {@link ForwardBenchmark}: the same SRTP decrypt of the publisher's
 * packet, then for each of N subscribers a copy, an SSRC change, an SRTP encrypt with that
 * subscriber's session and a UDP send on loopback, with no SFU logic at all (no lookup, no
 * statistics, no cache, no rewrite of sequence, timestamp or extensions, no metrics). The ratio
 * of the two scores is the cost of the SFU's logic.
 *
 * <p>Run: {@code java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' org.openjdk.jmh.Main Forward -f 1 -wi 3 -i 5 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForwardLimitBenchmark {
    @Param({"1", "10", "50"})
    public int subscribers;

    private ForwardFixture fx;
    private LoopbackSrtpTransport[] transports;
    private SrtpSession[] sessions;
    private final byte[] buf = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private final byte[] out = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private int seq;
    private int len;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fx = new ForwardFixture();
        transports = new LoopbackSrtpTransport[subscribers];
        sessions = new SrtpSession[subscribers];
        for (int i = 0; i < subscribers; i++) {
            sessions[i] = ForwardFixture.subscriberSession(i);
            transports[i] = new LoopbackSrtpTransport("sub" + i, sessions[i], fx.sinkAddress);
        }
    }

    @Setup(Level.Invocation)
    public void prepare() {
        len = fx.nextEncrypted(buf, seq, seq % 300 == 0);
        seq = (seq + 1) & 0xFFFF;
    }

    @Benchmark
    public int forward() {
        int n = fx.serverForPublisher.decryptRtp(buf, 0, len);
        if (n < 0) {
            return n;
        }
        for (int i = 0; i < transports.length; i++) {
            System.arraycopy(buf, 0, out, 0, n);
            RtpPacket.setSsrc(out, 0, 0x1000 + i);
            int m = sessions[i].encryptRtp(out, 0, n);
            if (m > 0) {
                transports[i].send(out, 0, m);
            }
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (LoopbackSrtpTransport t : transports) {
            t.close();
        }
        fx.close();
    }
}
