package dev.sfu.core.room;

import java.util.List;

/**
 * One negotiated payload format of an m-line.
 *
 * @param payloadType    the RTP payload type (0-127)
 * @param name           encoding name as in rtpmap, e.g. "opus", "VP8", "H264"
 * @param clockRate      RTP clock rate
 * @param channels       audio channels (1 for video)
 * @param fmtp           the a=fmtp parameters, "" when none
 * @param rtcpFeedback   a=rtcp-fb values for this payload type, e.g. "nack", "nack pli", "transport-cc"
 * @param rtxPayloadType the associated RTX payload type (RFC 4588), or -1 when none
 */
public record Codec(int payloadType, String name, int clockRate, int channels, String fmtp,
                    List<String> rtcpFeedback, int rtxPayloadType) {
}
