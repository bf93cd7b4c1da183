package dev.sfu.signaling.room;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;

import java.util.List;

/**
 * One track a subscriber has accepted in its answer to the server's offer: what forwarding
 * must write into the packets it sends to that subscriber.
 *
 * @param subscriberId the receiving participant
 * @param publisherId  the publishing participant
 * @param trackId      the publisher's track id
 * @param kind         audio or video
 * @param mid          the subscriber-side mid carrying the track
 * @param ssrc         the SSRC the server sends the media with (rewritten from the publisher's)
 * @param rtxSsrc      the SSRC for RTX retransmissions, or -1 when the subscriber has no RTX
 * @param codecs       the codecs with the subscriber's payload types (match the publisher's by name)
 * @param extensions   the header extensions with the subscriber's ids (rewrite by URI)
 */
public record Subscription(String subscriberId, String publisherId, String trackId, MediaKind kind, String mid,
                           long ssrc, long rtxSsrc, List<Codec> codecs, List<HeaderExtension> extensions) {
    public Subscription {
        codecs = List.copyOf(codecs);
        extensions = List.copyOf(extensions);
    }
}
