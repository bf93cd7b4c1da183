package dev.sfu.signaling.cluster;

import java.util.List;

/**
 * The cluster as one node sees it, for {@code GET /api/cluster}: every node recently registered,
 * live or dead, and this node's relays to the others (rooms spanning nodes).
 *
 * @param self      this node's id
 * @param mode      {@code single} (no Redis) or {@code redis}
 * @param redis     {@code off}, {@code connected} or {@code unreachable}
 * @param placement the placement policy
 * @param timestamp when this view was read (this node's clock, ms)
 * @param nodes     the nodes, this one first, then by id
 * @param relays    this node's relays ({@link dev.sfu.core.relay.RelayStats}: room, far node, state, counters)
 */
public record ClusterView(String self, String mode, String redis, String placement, long timestamp,
                          List<Node> nodes, List<Object> relays) {
    public ClusterView {
        nodes = List.copyOf(nodes);
        relays = List.copyOf(relays);
    }

    /**
     * One node: its record, whether it is live (its record was refreshed within the node TTL),
     * and when it was last seen.
     */
    public record Node(String id, boolean live, boolean self, String url, String mediaAddress, String region,
                       long lastSeenMillis, Load load, List<String> rooms) {
        static Node of(NodeRecord r, boolean live, boolean self, long lastSeenMillis) {
            return new Node(r.id(), live, self, r.url(), r.mediaAddress(), r.region(), lastSeenMillis,
                    new Load(r.participants(), r.tracks(), r.bitrateBps(), r.cpu(), r.maxParticipants(), r.draining()),
                    r.rooms());
        }
    }

    /** A node's load, as it last reported it. */
    public record Load(int participants, int tracks, long bitrateBps, double cpu, int maxParticipants,
                       boolean draining) {
    }

    /** The view of a node without a cluster: itself. */
    public static ClusterView single(NodeRecord self) {
        return new ClusterView(self.id(), "single", "off", "local", self.updatedMillis(),
                List.of(Node.of(self, true, true, self.updatedMillis())), List.of());
    }
}
