package dev.sfu.signaling.admin;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.RoomFullException;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.NoIceTransport;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real sfu-core rooms on the real clock, whose participants have transports without sockets:
 * a publisher's RTP enters the true forwarding path ({@code MediaEndpoint.onRtp}) and what the
 * server "sends" is counted and discarded. Traffic of a known bitrate comes from {@link Pump}.
 */
final class SyntheticRooms implements AutoCloseable {
    static final int VP8 = 96;
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

    /** Publishes one VP8 video track with SSRC {@code ssrc}. */
    static void publishVideo(Participant p, long ssrc) {
        Codec vp8 = new Codec(VP8, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1);
        p.publish(List.of(new PublishedTrack("v-" + p.id(), MediaKind.VIDEO, "0", ssrc, -1, List.of(vp8), List.of())));
    }

    /**
     * One VP8 RTP packet of {@code size} bytes (12-byte header, then a VP8 keyframe start, then
     * filler), so every packet may start decoding and is forwarded at once.
     */
    static byte[] packet(int seq, long ts, long ssrc, int size) {
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
        byte[] vp8 = {0x10, 0x50, 0x04, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, (byte) 0xe0, 0x01};
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
            double packetsPerSecond = bitsPerSecond / 8.0 / packetSize;
            thread = new Thread(() -> {
                long start = System.nanoTime();
                long last = start;
                int seq = 0;
                while (running) {
                    long now = System.nanoTime();
                    maxGapNanos = Math.max(maxGapNanos, now - last);
                    last = now;
                    long due = (long) ((now - start) / 1e9 * packetsPerSecond);
                    while (packets.get() < due) {
                        byte[] b = packet(seq & 0xFFFF, seq * 3000L, ssrc, packetSize);
                        publisher.endpoint().onRtp(b, 0, b.length);
                        seq++;
                        packets.incrementAndGet();
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
