package dev.sfu.core.relay;

import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.SimulcastLayer;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;

import java.util.ArrayList;
import java.util.List;

/**
 * A published track as the far node needs it to read the packets that cross the relay unchanged:
 * the publisher's payload types, RTX mapping and header extension ids, and the SSRC of every
 * layer (a simulcast layer's SSRC is the one this node learned from the rid extension; -1 while
 * not learned, and the description is sent again once it is).
 *
 * <p>The {@code transport-cc} feedback is left out, and the transport-wide sequence number
 * extension in {@code extensions} is the relay's own (its id: {@link RelayEgress#transportCcIdOnRelay}):
 * the sending node stamps its sequence under it, the receiving node reads it for its feedback to
 * the sending node ({@link #transportCcId}) and keeps it out of the remote participant's track, whose
 * subscribers get the receiving node's own stamps.
 *
 * @param layers one per simulcast encoding in the publisher's order, or a single one
 */
public record RelayTrack(String trackId, MediaKind kind, String mid, List<Codec> codecs,
                         List<HeaderExtension> extensions, List<String> rids, List<Layer> layers,
                         boolean screenShare) {
    public RelayTrack {
        codecs = List.copyOf(codecs);
        extensions = List.copyOf(extensions);
        rids = List.copyOf(rids);
        layers = List.copyOf(layers);
    }

    /**
     * One RTP stream of the track: its rid (null when not simulcast), SSRC and RTX SSRC (-1 when
     * unknown), and what this node measured of it so far: resolution from its last keyframe (-1
     * when unknown) and bitrate in bits/s (0 when not measured). The far node prices the layer
     * from them until it has measured the relayed packets itself (docs/operations.md, "Rooms
     * across nodes"), rather than as a 1280x720 video at 2.5 Mbit/s.
     */
    public record Layer(String rid, long ssrc, long rtxSsrc, int width, int height, long bps) {
        /** A layer of which nothing was measured yet. */
        public Layer(String rid, long ssrc, long rtxSsrc) {
            this(rid, ssrc, rtxSsrc, -1, -1, 0);
        }
    }

    /** The description of a local track, with the SSRCs known now, for a relay that stamps. */
    public static RelayTrack of(UpTrack up) {
        return of(up, true);
    }

    /**
     * The description of a local track, with the SSRCs known now; {@code stamped}: the relay
     * carries its own transport-wide sequence numbers (congestion control on), and the id they
     * cross under is listed.
     */
    public static RelayTrack of(UpTrack up, boolean stamped) {
        PublishedTrack t = up.track();
        List<Codec> codecs = new ArrayList<>();
        for (Codec c : t.codecs()) {
            List<String> fb = new ArrayList<>();
            for (String f : c.rtcpFeedback()) {
                if (!UpTrack.TRANSPORT_CC_FEEDBACK.equals(f.trim())) {
                    fb.add(f);
                }
            }
            codecs.add(new Codec(c.payloadType(), c.name(), c.clockRate(), c.channels(), c.fmtp(), fb,
                    c.rtxPayloadType()));
        }
        List<HeaderExtension> extensions = new ArrayList<>();
        for (HeaderExtension e : t.extensions()) {
            if (!UpTrack.TRANSPORT_CC_URI.equals(e.uri())) {
                extensions.add(e);
            }
        }
        int relayTcc = stamped ? RelayEgress.transportCcIdOnRelay(t) : -1;
        if (relayTcc > 0) {
            extensions.add(new HeaderExtension(relayTcc, UpTrack.TRANSPORT_CC_URI));
        }
        List<Layer> layers = new ArrayList<>();
        for (SimulcastLayer l : up.layers()) {
            layers.add(new Layer(l.rid(), l.ssrc(), l.rtxSsrc(), l.width(), l.height(), l.measuredBps()));
        }
        return new RelayTrack(t.trackId(), t.kind(), t.mid(), codecs, extensions, t.rids(), layers, up.isScreenShare());
    }

    /** The track as the far node publishes it for its remote participant (layer SSRCs: {@link #applyLayers}). */
    public PublishedTrack toPublishedTrack() {
        boolean plain = rids.isEmpty() && layers.size() == 1;
        long ssrc = plain ? layers.get(0).ssrc() : -1;
        long rtx = plain ? layers.get(0).rtxSsrc() : -1;
        List<HeaderExtension> own = new ArrayList<>();
        for (HeaderExtension e : extensions) {
            if (!UpTrack.TRANSPORT_CC_URI.equals(e.uri())) {
                own.add(e);
            }
        }
        return new PublishedTrack(trackId, kind, mid, ssrc, rtx, codecs, own, rids);
    }

    /** The id the relay's transport-wide sequence number crosses under for this track, or -1. */
    public int transportCcId() {
        for (HeaderExtension e : extensions) {
            if (UpTrack.TRANSPORT_CC_URI.equals(e.uri())) {
                return e.id();
            }
        }
        return -1;
    }

    /** Gives the far node's UpTrack the layer SSRCs, sizes and bitrates this node knows. */
    public void applyLayers(UpTrack up) {
        int n = Math.min(layers.size(), up.layers().size());
        for (int i = 0; i < n; i++) {
            Layer l = layers.get(i);
            up.setLayerSsrcs(i, l.ssrc(), l.rtxSsrc());
            up.setLayerMeasurements(i, l.width(), l.height(), l.bps());
        }
        up.setScreenShare(screenShare);
    }
}
