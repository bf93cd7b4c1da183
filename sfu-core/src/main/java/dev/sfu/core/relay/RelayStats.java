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
 * @param estimateBps        the relay's congestion-control estimate from the far node's transport-cc
 *                           feedback, bits/s; -1 before the first, or with congestion control off
 * @param neededBps          what the far node needs of the local tracks, bits/s, as the publishers send it
 * @param layersHeldBack     simulcast layers the estimate holds back now (0 unless the relay is congested)
 * @param feedbackReceived   transport-cc feedback messages from the far node (about what this node sent)
 * @param feedbackSent       transport-cc feedback messages to the far node (about what it sent)
 */
public record RelayStats(String roomId, String peerNode, boolean dialer, boolean connected, int remoteParticipants,
                         int tracksRelayed, long packetsSent, long bytesSent, long retransmissions, long nacksReceived,
                         long keyframeRequestsReceived, long keyframeRequestsSent, long senderReportsSent,
                         int fractionLost, long packetsReceived, long bytesReceived, Map<String, Long> drops,
                         long estimateBps, long neededBps, int layersHeldBack, long feedbackReceived,
                         long feedbackSent) {
    public RelayStats {
        drops = Map.copyOf(drops);
    }
}
