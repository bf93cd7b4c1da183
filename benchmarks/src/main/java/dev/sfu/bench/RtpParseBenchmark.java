package dev.sfu.bench;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.AbsSendTimeExtension;
import dev.sfu.rtp.ext.AudioLevelExtension;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.ext.SdesTextExtension;
import dev.sfu.rtp.ext.TransportCcExtension;
import java.util.concurrent.TimeUnit;
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

/**
 * The per-packet work of the forwarding path on a 1,200-byte video packet that carries the
 * extensions Chromium sends (mid, abs-send-time, transport-cc, audio level):
 * <ul>
 * <li>{@code parseWithExtensions}: wrap the RTP view and find the transport-wide sequence
 *     number, as the receive side does for every packet;</li>
 * <li>{@code rewriteHeader}: rewrite SSRC, sequence number, timestamp and the transport-wide
 *     sequence number in place, as the egress side does per subscriber.</li>
 * </ul>
 * Run with {@code -prof gc}: both must allocate 0 bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RtpParseBenchmark {
    private static final int MID_ID = 4;
    private static final int ABS_SEND_TIME_ID = 2;
    private static final int TRANSPORT_CC_ID = 3;
    private static final int AUDIO_LEVEL_ID = 1;
    private static final int PACKET_LENGTH = 1200;

    private final byte[] buf = new byte[RtpPacket.BUFFER_SIZE];
    private final RtpPacket view = new RtpPacket();
    private int len;
    private int seq;
    private long ts;

    @Setup
    public void setUp() {
        RtpPacket.writeHeader(buf, 0, false, 96, 1000, 90_000, 0x1234_5678);
        int n = RtpPacket.FIXED_HEADER_LENGTH + 200;
        n = SdesTextExtension.add(buf, 0, n, MID_ID, "1");
        n = AbsSendTimeExtension.add(buf, 0, n, ABS_SEND_TIME_ID, 0x123456);
        n = TransportCcExtension.add(buf, 0, n, TRANSPORT_CC_ID, 42);
        n = AudioLevelExtension.add(buf, 0, n, AUDIO_LEVEL_ID, false, 127);
        if (n < 0 || !view.wrap(buf, 0, PACKET_LENGTH)) {
            throw new IllegalStateException("fixture packet is invalid");
        }
        len = PACKET_LENGTH;
    }

    /** Wraps the packet and reads the transport-wide sequence number. */
    @Benchmark
    public int parseWithExtensions() {
        if (!view.wrap(buf, 0, len)) {
            return -1;
        }
        int pos = HeaderExtensions.find(buf, 0, len, TRANSPORT_CC_ID);
        return pos < 0 ? -1 : TransportCcExtension.read(buf, pos) + view.payloadLength();
    }

    /** Rewrites SSRC, sequence number, timestamp and transport-wide sequence number in place. */
    @Benchmark
    public int rewriteHeader() {
        seq = (seq + 1) & 0xFFFF;
        ts += 3000;
        RtpPacket.setSsrc(buf, 0, 0x0BAD_CAFE);
        RtpPacket.setSequenceNumber(buf, 0, seq);
        RtpPacket.setTimestamp(buf, 0, ts);
        TransportCcExtension.write(buf, 0, len, TRANSPORT_CC_ID, seq);
        return buf[3];
    }
}
