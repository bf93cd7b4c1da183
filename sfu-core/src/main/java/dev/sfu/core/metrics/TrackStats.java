package dev.sfu.core.metrics;

import java.util.List;

/**
 * One track of a participant: published ({@code up}) or received ({@code down}).
 *
 * @param trackId      the publisher's track id
 * @param kind         {@code audio} or {@code video}
 * @param direction    {@code up} (published by the participant) or {@code down} (forwarded to it)
 * @param publisherId  who publishes the track (the participant itself for {@code up})
 * @param ssrc         the SSRC on this leg (-1 when not learned yet)
 * @param active       up: packets have arrived; down: forwarding has started
 * @param bitrate      bits/s on this leg, averaged since the previous collection
 * @param packets      RTP packets received (up) or sent (down)
 * @param packetsLost  cumulative packets lost: measured by the server (up), reported by the subscriber (down)
 * @param loss         fraction lost 0-1 in the last report interval
 * @param jitterMillis interarrival jitter, milliseconds
 * @param rttMillis    round-trip time (down only), milliseconds; -1 when not known
 * @param layers       up video: the streams it arrives as (one per simulcast rid, a single one with
 *                     rid null for a plain track), in the offer's order; empty otherwise
 * @param forwarding   down video: which layer the subscriber gets and why; null otherwise
 */
public record TrackStats(String trackId, String kind, String direction, String publisherId, long ssrc,
                         boolean active, long bitrate, long packets, long packetsLost, double loss,
                         double jitterMillis, double rttMillis, List<Layer> layers, Forwarding forwarding) {
    public TrackStats {
        layers = List.copyOf(layers);
    }

    /**
     * One stream of a published video: a simulcast encoding (RFC 8853) or the plain track.
     *
     * @param rid     its rid (RFC 8851), or null for a plain track
     * @param ssrc    its SSRC, or -1 while not learned
     * @param width   pixels, from its last keyframe; -1 while unknown
     * @param height  pixels, from its last keyframe; -1 while unknown
     * @param bitrate bits/s received on it (RTX included), averaged since the previous collection
     * @param live    true while packets arrive on it (the publisher sends it)
     */
    public record Layer(String rid, long ssrc, int width, int height, long bitrate, boolean live) {
    }

    /**
     * What one subscriber receives of a video.
     *
     * @param rid              rid of the layer forwarded now; null when nothing is forwarded or
     *                         the track is not simulcast
     * @param layer            index of that layer in {@link #layers()} of the published track; -1 when none
     * @param targetRid        rid of the layer the allocator chose (forwarded from its next keyframe);
     *                         null when paused or not simulcast
     * @param targetLayer      index of that layer; -1 when paused
     * @param maxTemporalLayer highest VP8 temporal layer forwarded, 0-2; 3 when all are
     * @param switches         spatial layer switches so far
     * @param paused           true while the allocator holds the video back
     * @param pauseReason      {@code hidden} (the tile cannot be seen), {@code lastN} (the publisher
     *                         is not among the subscriber's last-N speakers) or {@code bandwidth}
     *                         (the subscriber's downlink cannot carry its lowest layer); null when
     *                         not paused
     * @param tileWidth        width of the subscriber's tile in device pixels; -1 when it never said
     * @param tileHeight       height of the tile; -1 when it never said
     * @param tileVisible      false when the subscriber said the tile is off screen or hidden
     */
    public record Forwarding(String rid, int layer, String targetRid, int targetLayer, int maxTemporalLayer,
                             long switches, boolean paused, String pauseReason, int tileWidth, int tileHeight,
                             boolean tileVisible) {
    }
}
