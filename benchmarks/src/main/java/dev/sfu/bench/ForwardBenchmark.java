package dev.sfu.bench;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.bench.loadtest.ClientSdp;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.srtp.SrtpSession;
import dev.sfu.signaling.sdp.CodecPolicy;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One SRTP packet from a publisher forwarded to N subscribers through the server's real packet
 * path: SRTP decrypt ({@link SrtpSession}), then {@code Participant.onRtp} into sfu-core's
 * {@code MediaEndpoint} (SSRC lookup, receive statistics and NACK generation, retransmission
 * cache, per-subscriber copy, SSRC/sequence/timestamp/extension rewrite, metrics), then each
 * subscriber transport's SRTP encrypt and a real UDP send on loopback
 * ({@link LoopbackSrtpTransport}). Rooms and tracks are set up through {@link RoomManager} as
 * the signaling layer does. What is not real: ICE/DTLS (keys are fixed), ice4j's socket wrapper
 * (a {@code DatagramChannel} sends instead) and the transport's ingress queue and thread hop
 * (the benchmark thread calls the listener directly).
 *
 * <p>The publisher's own encryption of the next packet happens in a per-invocation setup, so
 * it is not timed. Score: ns per incoming packet; divide by N for ns per outgoing packet.
 * Compare with {@link ForwardLimitBenchmark} (same crypto and sends, no SFU logic).
 *
 * <p>Run: {@code java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' org.openjdk.jmh.Main Forward -f 1 -wi 3 -i 5 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForwardBenchmark {
    @Param({"1", "10", "50"})
    public int subscribers;

    /**
     * Congestion control (issue 13): on, every subscriber's packets get a transport-wide
     * sequence number, are recorded by its estimator and pass its pacer's fast path (the
     * estimate is set far above what one thread can forward, so nothing waits); off, they go
     * straight to the transport as before. Subscribers negotiate transport-cc either way.
     */
    @Param({"false", "true"})
    public boolean congestionControl;

    private ForwardFixture fx;
    private RoomManager rooms;
    private Participant publisher;
    private final List<LoopbackSrtpTransport> transports = new ArrayList<>();
    private final byte[] buf = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private int seq;
    private int len;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fx = new ForwardFixture();
        long unlimited = 100_000_000_000L;
        CongestionControlConfig cc = CongestionControlConfig.defaults().withBitrates(unlimited, 100_000L, unlimited)
                .withEnabled(congestionControl);
        rooms = new RoomManager(new MetricRegistry(), new RoomListener() { }, subscribers + 1,
                ForwardingContext.defaults(cc));
        LoopbackSrtpTransport pubTransport = new LoopbackSrtpTransport("pub", fx.serverForPublisher, fx.sinkAddress);
        transports.add(pubTransport);
        publisher = rooms.join("bench", "pub", "publisher", pubTransport);
        List<Participant> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            LoopbackSrtpTransport t = new LoopbackSrtpTransport("sub" + i, ForwardFixture.subscriberSession(i),
                    fx.sinkAddress);
            transports.add(t);
            subs.add(rooms.join("bench", "sub" + i, "subscriber " + i, t));
        }
        List<HeaderExtension> ext = List.of(
                new HeaderExtension(ClientSdp.EXTENSION_IDS.absSendTimeId(), CodecPolicy.EXT_ABS_SEND_TIME),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.transportCcId(), CodecPolicy.EXT_TRANSPORT_CC),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.midId(), CodecPolicy.EXT_MID));
        Codec vp8 = new Codec(ClientSdp.VP8_PT, "VP8", 90000, 1, "", List.of("nack", "nack pli", "ccm fir",
                "transport-cc"), ClientSdp.RTX_PT);
        publisher.publish(List.of(new PublishedTrack("video", MediaKind.VIDEO, "1", ForwardFixture.SSRC & 0xFFFFFFFFL,
                0x0BADCAFEL, List.of(vp8), ext)));
        for (Participant s : subs) {
            s.setReceiveCapabilities(MediaKind.VIDEO, List.of(vp8), ext);
            s.activateDownTracks();
        }
        // The first packet is a key frame so every subscriber starts forwarding.
        forward(fx.nextEncrypted(buf, seq++, true));
        prepare();
        forward(len);
        if (transports.get(1).sent == 0) {
            throw new IllegalStateException("the set-up forwards nothing");
        }
        if (congestionControl != (subs.get(0).endpoint().egress().stats().packetsSentDirect() > 0)) {
            throw new IllegalStateException("congestion control is not what the parameter says");
        }
    }

    /** The publisher encrypts its next packet (not timed). */
    @Setup(Level.Invocation)
    public void prepare() {
        len = fx.nextEncrypted(buf, seq, seq % 300 == 0);
        seq = (seq + 1) & 0xFFFF;
    }

    @Benchmark
    public int forward() {
        return forward(len);
    }

    private int forward(int srtpLength) {
        return fx.decryptAndForward(publisher, buf, srtpLength);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        rooms.close();
        fx.close();
    }
}
