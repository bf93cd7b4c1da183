package dev.sfu.signaling.sdp;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's answer to a browser's offer (RFC 8829 section 5.3, RFC 3264 section 6).
 * <ul>
 *   <li>Each section the browser sends on is answered {@code recvonly} with the formats of
 *       {@link CodecPolicy}; with no acceptable format it is rejected (port 0).</li>
 *   <li>Sections the server owns (its earlier offers' send sections, reappearing in a browser
 *       re-offer) are answered with the server's direction, formats and source.</li>
 *   <li>Other sections (a recvonly transceiver the browser added itself) are answered
 *       {@code inactive}; non-RTP sections (data channels) are rejected.</li>
 *   <li>Simulcast (RFC 8853): a sending section with {@code a=simulcast:send} and matching
 *       {@code a=rid:<id> send} lines is answered with the same rids as {@code recv} (at most
 *       {@link #MAX_SIMULCAST_LAYERS}, paused ones included, the first of each alternative list),
 *       so the browser sends each encoding on its own SSRC, named by the rtp-stream-id header
 *       extension.</li>
 * </ul>
 */
public final class AnswerBuilder {
    /** The most simulcast encodings accepted per section; further ones are declined by omission. */
    public static final int MAX_SIMULCAST_LAYERS = 3;

    private AnswerBuilder() {
    }

    /**
     * The result of answering one offer.
     *
     * @param sdp      the answer text
     * @param sections the server's sections as answered, in the offer's order
     * @param tracks   the tracks the browser publishes on accepted sections
     */
    public record Answer(String sdp, List<LocalMediaSection> sections, List<PublishedTrack> tracks) {
    }

    /**
     * Answers an offer.
     *
     * @param offer          the browser's offer
     * @param transport      the server's ICE/DTLS parameters (setup already chosen for this offer)
     * @param serverSections the server's own send sections by mid, from its earlier offers
     * @param sessionId      the o= session id
     * @param sessionVersion the o= version
     * @throws SdpParseException when the offer is unusable (no mid, no ICE credentials, no
     *                           fingerprint, no rtcp-mux, nothing acceptable)
     */
    public static Answer answer(SessionDescription offer, LocalTransport transport,
                                Map<String, LocalMediaSection> serverSections, long sessionId, long sessionVersion)
            throws SdpParseException {
        validateTransport(offer);
        List<LocalMediaSection> sections = new ArrayList<>();
        List<PublishedTrack> tracks = new ArrayList<>();
        boolean anyAccepted = false;
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media().get(i);
            if (m.mid() == null) {
                throw new SdpParseException("Media section " + i + " (m=" + m.type() + ") has no a=mid; Unified Plan needs one per section.");
            }
            LocalMediaSection s;
            if (m.isRejected() || m.kind() == null) {
                s = LocalMediaSection.rejectedCopy(m, m.mid());
            } else {
                if (!m.rtcpMux()) {
                    throw new SdpParseException("Media section " + m.mid() + " lacks a=rtcp-mux; the server needs RTP and RTCP on one port.");
                }
                LocalMediaSection own = serverSections.get(m.mid());
                s = own != null ? answerOwn(m, own) : answerPeer(m);
            }
            sections.add(s);
            if (!s.rejected()) {
                anyAccepted = true;
                if (s.direction().receives()) {
                    tracks.add(publishedTrack(m, s));
                }
            }
        }
        if (!anyAccepted) {
            throw new SdpParseException("The offer has no audio or video section the server can accept (it needs Opus, VP8 or H.264).");
        }
        String sdp = SdpWriter.write(sessionId, sessionVersion, transport, sections);
        return new Answer(sdp, sections, tracks);
    }

    /** Checks the ICE credentials and fingerprint the transport needs. */
    public static void validateTransport(SessionDescription sd) throws SdpParseException {
        MediaDescription t = sd.transportSection();
        if (t == null) {
            throw new SdpParseException("Every media section is rejected (port 0).");
        }
        if (sd.iceUfrag(t) == null || sd.icePwd(t) == null) {
            throw new SdpParseException("The SDP has no a=ice-ufrag / a=ice-pwd.");
        }
        if (sd.fingerprints(t).isEmpty()) {
            throw new SdpParseException("The SDP has no a=fingerprint; DTLS-SRTP needs one.");
        }
    }

    private static LocalMediaSection answerPeer(MediaDescription m) {
        List<RtpFormat> formats = CodecPolicy.choose(m);
        if (formats.isEmpty()) {
            return LocalMediaSection.rejectedCopy(m, m.mid());
        }
        Direction d = Direction.answer(Direction.RECVONLY, m.direction());
        if (d.receives() && m.kind() == MediaKind.AUDIO) {
            formats = CodecPolicy.askForDtx(formats);
        }
        List<String> rids = d.receives() ? simulcastRids(m) : List.of();
        return new LocalMediaSection(m.mid(), m.type(), m.protocol(), false, List.of(), d, formats,
                CodecPolicy.chooseExtensions(m), null, rids);
    }

    /**
     * The rids of the offer's {@code a=simulcast:send} list (RFC 8853 section 5.1) that also
     * have an {@code a=rid:<id> send} line, in the offer's order: the first of each alternative
     * list, a leading {@code ~} (paused) removed. Empty when the section is not simulcast, when the
     * offer lacks the rtp-stream-id extension (the SSRCs could not be told apart), or when fewer
     * than two remain.
     */
    static List<String> simulcastRids(MediaDescription m) {
        String sim = m.simulcast();
        if (sim == null || m.extensionId(CodecPolicy.EXT_RID) <= 0) {
            return List.of();
        }
        java.util.Set<String> sendRids = new java.util.HashSet<>();
        for (Rid r : m.rids()) {
            if ("send".equals(r.direction())) {
                sendRids.add(r.id());
            }
        }
        String[] parts = sim.trim().split("\\s+");
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            if (!"send".equals(parts[i])) {
                continue;
            }
            for (String alternatives : parts[i + 1].split(";")) {
                String rid = alternatives.split(",")[0];
                if (rid.startsWith("~")) {
                    rid = rid.substring(1);
                }
                if (sendRids.contains(rid) && !out.contains(rid) && out.size() < MAX_SIMULCAST_LAYERS) {
                    out.add(rid);
                }
            }
        }
        return out.size() >= 2 ? out : List.of();
    }

    /** Answers a section the server created: its formats and extensions as far as the peer keeps them. */
    private static LocalMediaSection answerOwn(MediaDescription m, LocalMediaSection own) {
        List<RtpFormat> formats = new ArrayList<>();
        for (RtpFormat f : own.formats()) {
            RtpFormat offered = m.format(f.payloadType());
            if (offered != null && offered.is(f.name())) {
                formats.add(f);
            }
        }
        List<Extmap> extensions = new ArrayList<>();
        for (Extmap e : own.extensions()) {
            int id = m.extensionId(e.uri());
            if (id > 0) {
                extensions.add(new Extmap(id, null, e.uri()));
            }
        }
        Direction d = formats.isEmpty() ? Direction.INACTIVE : Direction.answer(own.direction(), m.direction());
        if (formats.isEmpty()) {
            formats = CodecPolicy.choose(m);
            if (formats.isEmpty()) {
                return LocalMediaSection.rejectedCopy(m, m.mid());
            }
        }
        return new LocalMediaSection(m.mid(), m.type(), m.protocol(), false, List.of(), d, formats, extensions,
                d.sends() ? own.source() : null);
    }

    /** The track a browser publishes on an accepted receiving section. */
    public static PublishedTrack publishedTrack(MediaDescription m, LocalMediaSection accepted) {
        String trackId = m.trackId() != null ? m.trackId() : m.mid();
        long ssrc = m.primarySsrc();
        long rtx = ssrc >= 0 ? m.rtxSsrcOf(ssrc) : -1;
        return new PublishedTrack(trackId, m.kind(), m.mid(), ssrc, rtx, toCodecs(accepted.formats()),
                toExtensions(accepted.extensions()), accepted.receiveRids());
    }

    /** Converts formats to sfu-core codecs, folding each RTX format into its media format. */
    public static List<Codec> toCodecs(List<RtpFormat> formats) {
        List<Codec> out = new ArrayList<>();
        for (RtpFormat f : formats) {
            if (f.isRtx()) {
                continue;
            }
            int rtx = -1;
            for (RtpFormat r : formats) {
                if (r.isRtx() && r.apt() == f.payloadType()) {
                    rtx = r.payloadType();
                }
            }
            out.add(new Codec(f.payloadType(), f.name(), f.clockRate(), f.channels(), f.fmtp(), f.rtcpFeedback(), rtx));
        }
        return out;
    }

    /** Converts extmaps to sfu-core header extensions. */
    public static List<HeaderExtension> toExtensions(List<Extmap> extensions) {
        List<HeaderExtension> out = new ArrayList<>();
        for (Extmap e : extensions) {
            out.add(new HeaderExtension(e.id(), e.uri()));
        }
        return out;
    }
}
