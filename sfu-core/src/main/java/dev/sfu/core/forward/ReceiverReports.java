package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.RembPacket;
import dev.sfu.rtp.rtcp.ReportBlock;

/**
 * The server's receiver reports to one publisher (RFC 3550 section 6.4.2): one report block per
 * stream heard from, every simulcast layer included (a browser keeps sending MID and RID on an
 * SSRC until a report acknowledges it), followed by a REMB (draft-alvestrand-rmcat-remb) for
 * the video SSRCs when configured. Runs on the publisher's executor with its RTCP buffer.
 */
final class ReceiverReports {
    private static final int MAX_BLOCKS = 31;

    private final MediaEndpoint endpoint;
    private final long[] rembSsrcs = new long[MAX_BLOCKS];
    private long lastNanos;

    ReceiverReports(MediaEndpoint endpoint, long nowNanos) {
        this.endpoint = endpoint;
        this.lastNanos = nowNanos;
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
        for (UpTrack u : e.upTrackArray()) {
            for (int i = 0; i < u.layerCount() && blocks < MAX_BLOCKS; i++) {
                ReceiveStatistics s = u.layer(i).stats;
                if (!s.hasData() || p + ReportBlock.SIZE > room) {
                    continue;
                }
                s.writeReportBlock(b, p, now);
                p += ReportBlock.SIZE;
                blocks++;
                if (u.video) {
                    rembSsrcs[video++] = s.ssrc();
                }
            }
        }
        if (blocks == 0) {
            return;
        }
        ReceiverReport.write(b, 0, room, e.rtcpSsrc, blocks);
        long remb = e.config.rembBitrate();
        if (remb > 0 && video > 0) {
            int n = RembPacket.write(b, p, room - p, e.rtcpSsrc, remb, rembSsrcs, video);
            p += Math.max(0, n);
        }
        e.transport.sendRtcp(b, 0, p);
    }
}
