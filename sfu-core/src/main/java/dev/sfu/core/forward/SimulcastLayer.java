package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.util.BufferPool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One RTP stream of a published track: the single stream of a plain track, or one simulcast
 * encoding (RFC 8853) named by its rid. It holds what the server knows of that stream: its SSRC
 * and RTX SSRC (signalled, or learned from the rtp-stream-id / repaired-rtp-stream-id header
 * extensions of RFC 8852), reception statistics, the retransmission cache, its resolution as
 * read from its keyframes, its last sender report (to align timestamps across a switch), and
 * the rate limit of the PLIs that ask it for a keyframe.
 *
 * <p>The publisher's executor writes the packet-path fields; the volatile ones are read by the
 * allocator and the statistics from other threads.
 */
public final class SimulcastLayer {
    /** A layer counts as live while a packet arrived within this long. */
    static final long LIVE_NANOS = 1_000_000_000L;

    final UpTrack track;
    /** The position in the offer's rid list (0 for a plain track). */
    final int index;
    /** The rid, or null for a plain track. */
    final String rid;
    volatile long ssrc;
    volatile long rtxSsrc;
    final ReceiveStatistics stats;
    final RetransmissionCache cache;
    /** Sequence numbers received on {@link #receivedSsrc} (the publisher's executor; {@link DuplicateFilter}). */
    final dev.sfu.rtp.util.SequenceWindow received = new dev.sfu.rtp.util.SequenceWindow();
    long receivedSsrc = -1;
    private final AtomicLong lastPliNanos;
    volatile boolean keyframePending;
    volatile long lastKeyframeNanos;
    volatile long lastPacketNanos;
    /** Packets and payload octets sent across relays on this layer (publisher's executor), for the relay's sender reports. */
    long relayedPackets;
    long relayedOctets;
    /** The sequence numbers of the relays' retransmissions on this layer's RTX SSRC (RFC 4588 section 4: a stream of its own). */
    final java.util.concurrent.atomic.AtomicInteger relayRtxSequence =
            new java.util.concurrent.atomic.AtomicInteger(new java.util.Random().nextInt(0x8000));
    /** Bytes of the RTP packets received on this layer (RTX included). */
    volatile long bytesReceived;
    /**
     * Bytes of the VP8 packets received on this layer by temporal layer id (TID, RFC 7741
     * section 4.2), for the allocation's per-temporal-layer costs. Publisher's executor writes;
     * the scheduler reads it as statistics (a value may be a packet old).
     */
    final long[] temporalBytes = new long[LayerBitrate.MAX_TEMPORAL_LAYERS];
    /** The smoothed bitrate the allocation samples from the counters (scheduler thread). */
    final LayerBitrate bitrate = new LayerBitrate();
    /** Resolution from the last keyframe (VP8), or -1 while unknown. */
    volatile int width = -1;
    volatile int height = -1;
    /**
     * The smoothed bitrate once measured, bits/s, else 0: what {@link #bitrate} holds, published
     * by the scheduler thread for other threads (a relay's description of the track).
     */
    volatile long measuredBps;
    /**
     * For a track relayed from another node: the bitrate that node measured for this layer,
     * bits/s (0: unknown). It prices the layer until this node has measured it itself
     * ({@link StepLadder#layerBps}), so a relayed video is not priced from the size table while
     * its first packets cross.
     */
    volatile long originBps;
    /** Whether the relays were told this layer's first measurement (scheduler thread). */
    boolean measurementDescribed;
    // The last sender report of this layer's SSRC: NTP time (64-bit) and its RTP timestamp.
    volatile long srNtp;
    volatile long srRtp;
    volatile boolean haveSr;

    SimulcastLayer(UpTrack track, int index, String rid, long ssrc, long rtxSsrc, BufferPool pool,
                   ForwardingConfig config, boolean cached, long nowNanos) {
        this.track = track;
        this.index = index;
        this.rid = rid;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        this.stats = new ReceiveStatistics(track.clockRate);
        this.cache = cached ? new RetransmissionCache(pool, config.cacheSize(), config.cacheMaxAgeNanos()) : null;
        // Allow a first PLI at once.
        this.lastPliNanos = new AtomicLong(nowNanos - config.pliMinIntervalNanos() - 1);
        // Not live until a packet arrives.
        this.lastPacketNanos = nowNanos - LIVE_NANOS;
    }

    public String rid() {
        return rid;
    }

    public int index() {
        return index;
    }

    /** The SSRC the layer arrives on, or -1 while not learned. */
    public long ssrc() {
        return ssrc;
    }

    public long rtxSsrc() {
        return rtxSsrc;
    }

    public ReceiveStatistics statistics() {
        return stats;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    /** Width in pixels from the last keyframe, or -1 while unknown. */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The measured bitrate, bits/s, or 0 while not measured (see {@link LayerBitrate#measured}). */
    public long measuredBps() {
        return measuredBps;
    }

    /** True while packets arrive on this layer (the publisher sends it). */
    public boolean isLive(long nowNanos) {
        return nowNanos - lastPacketNanos < LIVE_NANOS;
    }

    /** Marks a packet's arrival (publisher's executor). */
    void received(int bytes, long nowNanos) {
        bytesReceived += bytes;
        lastPacketNanos = nowNanos;
    }

    /** Counts a VP8 packet's bytes under its temporal layer id (publisher's executor); a packet without TID is not counted. */
    void receivedTemporal(int tid, int bytes) {
        if (tid >= 0 && tid < temporalBytes.length) {
            temporalBytes[tid] += bytes;
        }
    }

    /** Records a sender report of this layer (RFC 3550 section 6.4.1). */
    void onSenderReport(long ntp, long rtpTimestamp) {
        srRtp = rtpTimestamp;
        srNtp = ntp;
        haveSr = true;
    }

    /**
     * Asks the publisher for a keyframe on this layer with a PLI (RFC 4585 section 6.3.1), at
     * most once per {@code pliMinIntervalNanos}. Writes into {@code buf} (owned by the calling
     * thread). Returns true when a PLI was sent. Safe from any thread.
     */
    boolean requestKeyframe(long nowNanos, byte[] buf) {
        if (!track.video) {
            return false;
        }
        long s = ssrc;
        if (s < 0) {
            keyframePending = true;
            return false;
        }
        MediaEndpoint publisher = track.publisher;
        long last = lastPliNanos.get();
        if (nowNanos - last < publisher.config.pliMinIntervalNanos() || !lastPliNanos.compareAndSet(last, nowNanos)) {
            return false;
        }
        keyframePending = false;
        int n = PliPacket.write(buf, 0, buf.length - RtpPacket.TAIL_ROOM, publisher.rtcpSsrc, s);
        publisher.metrics.plisReceived.inc();
        publisher.roomMetrics.plisSent.inc();
        publisher.transport.sendRtcp(buf, 0, n);
        return true;
    }

    long lastPliNanos() {
        return lastPliNanos.get();
    }

    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public String toString() {
        return "layer " + (rid == null ? "-" : rid) + " ssrc " + ssrc + (width > 0 ? " " + width + "x" + height : "");
    }
}
