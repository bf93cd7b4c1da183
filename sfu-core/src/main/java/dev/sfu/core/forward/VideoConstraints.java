package dev.sfu.core.forward;

/**
 * How a subscriber shows one remote video, from its page: the rendered size in device pixels
 * and whether it can be seen at all. The allocator forwards the smallest layer at least as
 * large as the tile, and pauses a video nobody can see.
 *
 * @param width   rendered width in device pixels (0 when unknown)
 * @param height  rendered height in device pixels (0 when unknown)
 * @param visible false when the tile is off screen or the page is hidden
 */
public record VideoConstraints(int width, int height, boolean visible) {
}
