package dev.sfu.core.metrics;

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
 */
public record TrackStats(String trackId, String kind, String direction, String publisherId, long ssrc,
                         boolean active, long bitrate, long packets, long packetsLost, double loss,
                         double jitterMillis, double rttMillis) {
}
