package dev.sfu.signaling.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How a room that is hosted nowhere yet gets its node, among the live nodes that are neither
 * draining nor full ({@code sfu.cluster.placement}).
 */
public enum PlacementPolicy {
    /** The node with the lowest load: participants over capacity, then CPU, then id. The default. */
    LEAST_LOADED("least-loaded"),
    /** The node that received the join, unless it is draining or full; then as least-loaded. */
    LOCAL_FIRST("local-first"),
    /** The least-loaded node of this node's region; other regions only when none there can take it. */
    REGION("region");

    private final String label;

    PlacementPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static PlacementPolicy parse(String value) {
        for (PlacementPolicy p : values()) {
            if (p.label.equalsIgnoreCase(value.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("sfu.cluster.placement must be least-loaded, local-first or region, not '"
                + value + "'");
    }

    /** Orders nodes from least to most loaded. */
    static final Comparator<NodeRecord> BY_LOAD = Comparator.comparingDouble(NodeRecord::loadRatio)
            .thenComparingDouble(n -> n.cpu() < 0 ? 0 : n.cpu())
            .thenComparing(NodeRecord::id);

    /**
     * The node that should host a new room, given this node's own record and the live nodes seen
     * in Redis (which may or may not include {@code self}). Falls back to {@code self} when no
     * node can take it, so that the room layer answers with its own limit.
     */
    public NodeRecord choose(NodeRecord self, List<NodeRecord> live) {
        List<NodeRecord> candidates = new ArrayList<>();
        candidates.add(self);
        for (NodeRecord n : live) {
            if (!n.id().equals(self.id())) {
                candidates.add(n);
            }
        }
        candidates.removeIf(n -> n.draining() || n.full());
        if (candidates.isEmpty()) {
            return self;
        }
        switch (this) {
            case LOCAL_FIRST -> {
                if (candidates.contains(self)) {
                    return self;
                }
            }
            case REGION -> {
                List<NodeRecord> sameRegion = new ArrayList<>();
                for (NodeRecord n : candidates) {
                    if (n.region().equals(self.region())) {
                        sameRegion.add(n);
                    }
                }
                if (!sameRegion.isEmpty()) {
                    candidates = sameRegion;
                }
            }
            default -> {
            }
        }
        candidates.sort(BY_LOAD);
        return candidates.get(0);
    }

    @Override
    public String toString() {
        return label.toLowerCase(Locale.ROOT);
    }
}
