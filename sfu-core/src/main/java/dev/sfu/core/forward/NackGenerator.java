package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.NackPacket;

/**
 * Updates a layer's reception statistics (RFC 3550 appendix A.1) with each packet and asks the
 * publisher, with a generic NACK (RFC 4585 section 6.2.1), for the sequence numbers a forward
 * jump skipped, when the track negotiated {@code nack} and the gap is at most
 * {@link ForwardingConfig#maxNackGap()}. Repaired (RTX) packets fill gaps and ask for nothing.
 * Never drops.
 */
final class NackGenerator {
    private final MediaEndpoint endpoint;
    private final StageCounters counters;
    private final int[] seqs;
    private final int maxGap;

    NackGenerator(MediaEndpoint endpoint, StageCounters counters, int maxGap) {
        this.endpoint = endpoint;
        this.counters = counters;
        this.maxGap = maxGap;
        this.seqs = new int[Math.max(1, maxGap)];
    }

    void onPacket(IngressPacket p) {
        counters.in();
        SimulcastLayer l = p.layer;
        int gap = l.stats.update(p.ssrc, p.sequence, p.timestamp, p.now);
        if (!p.repaired && gap > 0 && p.track.nackEnabled && gap <= maxGap) {
            for (int i = 0; i < gap; i++) {
                seqs[i] = (p.sequence - gap + i) & 0xFFFF;
            }
            byte[] b = endpoint.rtcpBuffer;
            int n = NackPacket.write(b, 0, b.length - RtpPacket.TAIL_ROOM, endpoint.rtcpSsrc, p.ssrc, seqs, 0, gap);
            if (n > 0) {
                endpoint.metrics.nacksSent.inc();
                endpoint.roomMetrics.nacksSent.inc();
                endpoint.transport.sendRtcp(b, 0, n);
            }
        }
        counters.out();
    }
}
