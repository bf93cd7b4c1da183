package dev.sfu.signaling.sdp;

/**
 * The {@code a=ssrc:<ssrc> <attribute>} lines of one SSRC (RFC 5576 section 4.1).
 *
 * @param ssrc       the synchronization source, 0 to 2^32-1
 * @param cname      the cname attribute, null when absent
 * @param msidStream the stream id of the msid attribute, null when absent
 * @param msidTrack  the track id of the msid attribute, null when absent
 */
public record Ssrc(long ssrc, String cname, String msidStream, String msidTrack) {
}
