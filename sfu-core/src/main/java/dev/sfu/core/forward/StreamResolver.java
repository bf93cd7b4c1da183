package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.SdesTextExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first receive stage: checks the RTP header, parses it once into the {@link IngressPacket},
 * and finds the track and layer the SSRC belongs to. An SSRC the offer did not signal is learned
 * (RFC 8843 section 9.2, RFC 8852):
 * <ol>
 *   <li>the track by its sdes:mid header extension, else by payload type when only one track
 *       with an unknown SSRC can carry it;</li>
 *   <li>on a simulcast track, the layer by the rtp-stream-id extension (a media SSRC) or the
 *       repaired-rtp-stream-id extension (that layer's RTX SSRC);</li>
 *   <li>on a plain track, a known track arriving on a new SSRC (the publisher restarted its
 *       stream) is switched over.</li>
 * </ol>
 * Learning only fills the slots the offer announced, so the SSRCs a publisher can make the
 * server track are bounded by its rids. Browsers stop sending MID and RID once a receiver report
 * acknowledges the SSRC, so the server reports on every layer early. Padding-only packets on an
 * unknown SSRC (Chromium's bandwidth probes before any RTX SSRC is known) are dropped as
 * {@link DropReason#PROBE_PADDING}, not as errors.
 */
final class StreamResolver {
    private static final Logger LOG = LoggerFactory.getLogger(StreamResolver.class);

    private final MediaEndpoint endpoint;
    private final StageCounters counters;
    private final int maxPacket;

    StreamResolver(MediaEndpoint endpoint, StageCounters counters, int maxPacket) {
        this.endpoint = endpoint;
        this.counters = counters;
        this.maxPacket = maxPacket;
    }

    /** Returns false when the packet was dropped (and counted). */
    boolean resolve(IngressPacket p) {
        counters.in();
        int h = RtpPacket.validHeaderLength(p.buf, p.off, p.len);
        if (h < 0) {
            return counters.drop(DropReason.MALFORMED);
        }
        if (p.len > maxPacket) {
            return counters.drop(DropReason.TOO_LARGE);
        }
        p.parseHeader(h);
        for (UpTrack u : endpoint.upTrackArray()) {
            SimulcastLayer l = u.layerBySsrc(p.ssrc);
            if (l != null) {
                return found(p, u, l);
            }
        }
        UpTrack u = trackOf(p);
        SimulcastLayer l = u == null ? null : learnLayer(p, u);
        if (l == null) {
            boolean probe = RtpPacket.hasPadding(p.buf, p.off) && p.payloadLength() == 0;
            return counters.drop(probe ? DropReason.PROBE_PADDING : DropReason.UNKNOWN_SSRC);
        }
        return found(p, u, l);
    }

    private boolean found(IngressPacket p, UpTrack u, SimulcastLayer l) {
        p.track = u;
        p.layer = l;
        counters.out();
        return true;
    }

    /** The track of an unknown SSRC: by mid, else by payload type when unambiguous. */
    private UpTrack trackOf(IngressPacket p) {
        UpTrack[] ups = endpoint.upTrackArray();
        for (UpTrack u : ups) {
            String mid = u.track().mid();
            if (u.midExtensionId > 0 && mid != null && SdesTextExtension.matches(p.buf, p.off, p.len, u.midExtensionId, mid)) {
                return u;
            }
        }
        UpTrack match = null;
        for (UpTrack u : ups) {
            if (!u.isSimulcast() && u.ssrc() < 0 && carries(u, p.payloadType)) {
                if (match != null) {
                    return null; // Ambiguous.
                }
                match = u;
            }
        }
        return match;
    }

    private static boolean carries(UpTrack u, int pt) {
        return u.codecByPt[pt] != null || u.rtxToPrimary[pt] >= 0;
    }

    /** Assigns the SSRC to a layer of {@code u}; null when nothing in the packet says which. */
    private SimulcastLayer learnLayer(IngressPacket p, UpTrack u) {
        boolean rtx = u.codecByPt[p.payloadType] == null && u.rtxToPrimary[p.payloadType] >= 0;
        if (!rtx && u.codecByPt[p.payloadType] == null) {
            return null;
        }
        SimulcastLayer l;
        if (u.layerCount() == 1 && u.layer(0).rid == null) {
            l = u.layer(0);
        } else {
            l = layerByRid(p, u, rtx);
            if (l == null) {
                return null;
            }
        }
        if (rtx) {
            l.rtxSsrc = p.ssrc;
        } else {
            LOG.debug("{}: track {} layer {} now on SSRC {} (was {})", endpoint.id, u.trackId(), l.rid, p.ssrc, l.ssrc);
            l.ssrc = p.ssrc;
        }
        for (RelayEgress r : u.relayArray()) {
            // The far nodes were told the SSRCs known when the track was described.
            r.ssrcLearned(u);
        }
        return l;
    }

    private static SimulcastLayer layerByRid(IngressPacket p, UpTrack u, boolean rtx) {
        int id = rtx ? u.repairedRidExtensionId : u.ridExtensionId;
        if (id <= 0) {
            return null;
        }
        for (int i = 0; i < u.layerCount(); i++) {
            SimulcastLayer l = u.layer(i);
            // The id says which: rtp-stream-id on a media SSRC, repaired-rtp-stream-id on an RTX SSRC.
            if (SdesTextExtension.matches(p.buf, p.off, p.len, id, l.rid)) {
                return l;
            }
        }
        return null;
    }
}
