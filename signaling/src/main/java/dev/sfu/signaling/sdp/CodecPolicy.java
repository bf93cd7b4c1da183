package dev.sfu.signaling.sdp;

import dev.sfu.rtp.ext.SdesTextExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which payload formats, feedback types and header extensions the server accepts from a
 * browser's media section. Audio: Opus 48000/2 (fmtp kept). Video: VP8 with its RTX, then
 * H.264 packetization-mode=1 constrained baseline with its RTX when the browser offers it.
 *
 * <p>Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01) is
 * negotiated whenever the browser offers it, on audio and video: the transport-wide-cc header
 * extension ({@link #EXT_TRANSPORT_CC}) and the {@code transport-cc} feedback per payload type.
 * The server then sends transport-wide feedback for every packet the browser sends, so the
 * browser's own send-side estimator sets its bitrate and simulcast layers from the real uplink;
 * and it stamps the extension on what it sends, so it can estimate the browser's downlink.
 * {@code goog-remb} stays accepted: a client that does not negotiate transport-cc gets a REMB
 * computed from what arrives instead (docs/congestion-control.md).
 */
public final class CodecPolicy {
    /** RFC 6464 audio level. */
    public static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** Google's absolute send time, used by REMB. */
    public static final String EXT_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence numbers for transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2). */
    public static final String EXT_TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** RFC 8843 section 15.2 mid. */
    public static final String EXT_MID = SdesTextExtension.MID_URI;
    /** RFC 8852 rtp-stream-id (simulcast rid). */
    public static final String EXT_RID = SdesTextExtension.RTP_STREAM_ID_URI;
    /** RFC 8852 repaired-rtp-stream-id. */
    public static final String EXT_REPAIRED_RID = SdesTextExtension.REPAIRED_RTP_STREAM_ID_URI;

    /** The header extensions the server understands, in its preferred order. */
    public static final List<String> SUPPORTED_EXTENSIONS = List.of(EXT_AUDIO_LEVEL, EXT_ABS_SEND_TIME,
            EXT_TRANSPORT_CC, EXT_MID, EXT_RID, EXT_REPAIRED_RID);

    /** The transport-wide congestion control feedback type (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 4). */
    public static final String FB_TRANSPORT_CC = "transport-cc";

    /**
     * The RTCP feedback types the server understands: RFC 4585 NACK and PLI, RFC 5104 FIR,
     * transport-cc, and REMB (draft-alvestrand-rmcat-remb), which it sends with its receiver
     * reports to a publisher whose video did not negotiate transport-cc.
     */
    public static final Set<String> SUPPORTED_FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb", FB_TRANSPORT_CC);

    private CodecPolicy() {
    }

    /**
     * The formats accepted from an offered audio or video section, preferred first; empty when
     * none is acceptable. Payload types, fmtp and accepted feedback are the peer's.
     */
    public static List<RtpFormat> choose(MediaDescription offered) {
        List<RtpFormat> out = new ArrayList<>();
        if (offered.kind() == null) {
            return out;
        }
        boolean tcc = offersTransportCc(offered);
        switch (offered.kind()) {
            case AUDIO -> {
                for (RtpFormat f : offered.rtpFormats()) {
                    if (f.is("opus") && f.clockRate() == 48000 && f.channels() == 2) {
                        out.add(filterFeedback(f, tcc));
                        break;
                    }
                }
            }
            case VIDEO -> {
                for (RtpFormat f : offered.rtpFormats()) {
                    if (f.is("VP8") && f.clockRate() == 90000) {
                        addWithRtx(out, offered, f, tcc);
                        break;
                    }
                }
                RtpFormat h264 = chooseH264(offered);
                if (h264 != null) {
                    addWithRtx(out, offered, h264, tcc);
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /**
     * The formats with {@code usedtx=1} added to Opus's fmtp (RFC 7587 section 6.1: the
     * receiver prefers discontinuous transmission). In an answer it is the server's preference as
     * the receiver, so a browser that is silent (or muted) sends one small packet every 400 ms
     * instead of 50 a second: 18 silent people in a 20-person call cost a subscriber about
     * 25 kbit/s instead of 1.3 Mbit/s. An fmtp that already says {@code usedtx} is kept as it is.
     */
    static List<RtpFormat> askForDtx(List<RtpFormat> formats) {
        List<RtpFormat> out = new ArrayList<>(formats.size());
        for (RtpFormat f : formats) {
            if (f.is("opus") && f.fmtpParameter("usedtx") == null) {
                String fmtp = f.fmtp() == null || f.fmtp().isBlank() ? "usedtx=1" : f.fmtp() + ";usedtx=1";
                out.add(f.withFmtp(fmtp));
            } else {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The H.264 format the server takes: packetization-mode=1 with profile-level-id 42e01f,
     * else the first packetization-mode=1 baseline-family (42xxxx) one; null when none.
     */
    public static RtpFormat chooseH264(MediaDescription offered) {
        RtpFormat fallback = null;
        for (RtpFormat f : offered.rtpFormats()) {
            if (!f.is("H264") || f.clockRate() != 90000 || !"1".equals(f.fmtpParameter("packetization-mode"))) {
                continue;
            }
            String profile = f.fmtpParameter("profile-level-id");
            if (profile == null) {
                continue;
            }
            if (profile.equalsIgnoreCase("42e01f")) {
                return f;
            }
            if (fallback == null && profile.toLowerCase(java.util.Locale.ROOT).startsWith("42")) {
                fallback = f;
            }
        }
        return fallback;
    }

    /** The offered extensions whose URI the server understands, with the peer's ids. */
    public static List<Extmap> chooseExtensions(MediaDescription offered) {
        List<Extmap> out = new ArrayList<>();
        for (Extmap e : offered.extensions()) {
            if (SUPPORTED_EXTENSIONS.contains(e.uri()) && (e.direction() == null || e.direction() != Direction.INACTIVE)
                    && !containsUri(out, e.uri())) {
                out.add(new Extmap(e.id(), null, e.uri()));
            }
        }
        return out;
    }

    private static boolean containsUri(List<Extmap> list, String uri) {
        for (Extmap e : list) {
            if (e.uri().equals(uri)) {
                return true;
            }
        }
        return false;
    }

    private static void addWithRtx(List<RtpFormat> out, MediaDescription offered, RtpFormat f, boolean tcc) {
        out.add(filterFeedback(f, tcc));
        RtpFormat rtx = offered.rtxFor(f.payloadType());
        if (rtx != null) {
            out.add(rtx.withRtcpFeedback(List.of()));
        }
    }

    /**
     * True when the section offers the transport-wide-cc extension in a usable direction: the
     * {@code transport-cc} feedback means nothing without the sequence numbers it reports on.
     */
    public static boolean offersTransportCc(MediaDescription offered) {
        for (Extmap e : offered.extensions()) {
            if (EXT_TRANSPORT_CC.equals(e.uri()) && (e.direction() == null || e.direction() != Direction.INACTIVE)) {
                return true;
            }
        }
        return false;
    }

    /** A copy keeping only the feedback types the server understands. */
    public static RtpFormat filterFeedback(RtpFormat f) {
        return filterFeedback(f, true);
    }

    /**
     * A copy keeping only the feedback types the server understands, {@code transport-cc} only
     * when {@code transportCc} (the section also negotiates the transport-wide-cc extension).
     */
    public static RtpFormat filterFeedback(RtpFormat f, boolean transportCc) {
        List<String> fb = new ArrayList<>();
        for (String v : f.rtcpFeedback()) {
            if (!transportCc && FB_TRANSPORT_CC.equals(v)) {
                continue;
            }
            if (SUPPORTED_FEEDBACK.contains(v) && !fb.contains(v)) {
                fb.add(v);
            }
        }
        return f.withRtcpFeedback(fb);
    }
}
