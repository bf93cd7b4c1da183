package dev.sfu.core.transport;

/**
 * One ICE candidate as signalled in SDP ({@code a=candidate}, RFC 8839 section 5.1).
 *
 * @param foundation the foundation
 * @param component  1 for RTP (rtcp-mux is always used)
 * @param transport  "udp"
 * @param priority   the candidate priority
 * @param address    IP address (or an mDNS name, which the server cannot resolve and ignores)
 * @param port       the port
 * @param type       host, srflx, prflx or relay
 */
public record IceCandidate(String foundation, int component, String transport, long priority,
                           String address, int port, String type) {

    /** The SDP attribute value without the leading "candidate:". */
    public String toSdp() {
        return foundation + " " + component + " " + transport + " " + priority + " " + address + " " + port
                + " typ " + type;
    }

    /**
     * Parses "candidate:..." or the value without the prefix; returns null when malformed.
     */
    public static IceCandidate parse(String sdp) {
        if (sdp == null) {
            return null;
        }
        String s = sdp.strip();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (s.startsWith("candidate:")) {
            s = s.substring("candidate:".length());
        }
        String[] f = s.split("\\s+");
        if (f.length < 8 || !"typ".equals(f[6])) {
            return null;
        }
        try {
            int component = Integer.parseInt(f[1]);
            long priority = Long.parseLong(f[3]);
            int port = Integer.parseInt(f[5]);
            if (component < 1 || component > 256 || port < 0 || port > 65535 || priority < 0) {
                return null;
            }
            return new IceCandidate(f[0], component, f[2].toLowerCase(java.util.Locale.ROOT), priority, f[4], port, f[7]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
