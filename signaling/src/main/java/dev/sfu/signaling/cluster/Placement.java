package dev.sfu.signaling.cluster;

/**
 * Where a room's participants connect: this node ({@link #local()}), or another node, named by
 * its id and the WebSocket URL clients use for it.
 *
 * @param nodeId the hosting node's id
 * @param url    the hosting node's public WebSocket URL; null when the room is hosted here
 */
public record Placement(String nodeId, String url) {
    /** The room is hosted by this node (always so on a single node). */
    public static Placement here(String nodeId) {
        return new Placement(nodeId, null);
    }

    public boolean local() {
        return url == null;
    }
}
