package dev.sfu.signaling.sdp;

/**
 * What the server signals for a stream it sends on an m-line: RFC 8830 msid and RFC 5576
 * SSRC lines, with an RFC 4588 FID group when an RTX SSRC is set.
 *
 * @param msidStream the stream id: the publishing participant's id
 * @param msidTrack  the track id: the publisher's track id
 * @param ssrc       the SSRC the server sends the media with
 * @param rtxSsrc    the SSRC of its RTX stream, or -1 when none
 * @param cname      the RTCP CNAME
 */
public record SenderSource(String msidStream, String msidTrack, long ssrc, long rtxSsrc, String cname) {
}
