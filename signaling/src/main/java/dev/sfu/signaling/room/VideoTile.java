package dev.sfu.signaling.room;

/**
 * One remote video as a subscriber's page shows it (the {@code videoTiles} message).
 *
 * @param mid     the subscriber's receive m-line
 * @param width   rendered width in device pixels
 * @param height  rendered height in device pixels
 * @param visible false when the tile is off screen or the page is hidden
 */
public record VideoTile(String mid, int width, int height, boolean visible) {
}
