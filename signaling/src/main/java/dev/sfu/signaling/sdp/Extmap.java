package dev.sfu.signaling.sdp;

/**
 * One {@code a=extmap:<id>[/<direction>] <uri>} line (RFC 8285 section 8).
 *
 * @param id        the local identifier (1-14 one-byte form, 1-255 with extmap-allow-mixed)
 * @param direction the optional direction, null when absent
 * @param uri       the extension URI
 */
public record Extmap(int id, Direction direction, String uri) {
}
