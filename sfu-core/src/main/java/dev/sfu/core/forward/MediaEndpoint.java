package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.rtp.srtp.SrtpProfile;
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
import java.util.function.LongSupplier;

/**
 * The media side of one participant: what it publishes ({@link UpTrack}s), what it receives
 * ({@link DownTrack}s), and its packet path. It is its transport's {@link TransportListener}
 * (bound by the room when the participant joins): {@link #onRtp} and {@link #onRtcp} take
 * decrypted packets straight from the transport's serial executor, and need no socket: tests and
 * benchmarks call them directly.
 *
 * <p>Threading: the per-packet path ({@link ReceivePipeline}) runs on this endpoint's executor
 * and takes no lock but, for a subscriber with congestion control on, that subscriber's
 * {@link SubscriberEgress} lock around the send. It owns three pooled buffers: one to unwrap RTX, one to rewrite RTP for each
 * subscriber in turn, one to build RTCP. Track lists are copy-on-write arrays. {@link #close} returns the buffers to the
 * pool once no packet is in flight.
 */
public final class MediaEndpoint implements TransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(MediaEndpoint.class);
    /** A receive time further back than this is not one of this clock's (or not this packet's): use now. */
    private static final long MAX_INGRESS_WAIT_NANOS = 10_000_000_000L;
    private static final UpTrack[] NO_UP = new UpTrack[0];
    private static final DownTrack[] NO_DOWN = new DownTrack[0];

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
    private final RtcpTermination rtcpTermination = new RtcpTermination(this);
    private final ReceivePipeline pipeline;
    private final ReceiverReports reports;
    /** Every RTP packet to this participant leaves through it (stamping, pacing, probes). */
    final SubscriberEgress egress;

    private volatile UpTrack[] upTracks = NO_UP;
    private volatile DownTrack[] downTracks = NO_DOWN;
    private final List<UpTrack> retired = new ArrayList<>();
    /** SSRCs of removed DownTracks, never reused towards this subscriber (RFC 3550 section 8). */
    private final java.util.Set<Long> usedSsrcs = new java.util.HashSet<>();
    private final List<Codec>[] receiveCodecs;
    private final List<HeaderExtension>[] receiveExtensions;

    private final SubscriberAllocation allocation = new SubscriberAllocation();

    private final InFlightGate gate = new InFlightGate(this::releaseBuffers);
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
        this.pipeline = new ReceivePipeline(this, ingressBuffer, egressBuffer);
        this.reports = new ReceiverReports(this, clock.getAsLong());
        this.egress = new SubscriberEgress(this, transport, context, roomMetrics);
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

    // ---------------------------------------------------------------- downlink estimate (issue 13 API)

    /**
     * The estimated bitrate of this participant's downlink, bits/s, from its transport-cc
     * feedback; -1 while unknown (no transport-cc negotiated, or congestion control off).
     * Any thread.
     */
    public long estimatedDownlinkBps() {
        return egress.estimatedBps();
    }

    /**
     * What the allocation would send this participant if its downlink allowed, bits/s, so the
     * estimator can probe for more. Any thread.
     */
    public void setDesiredDownlinkBps(long bps) {
        egress.setDesiredBitrate(bps);
    }

    /** This participant's egress: its pacer and stamping counters (metrics, tests). */
    public SubscriberEgress egress() {
        return egress;
    }

    /** This participant's bandwidth allocation as a subscriber: allocated against estimate, paused videos, switches. */
    public SubscriberAllocation allocation() {
        return allocation;
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
        if (u.transportCcExtensionId > 0) {
            // One id for the whole BUNDLE transport (RFC 8843 section 9.1): the latest track's.
            pipeline.transportFeedback.setExtensionId(u.transportCcExtensionId);
        }
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
        egress.setNegotiatedExtensions(kind, extensions);
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
            d = new DownTrack(this, up, slot, m);
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

    /** DTLS keyed SRTP: the participant's media may flow (logged only; sending never waits for it). */
    @Override
    public void onConnected(SrtpProfile profile) {
        LOG.info("{}: media connected ({})", id, profile);
    }

    /** An ICE restart moved the participant to a new path: its downlink estimate starts again. */
    @Override
    public void onRouteChanged() {
        LOG.info("{}: new network path (ICE restart): the downlink estimate starts again", id);
        egress.onRouteChanged(clock.getAsLong());
    }

    /** One decrypted RTP packet from this participant (its transport's executor). */
    @Override
    public void onRtp(byte[] buf, int off, int len) {
        if (!gate.enter()) {
            roomMetrics.drop(DropReason.CLOSED);
            return;
        }
        try {
            long now = clock.getAsLong();
            long received = transport.receivedAtNanos();
            boolean sane = received >= 0 && received <= now && now - received < MAX_INGRESS_WAIT_NANOS;
            pipeline.process(buf, off, len, now, sane ? received : now);
            reports.maybeSend(now);
        } finally {
            gate.exit();
        }
    }

    /**
     * One decrypted (compound) RTCP packet from this participant, as publisher (sender reports)
     * and as subscriber (receiver reports, NACK, PLI, FIR). Nothing is forwarded raw.
     */
    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (!gate.enter()) {
            return;
        }
        try {
            rtcpTermination.process(buf, off, len, clock.getAsLong());
        } finally {
            gate.exit();
        }
    }

    /**
     * True when {@code ssrc} is the media or RTX SSRC of a layer this endpoint publishes: a
     * relay delivers each packet from another node to the remote publisher it belongs to.
     */
    public boolean publishesSsrc(long ssrc) {
        for (UpTrack u : upTracks) {
            if (u.layerBySsrc(ssrc) != null) {
                return true;
            }
        }
        return false;
    }

    /** The layer whose media SSRC this is, over every published track; null if none. */
    SimulcastLayer layerByMediaSsrc(long ssrc) {
        for (UpTrack u : upTracks) {
            SimulcastLayer l = u.layerByMediaSsrc(ssrc);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    UpTrack[] upTrackArray() {
        return upTracks;
    }

    DownTrack downTrackBySsrc(long ssrc) {
        for (DownTrack d : downTracks) {
            if (d.slot.ssrc == ssrc) {
                return d;
            }
        }
        return null;
    }

    DownTrack[] downTrackArray() {
        return downTracks;
    }

    /** The transport-wide feedback this endpoint sends as a publisher's receiver. */
    TransportFeedbackSender transportFeedback() {
        return pipeline.transportFeedback;
    }

    /** The REMB value last computed for this publisher, bits/s. */
    long rembBps() {
        return reports.rembBps();
    }

    byte[] egressBuffer() {
        return egressBuffer;
    }

    byte[] cnameBytes() {
        return cnameBytes;
    }

    // ---------------------------------------------------------------- lifecycle

    public boolean isClosed() {
        return gate.isClosed();
    }

    /**
     * Stops the packet path. Buffers and caches go back to the pool as soon as no packet is in
     * flight. The caller (the room) unsubscribes DownTracks first. Idempotent.
     */
    public void close() {
        int inFlight = gate.close();
        if (inFlight < 0) {
            return;
        }
        metrics.unregister();
        egress.close();
        if (inFlight == 0) {
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
