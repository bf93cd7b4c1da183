package dev.sfu.signaling.cluster;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This node as the cluster sees it: its identity (id, public URL, media address, region, capacity)
 * and its load now, read from the room layer through a {@link Load} supplier.
 */
public final class LocalNode {
    /**
     * This node's load now.
     *
     * @param participants participants in all rooms here
     * @param tracks       tracks published here
     * @param bitrateBps   RTP bits/s in and out, over the last second
     * @param cpu          process CPU load 0-1 of all cores (the OperatingSystemMXBean's), -1 unknown
     * @param draining     true while the node drains
     * @param rooms        the rooms open here
     */
    public record Load(int participants, int tracks, long bitrateBps, double cpu, boolean draining, List<String> rooms) {
        public Load {
            rooms = List.copyOf(rooms);
        }

        /** No one here (tests). */
        public static Load idle() {
            return new Load(0, 0, 0, 0, false, List.of());
        }
    }

    private final String id;
    private final String region;
    private final String mediaAddress;
    private final int maxParticipants;
    private final Supplier<Load> load;
    private volatile String url;

    public LocalNode(String id, String region, String mediaAddress, int maxParticipants, String url, Supplier<Load> load) {
        this.id = id;
        this.region = region;
        this.mediaAddress = mediaAddress;
        this.maxParticipants = maxParticipants;
        this.url = url;
        this.load = load;
    }

    public String id() {
        return id;
    }

    public String url() {
        return url;
    }

    /** Sets the public URL once the HTTP port is bound (its port may have been 0). */
    public void url(String publicUrl) {
        this.url = publicUrl;
    }

    /** The load now. */
    public Load load() {
        return load.get();
    }

    /** The record to publish now; {@code placedRooms} are rooms placed here whose first participant has not come yet. */
    public NodeRecord record(long nowMillis, Collection<String> placedRooms) {
        Load l = load.get();
        return record(l, hosted(l, placedRooms), nowMillis);
    }

    /** The record of load {@code l} and the rooms {@code hosted} (the record lists the first 1000). */
    NodeRecord record(Load l, List<String> hosted, long nowMillis) {
        return new NodeRecord(id, url, mediaAddress, region, l.participants(), l.tracks(), l.bitrateBps(), l.cpu(),
                maxParticipants, l.draining(), hosted, nowMillis);
    }

    /** Every room hosted here: those open in {@code l} and those placed here and not yet open. */
    static List<String> hosted(Load l, Collection<String> placedRooms) {
        if (placedRooms.isEmpty()) {
            return l.rooms();
        }
        Set<String> all = new LinkedHashSet<>(l.rooms());
        all.addAll(placedRooms);
        return List.copyOf(all);
    }
}
