package dev.sfu.signaling.sdp;

import dev.sfu.core.transport.IceCandidate;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the server's session descriptions (offers and answers) in the JSEP form browsers
 * expect (RFC 8829 sections 5.2 and 5.3): one BUNDLE group of every non-rejected mid, rtcp-mux,
 * the server's ICE and DTLS parameters and candidates in every section.
 */
public final class SdpWriter {
    private SdpWriter() {
    }

    /**
     * Writes a session description.
     *
     * @param sessionId      the o= session id (stable for one client)
     * @param sessionVersion the o= version (incremented per description sent)
     * @param transport      the server's ICE and DTLS parameters
     * @param sections       the media sections in order
     */
    public static String write(long sessionId, long sessionVersion, LocalTransport transport,
                               List<LocalMediaSection> sections) {
        StringBuilder sb = new StringBuilder(1024 + 512 * sections.size());
        line(sb, "v=0");
        line(sb, "o=- " + sessionId + " " + sessionVersion + " IN IP4 0.0.0.0");
        line(sb, "s=-");
        line(sb, "t=0 0");
        List<String> bundle = new ArrayList<>();
        for (LocalMediaSection s : sections) {
            if (!s.rejected()) {
                bundle.add(s.mid());
            }
        }
        if (!bundle.isEmpty()) {
            line(sb, "a=group:BUNDLE " + String.join(" ", bundle));
        }
        line(sb, "a=extmap-allow-mixed");
        line(sb, "a=msid-semantic: WMS *");
        int port = transport.candidates().isEmpty() ? 9 : transport.candidates().get(0).port();
        for (LocalMediaSection s : sections) {
            writeSection(sb, s, transport, port);
        }
        return sb.toString();
    }

    private static void writeSection(StringBuilder sb, LocalMediaSection s, LocalTransport t, int port) {
        List<String> fmts = new ArrayList<>();
        if (s.rejected() || s.formats().isEmpty()) {
            fmts.addAll(s.rawFormats());
        } else {
            for (RtpFormat f : s.formats()) {
                fmts.add(Integer.toString(f.payloadType()));
            }
        }
        line(sb, "m=" + s.type() + " " + (s.rejected() ? 0 : port) + " " + s.protocol() + " " + String.join(" ", fmts));
        line(sb, "c=IN IP4 0.0.0.0");
        if (s.rejected()) {
            line(sb, "a=mid:" + s.mid());
            line(sb, "a=inactive");
            return;
        }
        line(sb, "a=rtcp:9 IN IP4 0.0.0.0");
        line(sb, "a=ice-ufrag:" + t.iceUfrag());
        line(sb, "a=ice-pwd:" + t.icePwd());
        line(sb, "a=fingerprint:" + t.fingerprint().toSdp());
        line(sb, "a=setup:" + t.setup().sdpValue());
        line(sb, "a=mid:" + s.mid());
        for (Extmap e : s.extensions()) {
            line(sb, "a=extmap:" + e.id() + " " + e.uri());
        }
        line(sb, "a=" + s.direction().sdpValue());
        SenderSource src = s.source();
        if (src != null && s.direction().sends()) {
            line(sb, "a=msid:" + src.msidStream() + " " + src.msidTrack());
        }
        line(sb, "a=rtcp-mux");
        line(sb, "a=rtcp-rsize");
        for (RtpFormat f : s.formats()) {
            line(sb, "a=rtpmap:" + f.payloadType() + " " + f.rtpmap());
            for (String fb : f.rtcpFeedback()) {
                line(sb, "a=rtcp-fb:" + f.payloadType() + " " + fb);
            }
            if (!f.fmtp().isEmpty()) {
                line(sb, "a=fmtp:" + f.payloadType() + " " + f.fmtp());
            }
        }
        if (!s.receiveRids().isEmpty() && s.direction().receives()) {
            // RFC 8851 section 4 and RFC 8853 section 5.1: the encodings the server receives.
            for (String rid : s.receiveRids()) {
                line(sb, "a=rid:" + (rid.startsWith("~") ? rid.substring(1) : rid) + " recv");
            }
            line(sb, "a=simulcast:recv " + String.join(";", s.receiveRids()));
        }
        if (src != null && s.direction().sends()) {
            if (src.rtxSsrc() >= 0) {
                line(sb, "a=ssrc-group:FID " + src.ssrc() + " " + src.rtxSsrc());
            }
            ssrcLines(sb, src.ssrc(), src);
            if (src.rtxSsrc() >= 0) {
                ssrcLines(sb, src.rtxSsrc(), src);
            }
        }
        for (IceCandidate c : t.candidates()) {
            line(sb, "a=candidate:" + c.toSdp());
        }
        if (!t.candidates().isEmpty()) {
            line(sb, "a=end-of-candidates");
        }
    }

    private static void ssrcLines(StringBuilder sb, long ssrc, SenderSource src) {
        line(sb, "a=ssrc:" + ssrc + " cname:" + src.cname());
        line(sb, "a=ssrc:" + ssrc + " msid:" + src.msidStream() + " " + src.msidTrack());
    }

    private static void line(StringBuilder sb, String l) {
        sb.append(l).append("\r\n");
    }
}
