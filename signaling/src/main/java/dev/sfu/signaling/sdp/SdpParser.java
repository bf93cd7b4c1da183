package dev.sfu.signaling.sdp;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a browser's session description (RFC 8866 syntax, the JSEP subset of RFC 8829) into a
 * {@link SessionDescription}. Unknown lines and attributes are skipped; lines that matter and
 * are malformed raise an {@link SdpParseException} naming the line. Never returns null.
 */
public final class SdpParser {
    /** SDP texts above this size are refused before parsing. */
    public static final int MAX_LENGTH = 256 * 1024;

    private SdpParser() {
    }

    /** Parses an SDP text; throws with a sentence saying which line is wrong and why. */
    public static SessionDescription parse(String sdp) throws SdpParseException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpParseException("The SDP is empty.");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw new SdpParseException("The SDP is longer than " + MAX_LENGTH + " characters.");
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].strip().equals("v=0")) {
            throw new SdpParseException("The SDP must start with the line v=0.");
        }
        Session session = new Session();
        Media media = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int n = i + 1;
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpParseException("SDP line " + n + " is not of the form <letter>=<value>: \""
                        + abbreviate(line) + "\".");
            }
            char letter = line.charAt(0);
            String value = line.substring(2);
            switch (letter) {
                case 'o' -> parseOrigin(session, value, n);
                case 'm' -> {
                    media = parseMediaLine(value, n);
                    session.media.add(media);
                }
                case 'a' -> {
                    if (media == null) {
                        parseSessionAttribute(session, value, n);
                    } else {
                        parseMediaAttribute(media, value, n);
                    }
                }
                default -> {
                    // v, s, t, c, b, i, u, e, p, z, k, r lines carry nothing the server uses.
                }
            }
        }
        if (session.media.isEmpty()) {
            throw new SdpParseException("The SDP has no m= line.");
        }
        List<MediaDescription> built = new ArrayList<>(session.media.size());
        for (Media m : session.media) {
            built.add(m.build());
        }
        return new SessionDescription(session.sessionId, session.sessionVersion, session.bundle, session.iceUfrag,
                session.icePwd, session.fingerprints, session.setup, session.iceLite, session.extmapAllowMixed, built);
    }

    private static void parseOrigin(Session s, String value, int n) throws SdpParseException {
        String[] f = value.split(" +");
        if (f.length < 6) {
            throw new SdpParseException("SDP line " + n + " (o=) needs 6 fields: username sess-id sess-version nettype addrtype address.");
        }
        s.sessionId = f[1];
        try {
            s.sessionVersion = Long.parseUnsignedLong(f[2]);
        } catch (NumberFormatException e) {
            throw new SdpParseException("SDP line " + n + " (o=) has a session version that is not a number: \"" + f[2] + "\".");
        }
    }

    private static Media parseMediaLine(String value, int n) throws SdpParseException {
        String[] f = value.split(" +");
        if (f.length < 3) {
            throw new SdpParseException("SDP line " + n + " (m=) needs at least: media port proto.");
        }
        Media m = new Media();
        m.type = f[0];
        String port = f[1];
        int slash = port.indexOf('/');
        if (slash >= 0) {
            port = port.substring(0, slash);
        }
        m.port = parseInt(port, 0, 65535, "SDP line " + n + " (m=) has an invalid port \"" + f[1] + "\".");
        m.protocol = f[2];
        for (int i = 3; i < f.length; i++) {
            m.formats.add(f[i]);
        }
        return m;
    }

    private static void parseSessionAttribute(Session s, String value, int n) throws SdpParseException {
        String name = attributeName(value);
        String arg = attributeValue(value);
        switch (name) {
            case "group" -> {
                String[] f = arg.split(" +");
                if (f.length >= 1 && f[0].equals("BUNDLE") && s.bundle.isEmpty()) {
                    for (int i = 1; i < f.length; i++) {
                        s.bundle.add(f[i]);
                    }
                }
            }
            case "ice-ufrag" -> s.iceUfrag = requireValue(arg, name, n);
            case "ice-pwd" -> s.icePwd = requireValue(arg, name, n);
            case "ice-lite" -> s.iceLite = true;
            case "fingerprint" -> s.fingerprints.add(parseFingerprint(arg, n));
            case "setup" -> s.setup = parseSetup(arg, n);
            case "extmap-allow-mixed" -> s.extmapAllowMixed = true;
            default -> {
                // Session-level direction, msid-semantic, ice-options: not used by the server.
            }
        }
    }

    private static void parseMediaAttribute(Media m, String value, int n) throws SdpParseException {
        String name = attributeName(value);
        String arg = attributeValue(value);
        Direction dir = Direction.fromSdp(name);
        if (dir != null) {
            m.direction = dir;
            return;
        }
        switch (name) {
            case "mid" -> m.mid = requireValue(arg, name, n);
            case "rtpmap" -> parseRtpmap(m, arg, n);
            case "fmtp" -> {
                int sp = arg.indexOf(' ');
                if (sp < 0) {
                    throw new SdpParseException("SDP line " + n + " (a=fmtp) needs a payload type and parameters.");
                }
                int pt = parsePayloadType(arg.substring(0, sp), n, "a=fmtp");
                m.format(pt).fmtp = arg.substring(sp + 1).strip();
            }
            case "rtcp-fb" -> {
                int sp = arg.indexOf(' ');
                if (sp < 0) {
                    throw new SdpParseException("SDP line " + n + " (a=rtcp-fb) needs a payload type and a feedback type.");
                }
                String pt = arg.substring(0, sp);
                String fb = arg.substring(sp + 1).strip();
                if (pt.equals("*")) {
                    m.wildcardFeedback.add(fb);
                } else {
                    m.format(parsePayloadType(pt, n, "a=rtcp-fb")).feedback.add(fb);
                }
            }
            case "extmap" -> m.extensions.add(parseExtmap(arg, n));
            case "ssrc" -> parseSsrc(m, arg, n);
            case "ssrc-group" -> {
                String[] f = arg.split(" +");
                List<Long> ssrcs = new ArrayList<>();
                for (int i = 1; i < f.length; i++) {
                    ssrcs.add(parseSsrcValue(f[i], n));
                }
                if (f[0].isEmpty() || ssrcs.isEmpty()) {
                    throw new SdpParseException("SDP line " + n + " (a=ssrc-group) needs semantics and at least one SSRC.");
                }
                m.ssrcGroups.add(new SsrcGroup(f[0], ssrcs));
            }
            case "msid" -> {
                String[] f = arg.split(" +");
                if (f[0].isEmpty()) {
                    throw new SdpParseException("SDP line " + n + " (a=msid) needs a stream id.");
                }
                m.msidStream = f[0];
                m.msidTrack = f.length > 1 ? f[1] : null;
            }
            case "rid" -> {
                String[] f = arg.split(" +", 3);
                if (f.length < 2 || !(f[1].equals("send") || f[1].equals("recv"))) {
                    throw new SdpParseException("SDP line " + n + " (a=rid) must be a=rid:<id> send|recv.");
                }
                m.rids.add(new Rid(f[0], f[1], f.length > 2 ? f[2] : ""));
            }
            case "simulcast" -> m.simulcast = arg;
            case "ice-ufrag" -> m.iceUfrag = requireValue(arg, name, n);
            case "ice-pwd" -> m.icePwd = requireValue(arg, name, n);
            case "fingerprint" -> m.fingerprints.add(parseFingerprint(arg, n));
            case "setup" -> m.setup = parseSetup(arg, n);
            case "candidate" -> {
                // Malformed or non-UDP candidates are skipped, as browsers do.
                IceCandidate c = IceCandidate.parse(arg);
                if (c != null) {
                    m.candidates.add(c);
                }
            }
            case "rtcp-mux" -> m.rtcpMux = true;
            case "end-of-candidates" -> m.endOfCandidates = true;
            case "bundle-only" -> m.bundleOnly = true;
            default -> {
                // rtcp, rtcp-rsize, rtcp-xr, ice-options, sctp-port ...: not used by the server.
            }
        }
    }

    private static void parseRtpmap(Media m, String arg, int n) throws SdpParseException {
        String[] f = arg.split(" +");
        if (f.length < 2) {
            throw new SdpParseException("SDP line " + n + " (a=rtpmap) must be a=rtpmap:<pt> <name>/<clock rate>[/<channels>].");
        }
        int pt = parsePayloadType(f[0], n, "a=rtpmap");
        String[] enc = f[1].split("/");
        if (enc.length < 2 || enc[0].isEmpty()) {
            throw new SdpParseException("SDP line " + n + " (a=rtpmap) must be a=rtpmap:<pt> <name>/<clock rate>[/<channels>].");
        }
        Format fmt = m.format(pt);
        fmt.name = enc[0];
        fmt.clockRate = parseInt(enc[1], 1, Integer.MAX_VALUE, "SDP line " + n + " (a=rtpmap) has an invalid clock rate.");
        fmt.channels = enc.length > 2 ? parseInt(enc[2], 1, 255, "SDP line " + n + " (a=rtpmap) has an invalid channel count.") : 1;
    }

    private static Extmap parseExtmap(String arg, int n) throws SdpParseException {
        String[] f = arg.split(" +");
        if (f.length < 2) {
            throw new SdpParseException("SDP line " + n + " (a=extmap) must be a=extmap:<id>[/<direction>] <uri>.");
        }
        String id = f[0];
        Direction dir = null;
        int slash = id.indexOf('/');
        if (slash >= 0) {
            dir = Direction.fromSdp(id.substring(slash + 1));
            id = id.substring(0, slash);
        }
        int value = parseInt(id, 1, 255, "SDP line " + n + " (a=extmap) has an id outside 1-255.");
        return new Extmap(value, dir, f[1]);
    }

    private static void parseSsrc(Media m, String arg, int n) throws SdpParseException {
        int sp = arg.indexOf(' ');
        String id = sp < 0 ? arg : arg.substring(0, sp);
        long ssrc = parseSsrcValue(id, n);
        SsrcBuilder b = m.ssrcs.computeIfAbsent(ssrc, SsrcBuilder::new);
        if (sp < 0) {
            return;
        }
        String attr = arg.substring(sp + 1).strip();
        if (attr.startsWith("cname:")) {
            b.cname = attr.substring(6);
        } else if (attr.startsWith("msid:")) {
            String[] f = attr.substring(5).split(" +");
            b.msidStream = f[0];
            b.msidTrack = f.length > 1 ? f[1] : null;
        }
    }

    private static long parseSsrcValue(String s, int n) throws SdpParseException {
        try {
            long v = Long.parseLong(s);
            if (v >= 0 && v <= 0xFFFF_FFFFL) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new SdpParseException("SDP line " + n + " has an SSRC that is not a 32-bit unsigned number: \"" + abbreviate(s) + "\".");
    }

    private static Fingerprint parseFingerprint(String arg, int n) throws SdpParseException {
        String[] f = arg.split(" +");
        if (f.length != 2 || !f[1].matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+")) {
            throw new SdpParseException("SDP line " + n + " (a=fingerprint) must be a=fingerprint:<hash> <hex bytes separated by colons>.");
        }
        return new Fingerprint(f[0].toLowerCase(Locale.ROOT), f[1].toUpperCase(Locale.ROOT));
    }

    private static DtlsSetup parseSetup(String arg, int n) throws SdpParseException {
        DtlsSetup s = DtlsSetup.fromSdp(arg.strip());
        if (s == null) {
            throw new SdpParseException("SDP line " + n + " (a=setup) must be active, passive, actpass or holdconn.");
        }
        return s;
    }

    private static int parsePayloadType(String s, int n, String what) throws SdpParseException {
        return parseInt(s, 0, 127, "SDP line " + n + " (" + what + ") has a payload type outside 0-127: \"" + abbreviate(s) + "\".");
    }

    private static int parseInt(String s, int min, int max, String error) throws SdpParseException {
        try {
            int v = Integer.parseInt(s.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new SdpParseException(error);
    }

    private static String requireValue(String arg, String name, int n) throws SdpParseException {
        if (arg.isBlank()) {
            throw new SdpParseException("SDP line " + n + " (a=" + name + ") has no value.");
        }
        return arg.strip();
    }

    private static String attributeName(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value.strip() : value.substring(0, colon);
    }

    private static String attributeValue(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? "" : value.substring(colon + 1).strip();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static final class Session {
        String sessionId = "0";
        long sessionVersion;
        final List<String> bundle = new ArrayList<>();
        String iceUfrag;
        String icePwd;
        final List<Fingerprint> fingerprints = new ArrayList<>();
        DtlsSetup setup;
        boolean iceLite;
        boolean extmapAllowMixed;
        final List<Media> media = new ArrayList<>();
    }

    private static final class Format {
        final int pt;
        String name;
        int clockRate;
        int channels = 1;
        String fmtp = "";
        final List<String> feedback = new ArrayList<>();

        Format(int pt) {
            this.pt = pt;
        }
    }

    private static final class SsrcBuilder {
        final long ssrc;
        String cname;
        String msidStream;
        String msidTrack;

        SsrcBuilder(long ssrc) {
            this.ssrc = ssrc;
        }
    }

    private static final class Media {
        String type;
        int port;
        String protocol;
        final List<String> formats = new ArrayList<>();
        String mid;
        Direction direction = Direction.SENDRECV;
        final Map<Integer, Format> rtp = new LinkedHashMap<>();
        final List<String> wildcardFeedback = new ArrayList<>();
        final List<Extmap> extensions = new ArrayList<>();
        final Map<Long, SsrcBuilder> ssrcs = new LinkedHashMap<>();
        final List<SsrcGroup> ssrcGroups = new ArrayList<>();
        String msidStream;
        String msidTrack;
        final List<Rid> rids = new ArrayList<>();
        String simulcast;
        String iceUfrag;
        String icePwd;
        final List<Fingerprint> fingerprints = new ArrayList<>();
        DtlsSetup setup;
        final List<IceCandidate> candidates = new ArrayList<>();
        boolean rtcpMux;
        boolean endOfCandidates;
        boolean bundleOnly;

        Format format(int pt) {
            return rtp.computeIfAbsent(pt, Format::new);
        }

        MediaDescription build() {
            // Formats follow the m-line order; only those with an rtpmap (or a static type) count.
            List<RtpFormat> formatsOut = new ArrayList<>();
            for (String f : formats) {
                int pt;
                try {
                    pt = Integer.parseInt(f);
                } catch (NumberFormatException e) {
                    continue;
                }
                Format fmt = rtp.get(pt);
                String name = fmt != null ? fmt.name : null;
                int clock = fmt != null ? fmt.clockRate : 0;
                int channels = fmt != null ? fmt.channels : 1;
                if (name == null) {
                    // Static payload types (RFC 3551) may omit their rtpmap.
                    switch (pt) {
                        case 0 -> { name = "PCMU"; clock = 8000; }
                        case 8 -> { name = "PCMA"; clock = 8000; }
                        case 9 -> { name = "G722"; clock = 8000; }
                        default -> { continue; }
                    }
                }
                List<String> fb = new ArrayList<>(wildcardFeedback);
                String fmtp = "";
                if (fmt != null) {
                    fb.addAll(fmt.feedback);
                    fmtp = fmt.fmtp;
                }
                formatsOut.add(new RtpFormat(pt, name, clock, channels, fmtp, fb));
            }
            List<Ssrc> ssrcList = new ArrayList<>();
            for (SsrcBuilder b : ssrcs.values()) {
                ssrcList.add(new Ssrc(b.ssrc, b.cname, b.msidStream, b.msidTrack));
            }
            return new MediaDescription(type, port, protocol, formats, mid, direction, formatsOut, extensions,
                    ssrcList, ssrcGroups, msidStream, msidTrack, rids, simulcast, iceUfrag, icePwd, fingerprints,
                    setup, candidates, rtcpMux, endOfCandidates, bundleOnly);
        }
    }
}
