package dev.sfu.core.forward;

import dev.sfu.core.transport.MediaTransport;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.FirPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.util.BufferPool;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The sending half of a relay to another node (docs/architecture.md, "Relays"). Every packet of
 * the local tracks {@link #attach attached} to it crosses once, whatever the number of subscribers
 * on the far node, and crosses unchanged: the publisher's SSRC, sequence number, timestamp,
 * payload type and header extension ids (an RTX retransmission from the publisher crosses as the
 * original packet it repairs). All simulcast layers cross; the far node picks one per subscriber.
 *
 * <p>Feedback from the far node is terminated here, per hop (RFC 3550 section 6, RFC 4585):
 * <ul>
 *   <li>a NACK is answered from this node's retransmission cache of the layer, as RTX (RFC 4588)
 *       on the layer's RTX SSRC with a sequence of the relay's own: the same packet sent again on
 *       its own SSRC and sequence number would be an SRTP replay (RFC 3711 section 3.3.2) and
 *       dropped by the far node;</li>
 *   <li>a PLI or FIR becomes a keyframe request to the publisher, rate-limited like a local
 *       subscriber's ({@code ForwardingConfig.pliMinIntervalNanos});</li>
 *   <li>receiver reports give the loss on the relay; nothing goes on to the publisher, which gets
 *       this node's own reports;</li>
 *   <li>the publisher's sender reports are not forwarded: this node writes its own, with the
 *       publisher's NTP/RTP mapping and the packets and octets it relayed
 *       ({@link #senderReport}).</li>
 * </ul>
 *
 * <p>Threads: {@link #forward} and {@link #senderReport} run on publishers' executors with their
 * buffers and allocate nothing; {@link #onFeedback} runs on the relay transport's executor with a
 * buffer of this egress's own; counters are atomics.
 */
public final class RelayEgress {
    /** Why a packet did not cross, counted by {@link #drops(Drop)}. */
    public enum Drop {
        /** The relay transport refused it (not connected yet, closed, encryption failed): its own counters say which. */
        TRANSPORT_REFUSED,
        /** No room for the SRTP tag after the packet. */
        TOO_LARGE,
        /** The relay was closed. */
        CLOSED,
        /** A simulcast layer the far node does not need now (dynacast across the relay); not an error. */
        LAYER_NOT_NEEDED,
        /** Feedback about an SSRC this relay does not send. */
        UNKNOWN_SSRC,
        /** A NACKed packet no longer (or never) in the cache. */
        NOT_CACHED,
        /** A NACKed packet of a layer without an RTX SSRC or payload type to resend it on. */
        NO_RTX,
        /** Feedback that its view rejected. */
        MALFORMED
    }

    /** Hears what the far node must be told again (publisher's executor; must not block). */
    public interface Listener {
        /** A layer of {@code track} was found on an SSRC the track's description did not have. */
        void ssrcLearned(UpTrack track);
    }

    private static final UpTrack[] NONE = new UpTrack[0];

    private final MediaTransport transport;
    private final BufferPool pool;
    private final LongSupplier clock;
    private final byte[] feedbackBuffer;
    private final NackPacket nack = new NackPacket();
    private final PliPacket pli = new PliPacket();
    private final FirPacket fir = new FirPacket();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();
    private volatile UpTrack[] tracks = NONE;
    /** Per simulcast track, the layers the far node needs (bit per layer index); absent: all. */
    private final java.util.concurrent.ConcurrentHashMap<UpTrack, Integer> needed = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Listener listener;
    private final InFlightGate gate = new InFlightGate(this::releaseFeedbackBuffer);

    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong senderReportsSent = new AtomicLong();
    private final AtomicLong nacksReceived = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();
    private final AtomicLong keyframeRequestsReceived = new AtomicLong();
    private final AtomicLong keyframeRequestsSent = new AtomicLong();
    private final AtomicLong receiverReports = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private volatile int fractionLost;

    public RelayEgress(MediaTransport transport, ForwardingContext context) {
        this.transport = transport;
        this.pool = context.pool();
        this.clock = context.nanoClock();
        this.feedbackBuffer = pool.acquire();
    }

    public void setListener(Listener l) {
        listener = l;
    }

    /** Starts relaying {@code up}'s packets (idempotent). Any thread. */
    public synchronized void attach(UpTrack up) {
        for (UpTrack u : tracks) {
            if (u == up) {
                return;
            }
        }
        tracks = CopyOnWrite.with(tracks, up);
        up.addRelay(this);
    }

    /** Stops relaying {@code up}'s packets. Any thread. */
    public synchronized void detach(UpTrack up) {
        tracks = CopyOnWrite.without(tracks, up);
        needed.remove(up);
        up.removeRelay(this);
    }

    /**
     * Dynacast across the relay: the far node needs only these layers of {@code up} (by rid);
     * the others stop crossing, and the publisher may stop sending them if no one else needs
     * them. Unknown rids are ignored; an empty list keeps the smallest layer. Any thread.
     */
    public void setLayersNeeded(UpTrack up, List<String> rids) {
        int mask = 0;
        for (int i = 0; i < up.layerCount(); i++) {
            if (rids.contains(up.layer(i).rid)) {
                mask |= 1 << i;
            }
        }
        needed.put(up, mask == 0 ? 1 : mask);
    }

    /** The layers of {@code up} the far node needs, as a bit mask (all until it said). */
    int layersNeeded(UpTrack up) {
        Integer m = needed.get(up);
        return m == null ? -1 : m;
    }

    /** The tracks relayed now. */
    public List<UpTrack> tracks() {
        return List.of(tracks);
    }

    // ---------------------------------------------------------------- packet path

    /** Sends one packet across, unchanged (publisher's executor; {@code out} is its buffer). */
    void forward(IngressPacket p, byte[] out) {
        if (gate.isClosed()) {
            drops.incrementAndGet(Drop.CLOSED.ordinal());
            return;
        }
        if (p.track.layerCount() > 1) {
            Integer m = needed.get(p.track);
            if (m != null && (m & (1 << p.layer.index)) == 0) {
                drops.incrementAndGet(Drop.LAYER_NOT_NEEDED.ordinal());
                return;
            }
        }
        int len = p.len;
        if (len + RtpPacket.TAIL_ROOM > out.length) {
            drops.incrementAndGet(Drop.TOO_LARGE.ordinal());
            return;
        }
        System.arraycopy(p.buf, p.off, out, 0, len);
        if (transport.sendRtp(out, 0, len)) {
            packetsSent.incrementAndGet();
            bytesSent.addAndGet(len);
        } else {
            drops.incrementAndGet(Drop.TRANSPORT_REFUSED.ordinal());
        }
    }

    /**
     * This node's own sender report for a relayed layer (RFC 3550 section 6.4.1), when the
     * publisher sent one: the publisher's NTP time and RTP timestamp (so the far node can align
     * layers and keep lip sync), and the packets and payload octets this node relayed on that
     * SSRC. Publisher's executor; {@code out} is its RTCP buffer.
     */
    void senderReport(SimulcastLayer l, long ntp, long rtpTimestamp, byte[] out) {
        if (gate.isClosed() || (layersNeeded(l.track) & (1 << l.index)) == 0) {
            return;
        }
        int n = SenderReport.write(out, 0, out.length - RtpPacket.TAIL_ROOM, l.ssrc, ntp, rtpTimestamp,
                l.relayedPackets & 0xFFFFFFFFL, l.relayedOctets & 0xFFFFFFFFL, 0);
        if (n > 0 && transport.sendRtcp(out, 0, n)) {
            senderReportsSent.incrementAndGet();
        }
    }

    void ssrcLearned(UpTrack up) {
        Listener l = listener;
        if (l != null) {
            l.ssrcLearned(up);
        }
    }

    /**
     * One RTCP packet (not a compound) from the far node about the streams this relay sends:
     * a receiver report, a NACK, a PLI or a FIR; anything else is ignored. Relay executor.
     */
    public void onFeedback(byte[] b, int off, int len) {
        if (!gate.enter()) {
            return;
        }
        try {
            long now = clock.getAsLong();
            int type = RtcpHeader.packetType(b, off);
            int fmt = RtcpHeader.count(b, off);
            if (type == RtcpHeader.PT_RR) {
                if (rr.wrap(b, off, len)) {
                    receiverReport();
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_RTPFB && fmt == RtcpFeedback.FMT_NACK) {
                if (nack.wrap(b, off, len)) {
                    nack(now);
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_PSFB && fmt == RtcpFeedback.FMT_PLI) {
                if (pli.wrap(b, off, len)) {
                    keyframeRequest(pli.mediaSsrc(), now);
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            } else if (type == RtcpHeader.PT_PSFB && fmt == RtcpFeedback.FMT_FIR) {
                if (fir.wrap(b, off, len)) {
                    // RFC 5104 section 4.3.1.1: one FCI entry per requested SSRC.
                    for (int i = 0; i < fir.entryCount(); i++) {
                        keyframeRequest(fir.entrySsrc(i), now);
                    }
                } else {
                    drops.incrementAndGet(Drop.MALFORMED.ordinal());
                }
            }
        } finally {
            gate.exit();
        }
    }

    private void receiverReport() {
        for (int i = 0; i < rr.reportCount(); i++) {
            if (rr.reportBlock(i, block) && layer(block.ssrc()) != null) {
                receiverReports.incrementAndGet();
                fractionLost = block.fractionLost();
            }
        }
    }

    /** RFC 4585 section 6.2.1: answered from this node's cache, never passed to the publisher. */
    private void nack(long now) {
        nacksReceived.incrementAndGet();
        SimulcastLayer l = layer(nack.mediaSsrc());
        if (l == null || l.cache == null) {
            drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
            return;
        }
        for (int i = 0; i < nack.entryCount(); i++) {
            int pid = nack.pid(i);
            int blp = nack.blp(i);
            resend(l, pid, now);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    resend(l, (pid + bit + 1) & 0xFFFF, now);
                }
            }
        }
    }

    private void resend(SimulcastLayer l, int seq, long now) {
        byte[] out = feedbackBuffer;
        long rtxSsrc = l.rtxSsrc;
        int len = l.cache.copy(seq, l.ssrc, now, out, 0);
        if (len < 0) {
            drops.incrementAndGet(Drop.NOT_CACHED.ordinal());
            return;
        }
        int h = RtpPacket.validHeaderLength(out, 0, len);
        int pt = RtpPacket.payloadType(out, 0);
        dev.sfu.core.room.Codec codec = h < 0 ? null : l.track.codecByPt[pt];
        int rtxPt = codec == null ? -1 : codec.rtxPayloadType();
        if (rtxSsrc < 0 || rtxPt < 0 || rtxPt > 127) {
            drops.incrementAndGet(Drop.NO_RTX.ordinal());
            return;
        }
        if (len + RtxDecoder.OSN_LENGTH + RtpPacket.TAIL_ROOM > out.length) {
            drops.incrementAndGet(Drop.TOO_LARGE.ordinal());
            return;
        }
        // RFC 4588 section 4: the original sequence number leads the payload.
        System.arraycopy(out, h, out, h + RtxDecoder.OSN_LENGTH, len - h);
        out[h] = (byte) (seq >>> 8);
        out[h + 1] = (byte) seq;
        len += RtxDecoder.OSN_LENGTH;
        RtpPacket.setPayloadType(out, 0, rtxPt);
        RtpPacket.setSsrc(out, 0, (int) rtxSsrc);
        RtpPacket.setSequenceNumber(out, 0, l.relayRtxSequence.incrementAndGet() & 0xFFFF);
        if (transport.sendRtp(out, 0, len)) {
            retransmissions.incrementAndGet();
        } else {
            drops.incrementAndGet(Drop.TRANSPORT_REFUSED.ordinal());
        }
    }

    private void keyframeRequest(long mediaSsrc, long now) {
        keyframeRequestsReceived.incrementAndGet();
        SimulcastLayer l = layer(mediaSsrc);
        if (l == null) {
            drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
            return;
        }
        if (l.requestKeyframe(now, feedbackBuffer)) {
            keyframeRequestsSent.incrementAndGet();
        }
    }

    /** The relayed layer whose media SSRC this is, or null. */
    private SimulcastLayer layer(long ssrc) {
        for (UpTrack u : tracks) {
            SimulcastLayer l = u.layerByMediaSsrc(ssrc);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- counters

    /** RTP packets sent across (retransmissions not included). */
    public long packetsSent() {
        return packetsSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    public long senderReportsSent() {
        return senderReportsSent.get();
    }

    /** NACK packets received from the far node. */
    public long nacksReceived() {
        return nacksReceived.get();
    }

    /** Packets sent again across, from this node's cache, for the far node's NACKs. */
    public long retransmissions() {
        return retransmissions.get();
    }

    /** PLIs and FIR entries received from the far node. */
    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived.get();
    }

    /** Of those, the ones that became a PLI to the publisher (the others fell in the rate limit). */
    public long keyframeRequestsSent() {
        return keyframeRequestsSent.get();
    }

    /** Report blocks received about the relayed streams. */
    public long receiverReports() {
        return receiverReports.get();
    }

    /** The fraction lost (RFC 3550, out of 256) in the far node's last report block. */
    public int fractionLost() {
        return fractionLost;
    }

    public long drops(Drop reason) {
        return drops.get(reason.ordinal());
    }

    // ---------------------------------------------------------------- lifecycle

    /** Detaches every track and stops the relay; the buffer goes back once no feedback is in flight. Idempotent. */
    public void close() {
        int inFlight = gate.close();
        if (inFlight < 0) {
            return;
        }
        synchronized (this) {
            for (UpTrack u : tracks) {
                u.removeRelay(this);
            }
            tracks = NONE;
        }
        if (inFlight == 0) {
            releaseFeedbackBuffer();
        }
    }

    private void releaseFeedbackBuffer() {
        pool.release(feedbackBuffer);
    }

    public boolean isClosed() {
        return gate.isClosed();
    }
}
