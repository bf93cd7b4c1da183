package dev.sfu.signaling.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * What a node publishes about itself in Redis (as JSON, under {@code sfu:node:<id>}) every
 * refresh interval, and what {@code /api/cluster} shows of each node.
 *
 * @param id              the node's id
 * @param url             the WebSocket URL clients use for it
 * @param mediaAddress    its UDP media address, {@code HOST:PORT}
 * @param region          its region
 * @param participants    participants in its rooms
 * @param tracks          tracks published in its rooms
 * @param bitrateBps      RTP bits/s in and out, all its rooms, over the last second
 * @param cpu             its process CPU load, 0-1 of all cores (-1: unknown)
 * @param maxParticipants its capacity in participants, 0: no node limit
 * @param draining        true while it drains (SIGTERM): it takes no new rooms
 * @param rooms           the rooms it hosts (at most {@link #MAX_ROOMS_LISTED} listed)
 * @param updatedMillis   when it wrote this record (its clock)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeRecord(String id, String url, String mediaAddress, String region, int participants, int tracks,
                         long bitrateBps, double cpu, int maxParticipants, boolean draining, List<String> rooms,
                         long updatedMillis) {
    /** Rooms listed in a record; a node with more lists these many (its participant count stays exact). */
    public static final int MAX_ROOMS_LISTED = 1000;

    public NodeRecord {
        rooms = rooms == null ? List.of() : List.copyOf(rooms.size() > MAX_ROOMS_LISTED
                ? rooms.subList(0, MAX_ROOMS_LISTED) : rooms);
    }

    /**
     * Load compared by the placement policies: participants over capacity, or with no node limit
     * the participant count itself (so nodes should be configured alike).
     */
    double loadRatio() {
        return maxParticipants > 0 ? participants / (double) maxParticipants : participants;
    }

    /** True when the node has reached its capacity. */
    boolean full() {
        return maxParticipants > 0 && participants >= maxParticipants;
    }
}
