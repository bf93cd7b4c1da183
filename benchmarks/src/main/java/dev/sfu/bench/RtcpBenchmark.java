package dev.sfu.bench;

import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.Sdes;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RTCP on the receive path: walk a compound RR + SDES + generic NACK + transport-cc datagram
 * and read every field an SFU uses; and build the NACK and transport-cc feedback it sends upstream. Views and consumers
 * are reused, so with {@code -prof gc} both should allocate nothing per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RtcpBenchmark {
    private final RtcpCompoundIterator iterator = new RtcpCompoundIterator();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();
    private final Sdes sdes = new Sdes();
    private final NackPacket nack = new NackPacket();
    private final TransportCcFeedback tcc = new TransportCcFeedback();
    private byte[] compound;
    private int compoundLength;
    private final byte[] out = new byte[1500];
    private final int[] lost = new int[64];
    private static final int TCC_COUNT = 60;
    private final boolean[] received = new boolean[TCC_COUNT];
    private final long[] arrival = new long[TCC_COUNT];
    private long sum;
    private final IntConsumer onLost = seq -> sum += seq;
    private final TransportCcFeedback.PacketVisitor onPacket = (seq, status, delta) -> sum += status + delta;

    @Setup
    public void setUp() {
        compound = new byte[1500];
        int pos = 0;
        pos += ReceiverReport.write(compound, pos, 1500 - pos, 1, 1);
        ReportBlock.write(compound, ReceiverReport.blockOffset(0, 0), 24, 0x5b0c3a1dL, 12, 40, 70_000, 300, 0, 0);
        pos += Sdes.writeCname(compound, pos, 1500 - pos, 1, "Jva2NQkoLbWdx4pQ".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 30; i++) {
            // 30 losses around the 16-bit wrap, in bursts.
            lost[i] = (65520 + i * 2 + (i / 10) * 20) & 0xFFFF;
        }
        pos += NackPacket.write(compound, pos, 1500 - pos, 1, 0x5b0c3a1dL, lost, 0, 30);
        int count = TCC_COUNT;
        for (int i = 0; i < count; i++) {
            received[i] = i % 9 != 4;
            arrival[i] = 90_000_000L + i * 3_300L + (i % 7 == 0 ? -2_000 : 0);
        }
        pos += TransportCcFeedback.write(compound, pos, 1500 - pos, 1, 0x5b0c3a1dL, 4000, 12, received, arrival, count);
        compoundLength = pos;
        if (!iterator.reset(compound, 0, compoundLength) || iterator.packetCount() != 4) {
            throw new IllegalStateException("fixture is not a 4-packet compound: " + iterator.failure());
        }
    }

    /** Walks the compound and reads the report block, the CNAME, every NACKed and every tcc packet. */
    @Benchmark
    public long iterateCompound() {
        sum = 0;
        if (!iterator.reset(compound, 0, compoundLength)) {
            return -1;
        }
        byte[] b = iterator.buffer();
        while (iterator.next()) {
            int off = iterator.packetOffset();
            int len = iterator.packetLength();
            switch (iterator.packetType()) {
                case RtcpHeader.PT_RR -> {
                    if (rr.wrap(b, off, len)) {
                        for (int i = 0; i < rr.reportCount(); i++) {
                            rr.reportBlock(i, block);
                            sum += block.cumulativeLost() + block.highestSequence() + block.jitter();
                        }
                    }
                }
                case RtcpHeader.PT_SDES -> {
                    if (sdes.wrap(b, off, len)) {
                        sum += sdes.findItem(0, Sdes.CNAME);
                    }
                }
                case RtcpHeader.PT_RTPFB -> {
                    if (iterator.count() == RtcpFeedback.FMT_NACK && nack.wrap(b, off, len)) {
                        nack.forEachLost(onLost);
                    } else if (tcc.wrap(b, off, len)) {
                        sum += tcc.referenceTime();
                        tcc.forEachPacket(onPacket);
                    }
                }
                default -> sum--;
            }
        }
        return sum;
    }

    /** Packs 30 lost sequence numbers (across the wrap) into a generic NACK. */
    @Benchmark
    public int buildNack() {
        return NackPacket.write(out, 0, out.length, 1, 0x5b0c3a1dL, lost, 0, 30);
    }

    /** Builds transport-cc feedback for 60 packets, one in nine lost, some reordered. */
    @Benchmark
    public int buildTransportCc() {
        return TransportCcFeedback.write(out, 0, out.length, 1, 0x5b0c3a1dL, 4000, 12, received, arrival, TCC_COUNT);
    }
}
