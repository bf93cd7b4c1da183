package dev.sfu.signaling.sdp;

import dev.sfu.core.room.MediaKind;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;

import java.util.List;

/**
 * One media section of a session description: the {@code m=} line and its attributes
 * (RFC 8866 section 5.14, RFC 8829 section 5.8). Transport attributes (ICE, DTLS) are those
 * written in this section; {@link SessionDescription} resolves session-level defaults.
 *
 * @param type            "audio", "video", "application" ...
 * @param port            the m-line port; 0 means rejected
 * @param protocol        e.g. "UDP/TLS/RTP/SAVPF"
 * @param formats         the format list of the m-line, as written
 * @param mid             the a=mid value, null when absent
 * @param direction       the direction; sendrecv when absent (RFC 8866 section 6.7)
 * @param rtpFormats      the payload formats described by rtpmap lines, in m-line order
 * @param extensions      the a=extmap lines
 * @param ssrcs           the a=ssrc lines, grouped per SSRC, in order of first appearance
 * @param ssrcGroups      the a=ssrc-group lines
 * @param msidStream      the a=msid stream id, null when absent
 * @param msidTrack       the a=msid track id, null when absent
 * @param rids            the a=rid lines
 * @param simulcast       the a=simulcast value, null when absent
 * @param iceUfrag        media-level a=ice-ufrag, null when absent
 * @param icePwd          media-level a=ice-pwd, null when absent
 * @param fingerprints    media-level a=fingerprint lines
 * @param setup           media-level a=setup, null when absent
 * @param candidates      the a=candidate lines that parsed (malformed ones are skipped)
 * @param rtcpMux         a=rtcp-mux is present
 * @param endOfCandidates a=end-of-candidates is present
 * @param bundleOnly      a=bundle-only is present: with port 0 the section is bundled, not rejected
 *                        (RFC 8843 section 6; Firefox offers every section after the first this way)
 */
public record MediaDescription(String type, int port, String protocol, List<String> formats, String mid,
                               Direction direction, List<RtpFormat> rtpFormats, List<Extmap> extensions,
                               List<Ssrc> ssrcs, List<SsrcGroup> ssrcGroups, String msidStream,
                               String msidTrack, List<Rid> rids, String simulcast, String iceUfrag,
                               String icePwd, List<Fingerprint> fingerprints, DtlsSetup setup,
                               List<IceCandidate> candidates, boolean rtcpMux, boolean endOfCandidates,
                               boolean bundleOnly) {

    public MediaDescription {
        formats = List.copyOf(formats);
        rtpFormats = List.copyOf(rtpFormats);
        extensions = List.copyOf(extensions);
        ssrcs = List.copyOf(ssrcs);
        ssrcGroups = List.copyOf(ssrcGroups);
        rids = List.copyOf(rids);
        fingerprints = List.copyOf(fingerprints);
        candidates = List.copyOf(candidates);
    }

    /** The kind for audio and video sections, null for others (application, text ...). */
    public MediaKind kind() {
        return switch (type) {
            case "audio" -> MediaKind.AUDIO;
            case "video" -> MediaKind.VIDEO;
            default -> null;
        };
    }

    /**
     * True when the port is 0 without {@code a=bundle-only} (the section is rejected or stopped).
     * Port 0 with bundle-only is a section offered only inside the BUNDLE group (RFC 8843 section
     * 6): it uses the group's transport, and is accepted like any other.
     */
    public boolean isRejected() {
        return port == 0 && !bundleOnly;
    }

    /** The format with this payload type, or null. */
    public RtpFormat format(int payloadType) {
        for (RtpFormat f : rtpFormats) {
            if (f.payloadType() == payloadType) {
                return f;
            }
        }
        return null;
    }

    /** The RTX format whose apt is {@code payloadType}, or null. */
    public RtpFormat rtxFor(int payloadType) {
        for (RtpFormat f : rtpFormats) {
            if (f.isRtx() && f.apt() == payloadType) {
                return f;
            }
        }
        return null;
    }

    /** The extension id for a URI, or -1. */
    public int extensionId(String uri) {
        for (Extmap e : extensions) {
            if (e.uri().equals(uri)) {
                return e.id();
            }
        }
        return -1;
    }

    /** The first group with these semantics, or null. */
    public SsrcGroup ssrcGroup(String semantics) {
        for (SsrcGroup g : ssrcGroups) {
            if (g.semantics().equalsIgnoreCase(semantics)) {
                return g;
            }
        }
        return null;
    }

    /**
     * The primary media SSRC: the first of an FID group, else the first of a SIM group, else
     * the first a=ssrc line; -1 when none is signalled (rid-based simulcast).
     */
    public long primarySsrc() {
        SsrcGroup fid = ssrcGroup("FID");
        if (fid != null && !fid.ssrcs().isEmpty()) {
            return fid.ssrcs().get(0);
        }
        SsrcGroup sim = ssrcGroup("SIM");
        if (sim != null && !sim.ssrcs().isEmpty()) {
            return sim.ssrcs().get(0);
        }
        return ssrcs.isEmpty() ? -1 : ssrcs.get(0).ssrc();
    }

    /** The RTX SSRC paired with {@code ssrc} by an FID group, or -1. */
    public long rtxSsrcOf(long ssrc) {
        for (SsrcGroup g : ssrcGroups) {
            if (g.semantics().equalsIgnoreCase("FID") && g.ssrcs().size() >= 2 && g.ssrcs().get(0) == ssrc) {
                return g.ssrcs().get(1);
            }
        }
        return -1;
    }

    /** The track id: the a=msid track, else the first a=ssrc msid track, else null. */
    public String trackId() {
        if (msidTrack != null) {
            return msidTrack;
        }
        for (Ssrc s : ssrcs) {
            if (s.msidTrack() != null) {
                return s.msidTrack();
            }
        }
        return null;
    }
}
