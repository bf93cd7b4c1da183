package dev.sfu.signaling.sdp;

/**
 * An {@code a=rid:<id> <send|recv> [params]} line (RFC 8851 section 4).
 *
 * @param id        the RTP stream id
 * @param direction "send" or "recv"
 * @param params    the restrictions after the direction, "" when none
 */
public record Rid(String id, String direction, String params) {
}
