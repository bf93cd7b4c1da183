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
 */
public record PublishedTrack(String trackId, MediaKind kind, String mid, long ssrc, long rtxSsrc,
                             List<Codec> codecs, List<HeaderExtension> extensions) {
}
