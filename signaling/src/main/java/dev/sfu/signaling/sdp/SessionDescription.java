package dev.sfu.signaling.sdp;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;

import java.util.List;

/**
 * A parsed session description (RFC 8866): session-level attributes and the media sections
 * in order. Transport getters resolve a media-level value first, then the session-level one
 * (RFC 8839 section 5.4, RFC 8122 section 5).
 *
 * @param sessionId        the o= session id
 * @param sessionVersion   the o= session version
 * @param bundleMids       the mids of the first a=group:BUNDLE line, empty when none
 * @param iceUfrag         session-level a=ice-ufrag, null when absent
 * @param icePwd           session-level a=ice-pwd, null when absent
 * @param fingerprints     session-level a=fingerprint lines
 * @param setup            session-level a=setup, null when absent
 * @param iceLite          a=ice-lite is present
 * @param extmapAllowMixed a=extmap-allow-mixed is present at session level
 * @param media            the media sections in order
 */
public record SessionDescription(String sessionId, long sessionVersion, List<String> bundleMids, String iceUfrag,
                                 String icePwd, List<Fingerprint> fingerprints, DtlsSetup setup, boolean iceLite,
                                 boolean extmapAllowMixed, List<MediaDescription> media) {

    public SessionDescription {
        bundleMids = List.copyOf(bundleMids);
        fingerprints = List.copyOf(fingerprints);
        media = List.copyOf(media);
    }

    /** The media section with this mid, or null. */
    public MediaDescription media(String mid) {
        for (MediaDescription m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    /** The ICE ufrag of a media section (media level first, then session level). */
    public String iceUfrag(MediaDescription m) {
        return m.iceUfrag() != null ? m.iceUfrag() : iceUfrag;
    }

    /** The ICE password of a media section (media level first, then session level). */
    public String icePwd(MediaDescription m) {
        return m.icePwd() != null ? m.icePwd() : icePwd;
    }

    /** The fingerprints of a media section (media level first, then session level). */
    public List<Fingerprint> fingerprints(MediaDescription m) {
        return m.fingerprints().isEmpty() ? fingerprints : m.fingerprints();
    }

    /** The a=setup of a media section (media level first, then session level). */
    public DtlsSetup setup(MediaDescription m) {
        return m.setup() != null ? m.setup() : setup;
    }

    /**
     * The media section that carries the bundle's transport: the first mid of the BUNDLE
     * group that is not rejected (RFC 8843 section 7.2.1), else the first non-rejected one.
     */
    public MediaDescription transportSection() {
        for (String mid : bundleMids) {
            MediaDescription m = media(mid);
            if (m != null && !m.isRejected()) {
                return m;
            }
        }
        for (MediaDescription m : media) {
            if (!m.isRejected()) {
                return m;
            }
        }
        return null;
    }
}
