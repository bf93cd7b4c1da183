package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.RembPacket;
import dev.sfu.rtp.rtcp.ReportBlock;

/**
 * The server's receiver reports to one publisher (RFC 3550 section 6.4.2): one report block per
 * stream heard from, every simulcast layer included (a browser keeps sending MID and RID on an
 * SSRC until a report acknowledges it), followed, when some of its video did not negotiate
 * transport-cc, by a REMB (draft-alvestrand-rmcat-remb) for that video's SSRCs with the value
 * {@link RembRate} computes from what arrives. A publisher on transport-cc gets no REMB: its
 * estimator runs on {@link TransportFeedbackSender}'s feedback, and a REMB would only cap it.
 * Runs on the publisher's executor with its RTCP buffer.
 */
final class ReceiverReports {
    private static final int MAX_BLOCKS = 31;


    private final MediaEndpoint endpoint;
    private final long[] rembSsrcs = new long[MAX_BLOCKS];
    private final RembRate remb;
    private long lastNanos;

    ReceiverReports(MediaEndpoint endpoint, long nowNanos) {
        this.endpoint = endpoint;
        this.lastNanos = nowNanos;
        this.remb = new RembRate(endpoint.config.rembMinBitrate(), endpoint.config.rembMaxBitrate(), nowNanos);
    }

    /** Sends a report when the interval has passed. */
    void maybeSend(long now) {
        if (now - lastNanos >= endpoint.config.receiverReportIntervalNanos()) {
            send(now);
        }
    }

    void send(long now) {
        lastNanos = now;
        MediaEndpoint e = endpoint;
        byte[] b = e.rtcpBuffer;
        int room = b.length - RtpPacket.TAIL_ROOM;
        int p = ReceiverReport.HEADER_SIZE;
        int blocks = 0;
        int video = 0;
        int maxFractionLost = 0;
        long rembBytes = 0;
        for (UpTrack u : e.upTrackArray()) {
            boolean rembControlled = u.video && !u.transportCc;
            for (int i = 0; i < u.layerCount(); i++) {
                SimulcastLayer l = u.layer(i);
                if (rembControlled) {
                    rembBytes += l.bytesReceived;
                }
                ReceiveStatistics s = l.stats;
                if (blocks >= MAX_BLOCKS || !s.hasData() || p + ReportBlock.SIZE > room) {
                    continue;
                }
                s.writeReportBlock(b, p, now);
                if (rembControlled) {
                    rembSsrcs[video++] = s.ssrc();
                    maxFractionLost = Math.max(maxFractionLost, s.lastFractionLost());
                }
                p += ReportBlock.SIZE;
                blocks++;
            }
        }
        if (blocks == 0) {
            return;
        }
        ReceiverReport.write(b, 0, room, e.rtcpSsrc, blocks);
        if (video > 0) {
            long bps = remb.update(rembBytes, maxFractionLost, now);
            int n = RembPacket.write(b, p, room - p, e.rtcpSsrc, bps, rembSsrcs, video);
            p += Math.max(0, n);
        }
        e.transport.sendRtcp(b, 0, p);
    }

    /** The REMB value last computed for this publisher, bits/s (the configured minimum before any). */
    long rembBps() {
        return remb.valueBps();
    }
}
