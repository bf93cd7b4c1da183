package dev.sfu.core.room;

import java.util.List;

/**
 * A track a participant sends to the server, as read from its offer.
 *
 * @param trackId    the msid track id (or the mid when the browser sends none)
 * @param kind       audio or video
 * @param mid        the publisher's m-line mid
 * @param ssrc       the primary SSRC (from a=ssrc / a=ssrc-group), or -1 when not signalled
 * @param rtxSsrc    the RTX SSRC (a=ssrc-group:FID), or -1
 * @param codecs     the codecs the server accepted for this m-line, preferred first
 * @param extensions the header extensions the server accepted for this m-line
 * @param rids       the simulcast encodings (RFC 8853 a=simulcast send list, RFC 8851 rids) in
 *                   the order the offer lists them, lowest resolution first by convention;
 *                   empty when the track is not simulcast. Their SSRCs are learned from the
 *                   rtp-stream-id header extension (RFC 8852).
 */
public record PublishedTrack(String trackId, MediaKind kind, String mid, long ssrc, long rtxSsrc,
                             List<Codec> codecs, List<HeaderExtension> extensions, List<String> rids) {
    public PublishedTrack {
        rids = rids == null ? List.of() : List.copyOf(rids);
    }

    /** A track sent as one stream (no simulcast). */
    public PublishedTrack(String trackId, MediaKind kind, String mid, long ssrc, long rtxSsrc,
                          List<Codec> codecs, List<HeaderExtension> extensions) {
        this(trackId, kind, mid, ssrc, rtxSsrc, codecs, extensions, List.of());
    }

    /** True when the track arrives as several simulcast encodings. */
    public boolean simulcast() {
        return rids.size() > 1;
    }
}
