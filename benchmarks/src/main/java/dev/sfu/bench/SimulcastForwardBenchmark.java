package dev.sfu.bench;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.bench.loadtest.ClientSdp;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.DropReason;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.SdesTextExtension;
import dev.sfu.rtp.srtp.SrtpSession;
import dev.sfu.signaling.sdp.CodecPolicy;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ForwardBenchmark}'s path with a simulcast publisher: one VP8 track sent as three
 * encodings (RFC 8853), rids q, h and f at 320x180, 640x360 and 1280x720, their SSRCs learned
 * from the rtp-stream-id extension (RFC 8852) of their first packets, as a browser that signals
 * no SSRC. Each of the N subscribers receives one layer, chosen as the server chooses it: its
 * tile size ({@link VideoConstraints}) and the room's allocation
 * ({@code RoomScheduler.allocate}); subscriber i gets f, h, q, f, h, q ... (N = 1: f).
 *
 * <p>One operation forwards one incoming packet. The layers are interleaved as a browser sends
 * them, in proportion to their bitrates, about 1:3:9 (say 150, 500 and 1,500 kbit/s): per frame
 * time the encoder produces q, then h, then f, and their packets leave in that order, q 1 packet
 * a frame, h 3, f 9, so 13 incoming packets per frame time. Every subscriber's DownTrack sees
 * every packet: those of its own layer are rewritten, encrypted and sent; the others are dropped
 * as {@code LAYER_NOT_SELECTED}, which is part of what simulcast costs and is inside the figure
 * (each iteration checks that these are the only drops). VP8 descriptors carry picture id,
 * TL0PICIDX, TID (three temporal layers, pattern 0, 2, 1, 2) and KEYIDX; the first packet of a
 * frame carries the VP8 payload header. Packets are as long as {@link ForwardFixture}'s (1,128
 * bytes of RTP with the same extensions: mid, abs-send-time, transport-cc), so the two
 * benchmarks differ in what simulcast changes: three SSRCs, the layer choice and the VP8 layer
 * fields. Key frames start every layer once in the set-up; the measurement is steady state.
 *
 * <p>Scores: {@code forward} is ns per incoming packet; the secondary {@code forward:outgoing}
 * is ns per packet sent to a subscriber (JMH divides the same measured time by the count of
 * packets sent, checked against the DownTracks after every iteration). Compare the latter with
 * {@link ForwardBenchmark}'s ns/op divided by N, in the same run:
 * {@code ./sfu bench 'ForwardBenchmark|SimulcastForwardBenchmark' -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulcastForwardBenchmark {
    static final String ROOM = "bench";
    static final int RID_ID = 10;
    static final int RRID_ID = 11;
    static final String[] RIDS = {"q", "h", "f"};
    static final int[] WIDTH = {320, 640, 1280};
    static final int[] HEIGHT = {180, 360, 720};
    static final long[] SSRCS = {0x5A5A0001L, 0x5A5A0002L, 0x5A5A0003L};
    /** Each layer's own RTP timestamp origin, as every SSRC has its random one. */
    static final long[] TS_ORIGIN = {0x10000000L, 0x7FFFF000L, 0xFFFF0000L};
    /**
     * Each layer's first sequence number: browsers pick them at random (RFC 3550 section 5.1);
     * these make every layer wrap 65535 -> 0 near the 2,000th operation, inside the first warm-up
     * iteration. A first wrap later (at 65,536 packets of f, in a measurement iteration at N = 50)
     * would measure the JIT, not the path: jitsi-srtp's rollover counter branch, never taken
     * before, deoptimizes the compiled SRTP code, which allocates while it runs interpreted.
     */
    static final int[] FIRST_SEQ = {65536 - 150, 65536 - 450, 65536 - 1350};
    /** Packets per frame of each layer: bitrates 1:3:9. */
    static final int[] PACKETS_PER_FRAME = {1, 3, 9};
    /** The layer of each packet of one frame time, in the order a browser sends them. */
    static final int[] SEND_ORDER = {0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    /** Temporal layer of a layer's frame n, by n mod 4 (three temporal layers). */
    static final int[] TID_PATTERN = {0, 2, 1, 2};
    /** The subscriber's layer by i mod 3. */
    static final int[] SUBSCRIBER_LAYER = {2, 1, 0};
    /** Bytes of RTP per packet: {@link ForwardFixture}'s 28-byte header and 1,100-byte payload. */
    static final int PACKET_LENGTH = 28 + ForwardFixture.PAYLOAD;

    @Param({"1", "10", "50"})
    public int subscribers;

    /** Packets sent to subscribers, counted per operation; JMH reports ns per outgoing packet. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Outgoing {
        public long outgoing;

        @Setup(Level.Iteration)
        public void reset() {
            outgoing = 0;
        }
    }

    private ForwardFixture fx;
    private RoomManager rooms;
    private Room room;
    private Participant publisher;
    private final List<DownTrack> downTracks = new ArrayList<>();
    private final byte[] buf = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
    private final byte[] mid = "1".getBytes(StandardCharsets.US_ASCII);
    /** Packets sent per incoming packet of each layer: the subscribers on that layer. */
    private final int[] outPerLayer = new int[3];
    // Per layer numbering: next sequence number, frame count, TL0PICIDX.
    private final int[] seq = FIRST_SEQ.clone();
    private final int[] frame = new int[3];
    private final int[] tl0 = new int[3];
    /** Position in {@link #SEND_ORDER}; packet index within the current frame of each layer. */
    private int slot;
    private final int[] inFrame = new int[3];
    private int len;
    private int layer;
    private long counted;
    private long ops;
    private long sentBefore;
    private long countedBefore;
    private long opsBefore;
    private final long[] dropsBefore = new long[DropReason.values().length];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fx = new ForwardFixture();
        if (fx.deltaLength != PACKET_LENGTH) {
            throw new IllegalStateException("ForwardBenchmark's packets are " + fx.deltaLength + " bytes, these "
                    + PACKET_LENGTH);
        }
        rooms = new RoomManager(new MetricRegistry(), new RoomListener() { }, subscribers + 1,
                ForwardingContext.defaults());
        publisher = rooms.join(ROOM, "pub", "publisher",
                new LoopbackSrtpTransport("pub", fx.serverForPublisher, fx.sinkAddress));
        List<Participant> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            subs.add(rooms.join(ROOM, "sub" + i, "subscriber " + i,
                    new LoopbackSrtpTransport("sub" + i, ForwardFixture.subscriberSession(i), fx.sinkAddress)));
        }
        room = rooms.room(ROOM);
        List<HeaderExtension> ext = List.of(
                new HeaderExtension(ClientSdp.EXTENSION_IDS.absSendTimeId(), CodecPolicy.EXT_ABS_SEND_TIME),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.transportCcId(), CodecPolicy.EXT_TRANSPORT_CC),
                new HeaderExtension(ClientSdp.EXTENSION_IDS.midId(), CodecPolicy.EXT_MID),
                new HeaderExtension(RID_ID, CodecPolicy.EXT_RID),
                new HeaderExtension(RRID_ID, CodecPolicy.EXT_REPAIRED_RID));
        Codec vp8 = new Codec(ClientSdp.VP8_PT, "VP8", 90000, 1, "", List.of("nack", "nack pli", "ccm fir",
                "transport-cc"), ClientSdp.RTX_PT);
        publisher.publish(List.of(new PublishedTrack("video", MediaKind.VIDEO, "1", -1, -1, List.of(vp8), ext,
                List.of(RIDS))));
        // Each subscriber shows the video in a tile the size of its layer; the room allocates.
        for (int i = 0; i < subscribers; i++) {
            int l = SUBSCRIBER_LAYER[i % 3];
            DownTrack d = subs.get(i).downTracks().get(0);
            d.setConstraints(new VideoConstraints(WIDTH[l], HEIGHT[l], true));
            downTracks.add(d);
            outPerLayer[l]++;
        }
        rooms.scheduler().allocate(room);
        for (Participant s : subs) {
            s.activateDownTracks();
        }
        // The browser's first packet of each layer: a key frame announcing mid and rid.
        for (int l = 0; l < 3; l++) {
            layer = l;
            len = writePacket(l, true);
            len = SdesTextExtension.add(buf, 0, len, RID_ID, RIDS[l]);
            forward(fx.publisherSide.encryptRtp(buf, 0, len));
        }
        rooms.scheduler().allocate(room);
        for (int i = 0; i < subscribers; i++) {
            DownTrack d = downTracks.get(i);
            String want = RIDS[SUBSCRIBER_LAYER[i % 3]];
            if (!want.equals(d.currentRid())) {
                throw new IllegalStateException("subscriber " + i + " receives " + d.currentRid() + ", not " + want);
            }
        }
        long before = sent();
        prepare();
        forward(len);
        if (sent() - before != outPerLayer[0]) {
            throw new IllegalStateException("the set-up forwards " + (sent() - before) + " packets of q, not "
                    + outPerLayer[0]);
        }
    }

    /** The publisher writes and encrypts its next packet (not timed); one per operation. */
    @Setup(Level.Invocation)
    public void prepare() {
        ops++;
        layer = SEND_ORDER[slot];
        slot = slot + 1 == SEND_ORDER.length ? 0 : slot + 1;
        len = fx.publisherSide.encryptRtp(buf, 0, writePacket(layer, false));
    }

    @Benchmark
    public int forward(Outgoing out) {
        out.outgoing += outPerLayer[layer];
        counted += outPerLayer[layer];
        return forward(len);
    }

    private int forward(int srtpLength) {
        return fx.decryptAndForward(publisher, buf, srtpLength);
    }

    /**
     * Writes layer {@code l}'s next packet into {@link #buf}: the RTP header with mid,
     * abs-send-time and transport-cc, the VP8 descriptor, and on a frame's first packet the VP8
     * payload header; the marker on its last. Returns the RTP length.
     */
    private int writePacket(int l, boolean keyframe) {
        int index = inFrame[l];
        int count = keyframe ? 1 : PACKETS_PER_FRAME[l];
        boolean first = index == 0;
        long ts = (TS_ORIGIN[l] + 3000L * frame[l]) & 0xFFFFFFFFL;
        int h = ClientSdp.EXTENSION_IDS.writeHeader(buf, 0, index == count - 1, ClientSdp.VP8_PT, seq[l], ts,
                (int) SSRCS[l], mid, 0, seq[l]);
        int tid = keyframe ? 0 : TID_PATTERN[frame[l] & 3];
        if (first && tid == 0) {
            tl0[l] = (tl0[l] + 1) & 0xFF;
        }
        int n = Vp8PayloadDescriptor.write(buf, h, tid == 2, first, 0, (100 * l + frame[l]) & 0x7FFF, true,
                tl0[l], tid, false, 1);
        if (first) {
            Vp8PayloadDescriptor.writePayloadHeader(buf, h + n, keyframe, 900, WIDTH[l], HEIGHT[l]);
        }
        seq[l] = (seq[l] + 1) & 0xFFFF;
        if (++inFrame[l] == count) {
            inFrame[l] = 0;
            frame[l]++;
        }
        return keyframe ? h + n + Vp8PayloadDescriptor.KEYFRAME_HEADER_LENGTH + 8 : PACKET_LENGTH;
    }

    private long sent() {
        long s = 0;
        for (DownTrack d : downTracks) {
            s += d.packetsSent();
        }
        return s;
    }

    @Setup(Level.Iteration)
    public void markIteration() {
        sentBefore = sent();
        countedBefore = counted;
        opsBefore = ops;
        for (DropReason r : DropReason.values()) {
            dropsBefore[r.ordinal()] = room.metrics().drops(r);
        }
    }

    /**
     * The count JMH divides by must be what the DownTracks sent, and every other offer of a
     * packet to a DownTrack must be a {@code LAYER_NOT_SELECTED} drop (no other drop at all).
     */
    @TearDown(Level.Iteration)
    public void checkIteration() {
        long s = sent() - sentBefore;
        long c = counted - countedBefore;
        if (s != c) {
            throw new IllegalStateException("counted " + c + " outgoing packets, the DownTracks sent " + s);
        }
        long offered = (ops - opsBefore) * subscribers;
        for (DropReason r : DropReason.values()) {
            long d = room.metrics().drops(r) - dropsBefore[r.ordinal()];
            long want = r == DropReason.LAYER_NOT_SELECTED ? offered - c : 0;
            if (d != want) {
                throw new IllegalStateException(d + " drops " + r + " in the iteration, expected " + want);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        rooms.close();
        fx.close();
    }
}
