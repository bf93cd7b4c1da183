package dev.sfu.signaling.admin;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.RoomFullException;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.NoIceTransport;
import dev.sfu.rtp.ext.SdesTextExtension;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real sfu-core rooms on the real clock, whose participants have transports without sockets:
 * a publisher's RTP enters the true forwarding path ({@code MediaEndpoint.onRtp}) and what the
 * server "sends" is counted and discarded. Traffic of a known bitrate comes from {@link Pump}.
 */
final class SyntheticRooms implements AutoCloseable {
    static final int VP8 = 96;
    /** Header extension ids of the simulcast track: sdes:mid (RFC 8843) and rtp-stream-id (RFC 8852). */
    static final int MID_ID = 4;
    static final int RID_ID = 10;
    /** The mid of every synthetic video track. */
    static final String MID = "0";
    final MetricRegistry registry = new MetricRegistry();
    final RoomManager manager = new RoomManager(registry, new RoomListener() { }, 50);

    /** A connected transport that accepts every packet and keeps nothing. */
    static final class NullTransport extends NoIceTransport {
        final AtomicLong sent = new AtomicLong();

        NullTransport(String id) {
            super(id);
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            sent.incrementAndGet();
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return true;
        }

        @Override
        public void close() {
            closed(CloseReason.LOCAL_CLOSE, "closed");
        }
    }

    Participant join(String room, String id) throws RoomFullException {
        Participant p = manager.join(room, id, Character.toUpperCase(id.charAt(0)) + id.substring(1), NullTransport::new);
        p.activateDownTracks();
        return p;
    }

    private static Codec vp8() {
        return new Codec(VP8, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1);
    }

    /** Publishes one VP8 video track with SSRC {@code ssrc}. */
    static void publishVideo(Participant p, long ssrc) {
        p.publish(List.of(new PublishedTrack("v-" + p.id(), MediaKind.VIDEO, MID, ssrc, -1, List.of(vp8()), List.of())));
    }

    /**
     * Publishes one VP8 video track as three simulcast encodings, rids q, h and f (RFC 8853), with
     * no SSRCs: as a browser's offer, the server learns them from the packets' mid and rid
     * ({@link #simulcastPacket}).
     */
    static void publishSimulcast(Participant p) {
        List<HeaderExtension> ext = List.of(new HeaderExtension(MID_ID, SdesTextExtension.MID_URI),
                new HeaderExtension(RID_ID, SdesTextExtension.RTP_STREAM_ID_URI));
        p.publish(List.of(new PublishedTrack("v-" + p.id(), MediaKind.VIDEO, MID, -1, -1, List.of(vp8()), ext,
                List.of("q", "h", "f"))));
    }

    /** One layer of a simulcast track: a {@link #simulcastPacket} of {@code size} bytes on {@code ssrc}. */
    record Layer(String rid, long ssrc, int width, int height) {
    }

    /**
     * A {@link #packet} of one simulcast layer: its keyframe says {@code width} x {@code height},
     * and its one-byte header extensions carry the track's mid and the layer's rid. The packet is
     * {@code size} bytes in all.
     */
    static byte[] simulcastPacket(int seq, long ts, Layer l, int size) {
        byte[] b = withMidAndRid(packet(seq, ts, l.ssrc(), size, l.width(), l.height()), l.rid());
        int extensions = b.length - size;
        return withMidAndRid(packet(seq, ts, l.ssrc(), size - extensions, l.width(), l.height()), l.rid());
    }

    private static byte[] withMidAndRid(byte[] p, String rid) {
        byte[] b = Arrays.copyOf(p, p.length + 32);
        int len = SdesTextExtension.add(b, 0, p.length, MID_ID, MID);
        len = SdesTextExtension.add(b, 0, len, RID_ID, rid);
        if (len < 0) {
            throw new AssertionError("the extensions did not fit");
        }
        return Arrays.copyOf(b, len);
    }

    /** {@link #packet(int, long, long, int, int, int)} of a 640x480 keyframe. */
    static byte[] packet(int seq, long ts, long ssrc, int size) {
        return packet(seq, ts, ssrc, size, 640, 480);
    }

    /**
     * One VP8 RTP packet of {@code size} bytes (12-byte header, then a VP8 keyframe start that
     * says width x height, then filler), so every packet may start decoding and is forwarded at once.
     */
    static byte[] packet(int seq, long ts, long ssrc, int size, int width, int height) {
        byte[] b = new byte[size];
        b[0] = (byte) 0x80;                 // V=2
        b[1] = (byte) VP8;                  // M=0, PT=96
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (ts >>> 24);
        b[5] = (byte) (ts >>> 16);
        b[6] = (byte) (ts >>> 8);
        b[7] = (byte) ts;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        // Descriptor S=1 PID=0; frame tag (keyframe); start code; width and height, 14 bits little-endian (RFC 6386 9.1).
        byte[] vp8 = {0x10, 0x50, 0x04, 0x00, (byte) 0x9d, 0x01, 0x2a,
            (byte) width, (byte) (width >>> 8), (byte) height, (byte) (height >>> 8)};
        System.arraycopy(vp8, 0, b, 12, vp8.length);
        return b;
    }

    /**
     * Sends a publisher's video at a constant bitrate from its own thread, catching up with the
     * wall clock so that scheduling hiccups do not lower the average.
     */
    static final class Pump implements AutoCloseable {
        final Thread thread;
        final AtomicLong packets = new AtomicLong();
        volatile long maxGapNanos;
        private volatile boolean running = true;

        Pump(Participant publisher, long ssrc, long bitsPerSecond, int packetSize) {
            this(publisher, List.of(new Layer(null, ssrc, 640, 480)), new long[] {bitsPerSecond}, packetSize);
        }

        /**
         * Sends each layer at its bitrate, all from one thread (a publisher's packets enter the
         * server one at a time, as from its transport); a layer with rid null is a plain track.
         */
        Pump(Participant publisher, List<Layer> layers, long[] bitsPerSecond, int packetSize) {
            int n = layers.size();
            double[] packetsPerSecond = new double[n];
            for (int i = 0; i < n; i++) {
                packetsPerSecond[i] = bitsPerSecond[i] / 8.0 / packetSize;
            }
            thread = new Thread(() -> {
                long start = System.nanoTime();
                long last = start;
                long[] sent = new long[n];
                while (running) {
                    long now = System.nanoTime();
                    maxGapNanos = Math.max(maxGapNanos, now - last);
                    last = now;
                    for (int i = 0; i < n; i++) {
                        Layer l = layers.get(i);
                        long due = (long) ((now - start) / 1e9 * packetsPerSecond[i]);
                        while (sent[i] < due) {
                            int seq = (int) sent[i];
                            byte[] b = l.rid() == null ? packet(seq & 0xFFFF, seq * 3000L, l.ssrc(), packetSize)
                                    : simulcastPacket(seq & 0xFFFF, seq * 3000L, l, packetSize);
                            publisher.endpoint().onRtp(b, 0, b.length);
                            sent[i]++;
                            packets.incrementAndGet();
                        }
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pump-" + publisher.id());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    void leave(Participant p) {
        p.leave(LeaveReason.LEFT);
    }

    @Override
    public void close() {
        manager.close();
    }
}
