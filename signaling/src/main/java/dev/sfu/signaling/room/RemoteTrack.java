package dev.sfu.signaling.room;

import dev.sfu.core.room.PublishedTrack;

/**
 * A track published by another participant of the room, as one subscriber receives it. The
 * SSRCs are chosen by the forwarding layer (the subscriber's {@code DownTrack}), which writes
 * them into every packet it sends; signaling only announces them (a=ssrc, a=ssrc-group:FID), so
 * the two can never disagree.
 *
 * @param publisherId the publishing participant's id (the msid stream id subscribers see)
 * @param track       the track as the publisher negotiated it
 * @param ssrc        the SSRC the server sends this track to the subscriber with
 * @param rtxSsrc     the SSRC of its RTX retransmissions (announced only when RTX is negotiated)
 * @param cname       the CNAME of the server's RTCP for this stream (a=ssrc ... cname:)
 */
public record RemoteTrack(String publisherId, PublishedTrack track, long ssrc, long rtxSsrc, String cname) {
    public RemoteTrack {
        if (ssrc <= 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ssrc must be a non-zero 32-bit value: " + ssrc);
        }
    }

    /** A key unique within a room: publisher id and track id. */
    public String key() {
        return publisherId + "/" + track.trackId();
    }
}
