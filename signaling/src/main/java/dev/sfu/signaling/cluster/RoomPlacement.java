package dev.sfu.signaling.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides which node hosts a room, before a {@code join} reaches the room layer. A single node
 * ({@link #SINGLE_NODE}) hosts every room itself; in cluster mode the decision is shared through
 * Redis, so that two nodes never both host a room they were not both assigned.
 * <p>
 * Implementations never block the calling (Netty event loop) thread.
 */
public interface RoomPlacement {
    /** Every room here: a node without a cluster. */
    RoomPlacement SINGLE_NODE = new RoomPlacement() {
        private final CompletionStage<Placement> here = CompletableFuture.completedFuture(Placement.here("local"));

        @Override
        public CompletionStage<Placement> place(String room) {
            return here;
        }

        @Override
        public void roomClosed(String room) {
        }
    };

    /**
     * Where {@code room} is hosted, claiming it for the least-loaded live node when it is hosted
     * nowhere yet. Completes exceptionally with a
     * {@link dev.sfu.signaling.message.SignalingException} (CLUSTER_UNAVAILABLE) when that cannot be
     * decided now.
     */
    CompletionStage<Placement> place(String room);

    /**
     * {@code room} is hosted here but this node's part of it is full: where the join may go instead
     * (another node hosting the room, or one it expands to); here (a local placement) when nowhere,
     * and the join is refused with ROOM_FULL. A single node has nowhere else.
     */
    default CompletionStage<Placement> full(String room) {
        return CompletableFuture.completedFuture(Placement.here("local"));
    }

    /** The last participant of {@code room} on this node has left: its claim may be released. */
    void roomClosed(String room);

    /**
     * The public WebSocket URLs of the cluster's live nodes, this one included, as last seen (no
     * network call): where a page may join again when the node hosting its call dies. Empty on a
     * single node.
     */
    default java.util.List<String> nodeUrls() {
        return java.util.List.of();
    }
}
