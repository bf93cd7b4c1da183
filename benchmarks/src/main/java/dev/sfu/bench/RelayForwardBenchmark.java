package dev.sfu.bench;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.relay.RelayTrack;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.room.RoomRelay;
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

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a relay between nodes per forwarded packet (issue 16, docs/performance.md): one
 * 1,100-byte VP8 packet from a publisher to N subscribers, either all on the publisher's node
 * ({@code path=local}, {@link ForwardBenchmark}'s path with congestion control off) or all on
 * another node ({@code path=relay}): node A's receive stages, the {@code RelayEgress} (copy, SRTP
 * encrypt, UDP send on loopback), then, as node B would on receiving it, SRTP decrypt and the
 * remote participant's receive stages and fan-out to the N subscribers. Both nodes' rooms are
 * real {@link RoomManager}s set up as the relay sets them up ({@code attachRelay},
 * {@code joinRemote}, the track described by {@link RelayTrack}). Not measured: ICE/DTLS, the
 * relay transport's ingress queue and thread hop on B, and {@code RelayReceiver}'s SSRC lookup
 * (B's endpoint is called directly).
 *
 * <p>Score: ns per incoming packet; relay minus local is the relay's cost per packet crossing,
 * paid once per packet whatever N.
 *
 * <p>Run: {@code ./sfu bench RelayForward -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelayForwardBenchmark {
    @Param({"1", "10"})
    public int subscribers;

    @Param({"local", "relay"})
    public String path;

    private ForwardFixture fx;
    private RoomManager nodeA;
    private RoomManager nodeB;
    private Participant publisher;
    private RelayEgress egress;
    private final List<LoopbackSrtpTransport> subscriberTransports = new ArrayList<>();
    private final byte[] buf = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private int seq;
    private int len;

    /**
     * Node A's end of the relay: SRTP encrypt and a UDP send, as the relay's transport does; then
     * node B's end, in the same call: SRTP decrypt and the remote participant's endpoint.
     */
    static final class RelayPipe extends LoopbackSrtpTransport {
        private final SrtpSession farEnd;
        volatile Participant remote;
        long delivered;

        RelayPipe(SrtpSession near, SrtpSession farEnd, InetSocketAddress sink) {
            super("relay", near, sink);
            this.farEnd = farEnd;
        }

        @Override
        public boolean sendRtp(byte[] b, int off, int length) {
            int n = encrypt(b, off, length);
            if (n < 0 || !send(b, off, n)) {
                return false;
            }
            int m = farEnd.decryptRtp(b, off, n);
            Participant r = remote;
            if (m > 0 && r != null) {
                r.endpoint().onRtp(b, off, m);
                delivered++;
            }
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fx = new ForwardFixture();
        CongestionControlConfig cc = CongestionControlConfig.disabled();
        nodeA = new RoomManager(new MetricRegistry(), new RoomListener() { }, subscribers + 1, ForwardingContext.defaults(cc));
        nodeB = new RoomManager(new MetricRegistry(), new RoomListener() { }, subscribers + 1, ForwardingContext.defaults(cc));
        publisher = nodeA.join("bench", "pub", "publisher",
                new LoopbackSrtpTransport("pub", fx.serverForPublisher, fx.sinkAddress));
        boolean relay = "relay".equals(path);
        RoomManager subscribersNode = relay ? nodeB : nodeA;
        List<Participant> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            LoopbackSrtpTransport t = new LoopbackSrtpTransport("sub" + i, ForwardFixture.subscriberSession(i), fx.sinkAddress);
            subscriberTransports.add(t);
            subs.add(subscribersNode.join("bench", "sub" + i, "subscriber " + i, t));
        }
        RelayPipe pipe = null;
        if (relay) {
            byte[] material = ForwardFixture.material(7);
            pipe = new RelayPipe(SrtpSession.fromKeyingMaterial(ForwardFixture.PROFILE, material, true, SrtpSession.DEFAULT_MAX_TX_SSRCS),
                    SrtpSession.fromKeyingMaterial(ForwardFixture.PROFILE, material, false, SrtpSession.DEFAULT_MAX_TX_SSRCS),
                    fx.sinkAddress);
            RelayEgress e = new RelayEgress(pipe, nodeA.context());
            egress = e;
            nodeA.attachRelay("bench", new RoomRelay() {
                @Override
                public RelayEgress egress() {
                    return e;
                }

                @Override
                public void localParticipantChanged(Participant p) {
                }

                @Override
                public void localParticipantLeft(Participant p) {
                }
            });
        }
        List<HeaderExtension> ext = List.of(
                new HeaderExtension(ClientSdp.EXTENSION_IDS.absSendTimeId(), CodecPolicy.EXT_ABS_SEND_TIME),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.transportCcId(), CodecPolicy.EXT_TRANSPORT_CC),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.midId(), CodecPolicy.EXT_MID));
        Codec vp8 = new Codec(ClientSdp.VP8_PT, "VP8", 90000, 1, "", List.of("nack", "nack pli", "ccm fir",
                "transport-cc"), ClientSdp.RTX_PT);
        publisher.publish(List.of(new PublishedTrack("video", MediaKind.VIDEO, "1", ForwardFixture.SSRC & 0xFFFFFFFFL,
                0x0BADCAFEL, List.of(vp8), ext)));
        if (relay) {
            // Node B mirrors the publisher from its description, on the relay's transport.
            Participant remote = nodeB.joinRemote("bench", "pub", "publisher",
                    new LoopbackSrtpTransport("relay-b", ForwardFixture.subscriberSession(999), fx.sinkAddress), "node-a");
            RelayTrack described = RelayTrack.of(publisher.upTracks().get(0));
            remote.publish(List.of(described.toPublishedTrack()));
            described.applyLayers(remote.upTracks().get(0));
            pipe.remote = remote;
        }
        for (Participant s : subs) {
            s.setReceiveCapabilities(MediaKind.VIDEO, List.of(vp8), ext);
            s.activateDownTracks();
        }
        // The first packet is a key frame so every subscriber starts forwarding.
        forward(fx.nextEncrypted(buf, seq++, true));
        prepare();
        forward(len);
        if (subscriberTransports.get(0).sent == 0) {
            throw new IllegalStateException("the set-up forwards nothing");
        }
        if (relay && egress.packetsSent() != 2) {
            throw new IllegalStateException("the relay sent " + egress.packetsSent() + " packets for 2");
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
        nodeA.close();
        nodeB.close();
        if (egress != null) {
            egress.close();
        }
        fx.close();
    }
}
