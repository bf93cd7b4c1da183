package dev.sfu.signaling.sdp;

import java.util.List;
import java.util.Locale;

/**
 * One payload format of an m-line: its {@code a=rtpmap}, {@code a=fmtp} and {@code a=rtcp-fb}
 * lines (RFC 8866 section 6.6, RFC 4585 section 4.2).
 *
 * @param payloadType  the RTP payload type (0-127)
 * @param name         the encoding name as written, e.g. "opus", "VP8", "rtx"
 * @param clockRate    the clock rate
 * @param channels     audio channels, 1 when absent
 * @param fmtp         the format parameters, "" when none
 * @param rtcpFeedback the rtcp-fb values, e.g. "nack", "nack pli", "transport-cc"
 */
public record RtpFormat(int payloadType, String name, int clockRate, int channels, String fmtp,
                        List<String> rtcpFeedback) {

    public RtpFormat {
        rtcpFeedback = List.copyOf(rtcpFeedback);
    }

    /** True when the encoding name equals {@code encoding}, ignoring case. */
    public boolean is(String encoding) {
        return name.equalsIgnoreCase(encoding);
    }

    /** True for an RFC 4588 retransmission format. */
    public boolean isRtx() {
        return is("rtx");
    }

    /** The value of one fmtp parameter ("key=value;..."), or null when absent. */
    public String fmtpParameter(String key) {
        for (String part : fmtp.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(key)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    /** The associated payload type of an RTX format (fmtp apt=), or -1. */
    public int apt() {
        String v = fmtpParameter("apt");
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The rtpmap value, e.g. "opus/48000/2" or "VP8/90000". */
    public String rtpmap() {
        return name + "/" + clockRate + (channels > 1 ? "/" + channels : "");
    }

    /** A copy with another payload type. */
    public RtpFormat withPayloadType(int pt) {
        return new RtpFormat(pt, name, clockRate, channels, fmtp, rtcpFeedback);
    }

    /** A copy with other format parameters. */
    public RtpFormat withFmtp(String newFmtp) {
        return new RtpFormat(payloadType, name, clockRate, channels, newFmtp, rtcpFeedback);
    }

    /** A copy with other feedback values. */
    public RtpFormat withRtcpFeedback(List<String> fb) {
        return new RtpFormat(payloadType, name, clockRate, channels, fmtp, fb);
    }

    /** The lower-case encoding name. */
    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
