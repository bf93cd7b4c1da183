package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.RembPacket;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.util.BufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The media side of one participant: what it publishes ({@link UpTrack}s), what it receives
 * ({@link DownTrack}s), and its packet path. {@link #onRtp} and {@link #onRtcp} take decrypted
 * packets from its transport's serial executor and need no socket: tests and benchmarks call
 * them directly.
 *
 * <p>Threading: the per-packet path runs on this endpoint's executor and takes no lock. It owns
 * three pooled buffers: one to unwrap RTX, one to rewrite RTP for each subscriber in turn, one
 * to build RTCP. Track lists are copy-on-write arrays. {@link #close} returns the buffers to the
 * pool once no packet is in flight.
 */
public final class MediaEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MediaEndpoint.class);
    private static final int CLOSED = 1 << 30;
    private static final UpTrack[] NO_UP = new UpTrack[0];
    private static final DownTrack[] NO_DOWN = new DownTrack[0];
    private static final int MAX_REPORT_BLOCKS = 31;
    /** The original sequence number that leads an RTX payload (RFC 4588 section 4). */
    static final int RTX_OSN_LENGTH = 2;

    final String id;
    final String cname;
    private final byte[] cnameBytes;
    final MediaTransport transport;
    final BufferPool pool;
    final ForwardingConfig config;
    final LongSupplier clock;
    final ForwardingMetrics roomMetrics;
    final EndpointMetrics metrics;
    /** The SSRC the server's RTCP to this participant is sent from. */
    final long rtcpSsrc;
    private final Random random;

    private final byte[] ingressBuffer;
    private final byte[] egressBuffer;
    final byte[] rtcpBuffer;
    private final long[] rembSsrcs = new long[MAX_REPORT_BLOCKS];
    private final int[] nackSeqs;
    private final RtcpTermination rtcpTermination = new RtcpTermination(this);
    private long lastReportNanos;

    private volatile UpTrack[] upTracks = NO_UP;
    private volatile DownTrack[] downTracks = NO_DOWN;
    private final List<UpTrack> retired = new ArrayList<>();
    /** SSRCs of removed DownTracks, never reused towards this subscriber (RFC 3550 section 8). */
    private final java.util.Set<Long> usedSsrcs = new java.util.HashSet<>();
    private final List<Codec>[] receiveCodecs;
    private final List<HeaderExtension>[] receiveExtensions;

    private final AtomicInteger state = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();

    @SuppressWarnings("unchecked")
    public MediaEndpoint(String id, String cname, MediaTransport transport, ForwardingContext context,
                         ForwardingMetrics roomMetrics, EndpointMetrics metrics) {
        this.id = id;
        this.cname = cname;
        this.cnameBytes = cname.getBytes(StandardCharsets.UTF_8);
        this.transport = transport;
        this.pool = context.pool();
        this.config = context.config();
        this.clock = context.nanoClock();
        this.roomMetrics = roomMetrics;
        this.metrics = metrics;
        this.random = new SecureRandom();
        this.rtcpSsrc = newSsrc();
        this.ingressBuffer = pool.acquire();
        this.egressBuffer = pool.acquire();
        this.rtcpBuffer = pool.acquire();
        this.lastReportNanos = clock.getAsLong();
        this.nackSeqs = new int[Math.max(1, config.maxNackGap())];
        this.receiveCodecs = new List[MediaKind.values().length];
        this.receiveExtensions = new List[MediaKind.values().length];
    }

    public String id() {
        return id;
    }

    public MediaTransport transport() {
        return transport;
    }

    public EndpointMetrics metrics() {
        return metrics;
    }

    public long rtcpSsrc() {
        return rtcpSsrc;
    }

    public List<UpTrack> upTracks() {
        return List.of(upTracks);
    }

    public List<DownTrack> downTracks() {
        return List.of(downTracks);
    }

    // ---------------------------------------------------------------- set-up (any thread)

    /**
     * Adds or updates a published track (same track id: the SSRCs are updated). Returns the new
     * UpTrack, or null when the track was already there or the endpoint is closed.
     */
    public synchronized UpTrack publish(PublishedTrack track) {
        if (isClosed()) {
            return null;
        }
        for (UpTrack u : upTracks) {
            if (u.trackId().equals(track.trackId())) {
                u.update(track);
                return null;
            }
        }
        UpTrack u = new UpTrack(this, track, pool, config, clock.getAsLong());
        upTracks = CopyOnWrite.with(upTracks, u);
        return u;
    }

    /**
     * Removes a published track; the caller unsubscribes its DownTracks. Its cache is kept until
     * the endpoint closes, so a packet in flight never writes into a released buffer.
     */
    public synchronized UpTrack unpublish(String trackId) {
        for (UpTrack u : upTracks) {
            if (u.trackId().equals(trackId)) {
                upTracks = CopyOnWrite.without(upTracks, u);
                retired.add(u);
                return u;
            }
        }
        return null;
    }

    /**
     * Sets what this participant can receive for {@code kind}, as its own offer listed it (its
     * payload types and extension ids). DownTracks map to these; until set, the publisher's
     * numbers are used unchanged.
     */
    public void setReceiveCapabilities(MediaKind kind, List<Codec> codecs, List<HeaderExtension> extensions) {
        synchronized (this) {
            receiveCodecs[kind.ordinal()] = codecs == null ? null : List.copyOf(codecs);
            receiveExtensions[kind.ordinal()] = extensions == null ? null : List.copyOf(extensions);
        }
        for (DownTrack d : downTracks) {
            if (d.kind() == kind) {
                d.setMapping(PayloadMapping.build(d.source().track(), codecs, extensions));
            }
        }
    }

    /**
     * Makes this endpoint receive {@code up}. The DownTrack is inactive until
     * {@link DownTrack#activate}. Every new DownTrack sends on SSRCs of its own, never on those
     * of an earlier track: Chromium does not unmute a recycled receiver whose new stream arrives
     * on the SSRC of the stream it had before (its audio then plays silence). Returns null when
     * closed.
     */
    public DownTrack subscribe(UpTrack up) {
        DownTrack d;
        synchronized (this) {
            if (isClosed()) {
                return null;
            }
            SendSlot slot = new SendSlot(up.kind(), newSsrc(), newSsrc(), up.clockRate, random);
            int k = up.kind().ordinal();
            PayloadMapping m = PayloadMapping.build(up.track(), receiveCodecs[k], receiveExtensions[k]);
            d = new DownTrack(this, up, slot, m, config.cacheSize());
            downTracks = CopyOnWrite.with(downTracks, d);
        }
        up.addDownTrack(d);
        return d;
    }

    /** Stops a DownTrack; its SSRCs are retired for this subscriber. */
    public void unsubscribe(DownTrack d) {
        d.source().removeDownTrack(d);
        d.close();
        synchronized (this) {
            DownTrack[] old = downTracks;
            downTracks = CopyOnWrite.without(old, d);
            if (downTracks != old) {
                usedSsrcs.add(d.slot.ssrc);
                usedSsrcs.add(d.slot.rtxSsrc);
            }
        }
        // Never sent on again (retired above), so the SRTP sending contexts can go: a subscriber
        // that stays while hundreds of publishers come and go would otherwise reach the bound.
        transport.retireSendingSsrc(d.slot.ssrc);
        if (d.slot.rtxSsrc >= 0) {
            transport.retireSendingSsrc(d.slot.rtxSsrc);
        }
    }

    private long newSsrc() {
        while (true) {
            long s = random.nextInt() & 0xFFFFFFFFL;
            if (s == 0) {
                continue;
            }
            boolean used = s == rtcpSsrc;
            for (DownTrack d : downTracks) {
                used |= d.slot.ssrc == s || d.slot.rtxSsrc == s;
            }
            used |= usedSsrcs.contains(s);
            if (!used) {
                return s;
            }
        }
    }

    // ---------------------------------------------------------------- packet path

    /** One decrypted RTP packet from this participant (its transport's executor). */
    public void onRtp(byte[] buf, int off, int len) {
        if (!enter()) {
            roomMetrics.drop(DropReason.CLOSED);
            return;
        }
        try {
            ingress(buf, off, len);
        } finally {
            exit();
        }
    }

    private void ingress(byte[] buf, int off, int len) {
        long now = clock.getAsLong();
        int h = RtpPacket.validHeaderLength(buf, off, len);
        if (h < 0) {
            roomMetrics.drop(DropReason.MALFORMED);
            return;
        }
        // Every copy must fit a pooled buffer with room to grow into RTX and then SRTP.
        if (len + RTX_OSN_LENGTH + RtpPacket.TAIL_ROOM > pool.bufferSize()) {
            roomMetrics.drop(DropReason.TOO_LARGE);
            return;
        }
        long ssrc = Integer.toUnsignedLong(RtpPacket.ssrc(buf, off));
        UpTrack up = bySsrc(ssrc);
        if (up == null) {
            up = learn(buf, off, len, ssrc);
            if (up == null) {
                roomMetrics.drop(DropReason.UNKNOWN_SSRC);
                return;
            }
        }
        metrics.packetsUp.mark(1, now);
        metrics.bytesUp.mark(len, now);
        roomMetrics.packetsIn.mark(1, now);
        roomMetrics.bytesIn.mark(len, now);
        up.bytesReceived += len;
        boolean repaired = false;
        if (ssrc == up.rtxSsrc && ssrc != up.ssrc) {
            // RFC 4588 section 4: restore the original packet from the RTX packet.
            int payload = RtpPacket.payloadLength(buf, off, len, h);
            if (payload < RTX_OSN_LENGTH) {
                roomMetrics.drop(DropReason.RTX_PADDING);
                return;
            }
            int apt = up.rtxToPrimary[RtpPacket.payloadType(buf, off)];
            if (apt < 0 || up.ssrc < 0) {
                roomMetrics.drop(DropReason.MALFORMED);
                return;
            }
            byte[] in = ingressBuffer;
            System.arraycopy(buf, off, in, 0, h);
            int osn = ((buf[off + h] & 0xFF) << 8) | (buf[off + h + 1] & 0xFF);
            System.arraycopy(buf, off + h + RTX_OSN_LENGTH, in, h, len - h - RTX_OSN_LENGTH);
            len -= RTX_OSN_LENGTH;
            buf = in;
            off = 0;
            ssrc = up.ssrc;
            RtpPacket.setSequenceNumber(in, 0, osn);
            RtpPacket.setSsrc(in, 0, (int) ssrc);
            RtpPacket.setPayloadType(in, 0, apt);
            repaired = true;
        }
        int seq = RtpPacket.sequenceNumber(buf, off);
        int gap = up.stats.update(ssrc, seq, RtpPacket.timestamp(buf, off), now);
        if (!repaired && gap > 0 && up.nackEnabled && gap <= config.maxNackGap()) {
            for (int i = 0; i < gap; i++) {
                nackSeqs[i] = (seq - gap + i) & 0xFFFF;
            }
            int n = NackPacket.write(rtcpBuffer, 0, rtcpBuffer.length - RtpPacket.TAIL_ROOM, rtcpSsrc, ssrc, nackSeqs, 0, gap);
            if (n > 0) {
                metrics.nacksSent.inc();
                roomMetrics.nacksSent.inc();
                transport.sendRtcp(rtcpBuffer, 0, n);
            }
        }
        boolean keyframe = false;
        if (up.video) {
            UpTrack.KeyframeFormat f = up.formatByPt[RtpPacket.payloadType(buf, off)];
            if (f != null) {
                keyframe = f.isKeyframe(buf, off + h, RtpPacket.payloadLength(buf, off, len, h));
                if (keyframe && now - up.lastKeyframeNanos > 1_000_000L) {
                    up.lastKeyframeNanos = now;
                    metrics.keyframes.inc();
                    roomMetrics.keyframes.inc();
                }
            }
        }
        if (up.cache != null) {
            up.cache.store(buf, off, len, seq, ssrc, now);
        }
        if (up.keyframePending) {
            up.requestKeyframe(now, rtcpBuffer);
        }
        for (DownTrack d : up.downTrackArray()) {
            d.forward(buf, off, len, h, ssrc, keyframe, now, egressBuffer, roomMetrics);
        }
        if (now - lastReportNanos >= config.receiverReportIntervalNanos()) {
            sendReceiverReport(now);
        }
    }

    private UpTrack bySsrc(long ssrc) {
        for (UpTrack u : upTracks) {
            if (u.ssrc == ssrc || u.rtxSsrc == ssrc) {
                return u;
            }
        }
        return null;
    }

    /**
     * Finds the track of an unsignalled SSRC: by its sdes:mid header extension (RFC 8843
     * section 15), else by payload type when only one track with an unknown SSRC can carry it.
     * A known track arriving on a new SSRC (the publisher restarted its stream) is switched.
     */
    private UpTrack learn(byte[] buf, int off, int len, long ssrc) {
        int pt = RtpPacket.payloadType(buf, off);
        UpTrack match = null;
        for (UpTrack u : upTracks) {
            if (u.midExtensionId > 0) {
                int at = HeaderExtensions.find(buf, off, len, u.midExtensionId);
                if (at >= 0 && equalsAscii(buf, at, HeaderExtensions.dataLength(buf, off, at), u.track().mid())) {
                    match = u;
                    break;
                }
            }
        }
        if (match == null) {
            for (UpTrack u : upTracks) {
                if (u.ssrc < 0 && (u.codecByPt[pt] != null || u.rtxToPrimary[pt] >= 0)) {
                    if (match != null) {
                        return null; // Ambiguous.
                    }
                    match = u;
                }
            }
        }
        if (match == null) {
            return null;
        }
        if (match.codecByPt[pt] == null && match.rtxToPrimary[pt] >= 0) {
            match.rtxSsrc = ssrc;
        } else if (match.codecByPt[pt] != null) {
            LOG.debug("{}: track {} now on SSRC {} (was {})", id, match.trackId(), ssrc, match.ssrc);
            match.ssrc = ssrc;
        } else {
            return null;
        }
        return match;
    }

    private static boolean equalsAscii(byte[] b, int at, int len, String s) {
        if (s == null || s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((b[at + i] & 0xFF) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The server's receiver report to this publisher (RFC 3550 section 6.4.2), one block per
     * stream heard from, followed by a REMB (draft-alvestrand-rmcat-remb) when configured.
     */
    private void sendReceiverReport(long now) {
        lastReportNanos = now;
        UpTrack[] ups = upTracks;
        int blocks = 0;
        for (UpTrack u : ups) {
            if (u.stats.hasData() && blocks < MAX_REPORT_BLOCKS) {
                blocks++;
            }
        }
        if (blocks == 0) {
            return;
        }
        byte[] b = rtcpBuffer;
        int room = b.length - RtpPacket.TAIL_ROOM;
        int p = ReceiverReport.HEADER_SIZE;
        int video = 0;
        int written = 0;
        for (UpTrack u : ups) {
            if (u.stats.hasData() && written < blocks) {
                u.stats.writeReportBlock(b, p, now);
                p += ReportBlock.SIZE;
                written++;
                if (u.video) {
                    rembSsrcs[video++] = u.stats.ssrc();
                }
            }
        }
        ReceiverReport.write(b, 0, room, rtcpSsrc, blocks);
        if (config.rembBitrate() > 0 && video > 0) {
            int n = RembPacket.write(b, p, room - p, rtcpSsrc, config.rembBitrate(), rembSsrcs, video);
            p += Math.max(0, n);
        }
        transport.sendRtcp(b, 0, p);
    }

    /**
     * One decrypted (compound) RTCP packet from this participant, as publisher (sender reports)
     * and as subscriber (receiver reports, NACK, PLI, FIR). Nothing is forwarded raw.
     */
    public void onRtcp(byte[] buf, int off, int len) {
        if (!enter()) {
            return;
        }
        try {
            rtcpTermination.process(buf, off, len, clock.getAsLong());
        } finally {
            exit();
        }
    }

    UpTrack primaryBySsrc(long ssrc) {
        for (UpTrack u : upTracks) {
            if (u.ssrc == ssrc) {
                return u;
            }
        }
        return null;
    }

    DownTrack downTrackBySsrc(long ssrc) {
        for (DownTrack d : downTracks) {
            if (d.slot.ssrc == ssrc) {
                return d;
            }
        }
        return null;
    }

    byte[] egressBuffer() {
        return egressBuffer;
    }

    byte[] cnameBytes() {
        return cnameBytes;
    }

    // ---------------------------------------------------------------- lifecycle

    private boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    private void exit() {
        if (state.decrementAndGet() == CLOSED) {
            releaseBuffers();
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Stops the packet path. Buffers and caches go back to the pool as soon as no packet is in
     * flight. The caller (the room) unsubscribes DownTracks first. Idempotent.
     */
    public void close() {
        int s = state.getAndUpdate(x -> x | CLOSED);
        if ((s & CLOSED) != 0) {
            return;
        }
        metrics.unregister();
        if (s == 0) {
            releaseBuffers();
        }
    }

    private void releaseBuffers() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        List<UpTrack> all;
        synchronized (this) {
            all = new ArrayList<>(retired);
            all.addAll(Arrays.asList(upTracks));
            retired.clear();
        }
        for (UpTrack u : all) {
            u.close();
        }
        pool.release(ingressBuffer);
        pool.release(egressBuffer);
        pool.release(rtcpBuffer);
    }
}
