package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.H264Keyframes;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.util.BufferPool;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's side of one track a participant publishes: the SSRCs it arrives on (signalled or
 * learned), its reception statistics, its retransmission cache, and the copy-on-write snapshot
 * of the {@link DownTrack}s that forward it to subscribers.
 */
public final class UpTrack {
    /** RFC 8843 section 15.2. */
    public static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";

    private static final DownTrack[] NONE = new DownTrack[0];

    final MediaEndpoint publisher;
    private volatile PublishedTrack track;
    volatile long ssrc;
    volatile long rtxSsrc;
    /** Index: a publisher RTX payload type; value: the payload type it repairs, or -1. */
    final int[] rtxToPrimary = new int[128];
    /** Index: a publisher payload type; value: the codec, or null. */
    final Codec[] codecByPt = new Codec[128];
    /** Index: a publisher payload type; value: how to spot its keyframes, or null. */
    final KeyframeFormat[] formatByPt = new KeyframeFormat[128];
    final int midExtensionId;
    final int clockRate;
    final boolean video;
    final boolean nackEnabled;
    final ReceiveStatistics stats;
    final RetransmissionCache cache;
    private volatile DownTrack[] downTracks = NONE;
    private final AtomicLong lastPliNanos;
    volatile boolean keyframePending;
    volatile long lastKeyframeNanos;
    /** Bytes of the RTP packets received on this track (RTX included); the publisher's executor writes. */
    volatile long bytesReceived;

    UpTrack(MediaEndpoint publisher, PublishedTrack track, BufferPool pool, ForwardingConfig config, long nowNanos) {
        this.publisher = publisher;
        this.track = track;
        this.ssrc = track.ssrc();
        this.rtxSsrc = track.rtxSsrc();
        this.video = track.kind() == MediaKind.VIDEO;
        Arrays.fill(rtxToPrimary, -1);
        boolean nack = false;
        for (Codec c : track.codecs()) {
            if (c.payloadType() >= 0 && c.payloadType() < 128) {
                codecByPt[c.payloadType()] = c;
                formatByPt[c.payloadType()] = video ? KeyframeFormat.of(c.name()) : KeyframeFormat.OTHER;
                if (c.rtxPayloadType() >= 0 && c.rtxPayloadType() < 128) {
                    rtxToPrimary[c.rtxPayloadType()] = c.payloadType();
                }
            }
            for (String fb : c.rtcpFeedback()) {
                if ("nack".equals(fb.trim())) {
                    nack = true;
                }
            }
        }
        this.nackEnabled = nack;
        this.clockRate = track.codecs().isEmpty() ? 90000 : track.codecs().get(0).clockRate();
        int mid = -1;
        for (HeaderExtension e : track.extensions()) {
            if (MID_URI.equals(e.uri())) {
                mid = e.id();
            }
        }
        this.midExtensionId = mid;
        this.stats = new ReceiveStatistics(clockRate);
        this.cache = video || nack ? new RetransmissionCache(pool, config.cacheSize(), config.cacheMaxAgeNanos()) : null;
        // Allow a first PLI at once.
        this.lastPliNanos = new AtomicLong(nowNanos - config.pliMinIntervalNanos() - 1);
    }

    public PublishedTrack track() {
        return track;
    }

    void update(PublishedTrack t) {
        track = t;
        if (t.ssrc() >= 0) {
            ssrc = t.ssrc();
        }
        if (t.rtxSsrc() >= 0) {
            rtxSsrc = t.rtxSsrc();
        }
    }

    public String trackId() {
        return track.trackId();
    }

    public MediaKind kind() {
        return track.kind();
    }

    public MediaEndpoint publisher() {
        return publisher;
    }

    /** The SSRC media currently arrives on: signalled, or learned from the first packet; -1 if unknown. */
    public long ssrc() {
        return ssrc;
    }

    public long rtxSsrc() {
        return rtxSsrc;
    }

    /** Bytes of the RTP packets received on this track, headers and RTX included. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** The RTP clock rate of the track's codecs. */
    public int clockRate() {
        return clockRate;
    }

    public ReceiveStatistics statistics() {
        return stats;
    }

    /** The subscribers' DownTracks now (a snapshot; never modified). */
    public List<DownTrack> downTracks() {
        return List.of(downTracks);
    }

    DownTrack[] downTrackArray() {
        return downTracks;
    }

    synchronized void addDownTrack(DownTrack d) {
        downTracks = CopyOnWrite.with(downTracks, d);
    }

    synchronized boolean removeDownTrack(DownTrack d) {
        DownTrack[] old = downTracks;
        downTracks = CopyOnWrite.without(old, d);
        return downTracks != old;
    }

    /**
     * Asks the publisher for a keyframe with a PLI (RFC 4585 section 6.3.1), at most once per
     * {@code pliMinIntervalNanos}. Writes into {@code buf} (owned by the calling thread).
     * Returns true when a PLI was sent. Safe from any thread.
     */
    boolean requestKeyframe(long nowNanos, byte[] buf) {
        if (!video) {
            return false;
        }
        long s = ssrc;
        if (s < 0) {
            keyframePending = true;
            return false;
        }
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

    /**
     * Which of the rtp module's payload inspectors tells a codec's keyframes: VP8 (RFC 7741) and
     * H.264 (RFC 6184); the payloads of other codecs are never held back.
     */
    enum KeyframeFormat {
        VP8, H264, OTHER;

        static KeyframeFormat of(String codecName) {
            if ("VP8".equalsIgnoreCase(codecName)) {
                return VP8;
            }
            return "H264".equalsIgnoreCase(codecName) ? H264 : OTHER;
        }

        /** True when the RTP payload at {@code off}, {@code len} starts a keyframe. */
        boolean isKeyframe(byte[] b, int off, int len) {
            return switch (this) {
                case VP8 -> Vp8PayloadDescriptor.isKeyframe(b, off, len);
                case H264 -> H264Keyframes.isKeyframe(b, off, len);
                case OTHER -> true;
            };
        }
    }
}
