package dev.sfu.core.forward;

import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.rtcp.Sdes;

/**
 * Terminates the RTCP a participant sends (RFC 3550 section 6, RFC 4585, RFC 5104): nothing is
 * forwarded raw. As a publisher its sender reports feed the reception statistics and are
 * translated for each subscriber (SSRC, RTP timestamp offset, own packet and octet counts), so
 * subscribers keep lip sync. As a subscriber its receiver reports give loss, jitter and RTT per
 * DownTrack, its NACKs are answered from the retransmission cache, and its PLI/FIR become
 * rate-limited PLIs to the publisher.
 *
 * <p>Runs on the sending participant's executor with that endpoint's buffers.
 */
final class RtcpTermination {
    private RtcpTermination() {
    }

    static void process(MediaEndpoint e, byte[] b, int off, int len, long now) {
        int p = off;
        int end = off + len;
        while (p + 4 <= end) {
            if ((b[p] & 0xC0) != 0x80) {
                e.roomMetrics.drop(DropReason.MALFORMED);
                return;
            }
            int plen = (Rtp.u16(b, p + 2) + 1) * 4;
            if (p + plen > end) {
                e.roomMetrics.drop(DropReason.MALFORMED);
                return;
            }
            int count = b[p] & 0x1F;
            switch (b[p + 1] & 0xFF) {
                case RtcpHeader.PT_SR -> {
                    if (plen >= 28) {
                        senderReport(e, b, p, now);
                        reportBlocks(e, b, p + 28, p + plen, count, now);
                    }
                }
                case RtcpHeader.PT_RR -> {
                    if (plen >= 8) {
                        reportBlocks(e, b, p + 8, p + plen, count, now);
                    }
                }
                case RtcpHeader.PT_RTPFB -> {
                    if (count == RtcpFeedback.FMT_NACK && plen >= 16) {
                        nack(e, b, p, plen, now);
                    }
                }
                case RtcpHeader.PT_PSFB -> {
                    if (count == RtcpFeedback.FMT_PLI && plen >= 12) {
                        keyframeRequest(e, Rtp.u32(b, p + 8), now);
                    } else if (count == RtcpFeedback.FMT_FIR) {
                        // RFC 5104 section 4.3.1.1: one 8-byte FCI entry per requested SSRC.
                        for (int i = p + 12; i + 8 <= p + plen; i += 8) {
                            keyframeRequest(e, Rtp.u32(b, i), now);
                        }
                    }
                }
                default -> {
                    // SDES, BYE, REMB from subscribers, XR: consumed.
                }
            }
            p += plen;
        }
        if (p != end) {
            e.roomMetrics.drop(DropReason.MALFORMED);
        }
    }

    /**
     * <pre>
     * |V=2|P|    RC   |   PT=SR=200   |             length            |
     * |                         SSRC of sender                        |
     * |              NTP timestamp, most significant word             |
     * |             NTP timestamp, least significant word             |
     * |                         RTP timestamp                         |
     * |                     sender's packet count                     |
     * |                      sender's octet count                     |
     * </pre>
     */
    private static void senderReport(MediaEndpoint e, byte[] b, int p, long now) {
        long ssrc = Rtp.u32(b, p + 4);
        UpTrack up = e.primaryBySsrc(ssrc);
        if (up == null) {
            return;
        }
        long ntpSec = Rtp.u32(b, p + 8);
        long ntpFrac = Rtp.u32(b, p + 12);
        long rtpTs = Rtp.u32(b, p + 16);
        up.stats.onSenderReport(ntpSec, ntpFrac, now);
        byte[] out = e.rtcpBuffer;
        for (DownTrack d : up.downTrackArray()) {
            SequenceRewriter rw = d.slot.rewriter;
            if (!d.isActive() || !rw.started() || rw.sourceSsrc() != ssrc) {
                continue;
            }
            int room = out.length - MediaEndpoint.TAIL_ROOM;
            int n = SenderReport.write(out, 0, room, d.slot.ssrc, (ntpSec << 32) | ntpFrac,
                    rw.toOutgoingTimestamp(rtpTs), d.packetsSent & 0xFFFFFFFFL, d.octetsSent & 0xFFFFFFFFL, 0);
            int sdes = n < 0 ? -1 : Sdes.writeCname(out, n, room - n, d.slot.ssrc, e.cnameBytes());
            if (sdes < 0) {
                continue;
            }
            n += sdes;
            d.lastSrMiddle = ((ntpSec & 0xFFFF) << 16) | (ntpFrac >>> 16);
            d.lastSrSentNanos = now;
            d.subscriber().transport.sendRtcp(out, 0, n);
        }
    }

    private static void reportBlocks(MediaEndpoint e, byte[] b, int at, int end, int count, long now) {
        for (int i = 0; i < count && at + 24 <= end; i++, at += 24) {
            DownTrack d = e.downTrackBySsrc(Rtp.u32(b, at));
            if (d == null) {
                continue;
            }
            int fraction = b[at + 4] & 0xFF;
            long lost = ((b[at + 5] & 0xFF) << 16) | ((b[at + 6] & 0xFF) << 8) | (b[at + 7] & 0xFF);
            if ((lost & 0x800000) != 0) {
                lost -= 0x1000000;
            }
            d.onReportBlock(fraction, lost, Rtp.u32(b, at + 12), Rtp.u32(b, at + 16), Rtp.u32(b, at + 20), now);
        }
    }

    /**
     * RFC 4585 section 6.2.1: each FCI entry is a PID and a bitmask of the 16 following lost
     * packets.
     * <pre>
     * |            PID                |             BLP               |
     * </pre>
     */
    private static void nack(MediaEndpoint e, byte[] b, int p, int plen, long now) {
        DownTrack d = e.downTrackBySsrc(Rtp.u32(b, p + 8));
        e.metrics.nacksReceived.inc();
        e.roomMetrics.nacksReceived.inc();
        if (d == null) {
            return;
        }
        byte[] out = e.egressBuffer();
        for (int i = p + 12; i + 4 <= p + plen; i += 4) {
            int pid = Rtp.u16(b, i);
            int blp = Rtp.u16(b, i + 2);
            resend(e, d, pid, now, out);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    resend(e, d, (pid + bit + 1) & 0xFFFF, now, out);
                }
            }
        }
    }

    private static void resend(MediaEndpoint e, DownTrack d, int seq, long now, byte[] out) {
        if (d.retransmit(seq, now, out)) {
            e.roomMetrics.retransmissions.inc();
        }
    }

    private static void keyframeRequest(MediaEndpoint e, long mediaSsrc, long now) {
        DownTrack d = e.downTrackBySsrc(mediaSsrc);
        if (d == null) {
            return;
        }
        e.metrics.plisSent.inc();
        e.roomMetrics.keyframeRequestsReceived.inc();
        d.source().requestKeyframe(now, e.rtcpBuffer);
    }
}
