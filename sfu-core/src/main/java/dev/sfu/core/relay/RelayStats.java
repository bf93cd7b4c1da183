package dev.sfu.core.relay;

import java.util.Map;

/**
 * One relay as operators see it (for {@code /api/cluster} and metrics): which room and node, its
 * state, and its counters in both directions since it was made.
 *
 * @param dialer             true when this node dialed (it joined the room later)
 * @param remoteParticipants the far node's participants mirrored here
 * @param tracksRelayed      local tracks crossing to the far node now
 * @param packetsSent        RTP packets sent across (retransmissions not included)
 * @param fractionLost       loss on the relay in the far node's last report, out of 256
 * @param packetsReceived    RTP packets from the far node delivered to remote participants
 * @param drops              every drop by reason, both directions ({@code egress.X}, {@code incoming.X})
 */
public record RelayStats(String roomId, String peerNode, boolean dialer, boolean connected, int remoteParticipants,
                         int tracksRelayed, long packetsSent, long bytesSent, long retransmissions, long nacksReceived,
                         long keyframeRequestsReceived, long keyframeRequestsSent, long senderReportsSent,
                         int fractionLost, long packetsReceived, long bytesReceived, Map<String, Long> drops) {
    public RelayStats {
        drops = Map.copyOf(drops);
    }
}
