package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.PublishedTrack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one publisher track's payload types and header extension ids translate to one
 * subscriber's (RFC 8829 lets every endpoint choose its own numbers). Immutable; a DownTrack
 * swaps it whole when the subscriber renegotiates.
 */
final class PayloadMapping {
    /**
     * Extensions that describe the publisher's transport or m-line, never forwarded: the
     * subscriber's mid differs, rids are the publisher's, and transport-wide sequence numbers
     * belong to the publisher's transport (RFC 8843, RFC 8852, draft-holmer-rmcat-transport-wide-cc).
     */
    static final Set<String> NOT_FORWARDED = Set.of(
            UpTrack.MID_URI,
            "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
            "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");

    /** Index: publisher payload type; value: subscriber payload type, or -1. */
    final int[] ptMap = new int[128];
    /** Index: subscriber payload type; value: its RTX payload type, or -1. */
    final int[] rtxPtBySubscriberPt = new int[128];
    /** Index: publisher extension id; value: subscriber id, or 0 to remove. */
    final int[] extMap = new int[256];
    private final List<Codec> codecs;
    private final List<HeaderExtension> extensions;

    private PayloadMapping(List<Codec> codecs, List<HeaderExtension> extensions) {
        this.codecs = List.copyOf(codecs);
        this.extensions = List.copyOf(extensions);
    }

    List<Codec> codecs() {
        return codecs;
    }

    List<HeaderExtension> extensions() {
        return extensions;
    }

    /**
     * Maps {@code pub} onto the subscriber's codecs and extensions; null lists mean "use the
     * publisher's numbers" (a subscriber whose capabilities are not known yet).
     */
    static PayloadMapping build(PublishedTrack pub, List<Codec> subCodecs, List<HeaderExtension> subExts) {
        List<Codec> offered = new ArrayList<>();
        List<HeaderExtension> offeredExt = new ArrayList<>();
        int[] pt = new int[128];
        int[] rtx = new int[128];
        Arrays.fill(pt, -1);
        Arrays.fill(rtx, -1);
        for (Codec c : pub.codecs()) {
            Codec match = subCodecs == null ? c : find(subCodecs, c);
            if (match == null || !valid(c.payloadType()) || !valid(match.payloadType())) {
                continue;
            }
            pt[c.payloadType()] = match.payloadType();
            if (valid(match.rtxPayloadType())) {
                rtx[match.payloadType()] = match.rtxPayloadType();
            }
            if (!offered.contains(match)) {
                offered.add(match);
            }
        }
        int[] ext = new int[256];
        for (HeaderExtension e : pub.extensions()) {
            if (NOT_FORWARDED.contains(e.uri()) || e.id() <= 0 || e.id() > 255) {
                continue;
            }
            HeaderExtension match = null;
            if (subExts == null) {
                match = e;
            } else {
                for (HeaderExtension s : subExts) {
                    if (s.uri().equals(e.uri())) {
                        match = s;
                        break;
                    }
                }
            }
            if (match != null && match.id() > 0 && match.id() <= 255) {
                ext[e.id()] = match.id();
                offeredExt.add(match);
            }
        }
        PayloadMapping m = new PayloadMapping(offered, offeredExt);
        System.arraycopy(pt, 0, m.ptMap, 0, 128);
        System.arraycopy(rtx, 0, m.rtxPtBySubscriberPt, 0, 128);
        System.arraycopy(ext, 0, m.extMap, 0, 256);
        return m;
    }

    private static boolean valid(int pt) {
        return pt >= 0 && pt < 128;
    }

    /** Same encoding, clock rate and channels; H.264 also needs the same packetization mode. */
    static Codec find(List<Codec> candidates, Codec c) {
        for (Codec s : candidates) {
            if (s.name().equalsIgnoreCase(c.name()) && s.clockRate() == c.clockRate()
                    && Math.max(1, s.channels()) == Math.max(1, c.channels())
                    && fmtpCompatible(c, s)) {
                return s;
            }
        }
        return null;
    }

    private static boolean fmtpCompatible(Codec a, Codec b) {
        if (!"H264".equalsIgnoreCase(a.name())) {
            return true;
        }
        return fmtp(a.fmtp(), "packetization-mode", "0").equals(fmtp(b.fmtp(), "packetization-mode", "0"))
                && profile(a).equals(profile(b));
    }

    private static String profile(Codec c) {
        String id = fmtp(c.fmtp(), "profile-level-id", "42001f");
        return id.length() >= 2 ? id.substring(0, 2).toLowerCase(Locale.ROOT) : id;
    }

    private static String fmtp(String fmtp, String key, String dflt) {
        if (fmtp == null) {
            return dflt;
        }
        for (String kv : fmtp.split(";")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length == 2 && p[0].trim().equalsIgnoreCase(key)) {
                return p[1].trim();
            }
        }
        return dflt;
    }
}
