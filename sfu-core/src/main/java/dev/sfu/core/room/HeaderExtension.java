package dev.sfu.core.room;

/**
 * One negotiated RTP header extension (RFC 8285 a=extmap).
 *
 * @param id  the local id (1-14 one-byte, 1-255 two-byte)
 * @param uri the extension URI
 */
public record HeaderExtension(int id, String uri) {
}
