package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.rtcp.FirPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.RtcpReport;
import dev.sfu.rtp.rtcp.Sdes;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.rtcp.TransportCcFeedback;

/**
 * Terminates the RTCP a participant sends (RFC 3550 section 6, RFC 4585, RFC 5104): nothing is
 * forwarded raw. As a publisher its sender reports feed the reception statistics and are
 * translated for each subscriber (SSRC, RTP timestamp offset, own packet and octet counts), so
 * subscribers keep lip sync. As a subscriber its receiver reports give loss, jitter and RTT per
 * DownTrack, its NACKs are answered from the retransmission cache, its PLI/FIR become
 * rate-limited PLIs to the publisher, and its transport-cc feedback goes to its
 * {@link SubscriberEgress}'s estimator.
 *
 * <p>A compound packet is checked whole by {@link RtcpCompoundIterator} (RFC 3550 appendix A.2);
 * one that fails is dropped and counted by the iterator's reason. Inside a valid compound, a
 * packet of a known type that its view rejects is counted as {@link DropReason#MALFORMED} and
 * the rest of the compound is still read.
 *
 * <p>One instance per endpoint, run on that endpoint's executor with its buffers; the views are
 * fields, rewrapped for every packet, so nothing is allocated per packet.
 */
final class RtcpTermination {
    private final MediaEndpoint e;
    private final RtcpCompoundIterator compound = new RtcpCompoundIterator();
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();
    private final NackPacket nack = new NackPacket();
    private final PliPacket pli = new PliPacket();
    private final FirPacket fir = new FirPacket();
    private final TransportCcFeedback transportCc = new TransportCcFeedback();

    RtcpTermination(MediaEndpoint endpoint) {
        this.e = endpoint;
    }

    void process(byte[] b, int off, int len, long now) {
        if (!compound.reset(b, off, len)) {
            e.roomMetrics.drop(DropReason.of(compound.failure()));
            return;
        }
        while (compound.next()) {
            int p = compound.packetOffset();
            int plen = compound.packetLength();
            switch (compound.packetType()) {
                case RtcpHeader.PT_SR -> {
                    if (sr.wrap(b, p, plen)) {
                        senderReport(now);
                        reportBlocks(sr, now);
                    } else {
                        e.roomMetrics.drop(DropReason.MALFORMED);
                    }
                }
                case RtcpHeader.PT_RR -> {
                    if (rr.wrap(b, p, plen)) {
                        reportBlocks(rr, now);
                    } else {
                        e.roomMetrics.drop(DropReason.MALFORMED);
                    }
                }
                case RtcpHeader.PT_RTPFB -> {
                    if (compound.count() == RtcpFeedback.FMT_NACK) {
                        if (nack.wrap(b, p, plen)) {
                            nack(now);
                        } else {
                            e.roomMetrics.drop(DropReason.MALFORMED);
                        }
                    } else if (compound.count() == RtcpFeedback.FMT_TRANSPORT_CC) {
                        // draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1: what
                        // arrived of what the server sent this participant, for its estimator.
                        if (transportCc.wrap(b, p, plen)) {
                            e.egress.onFeedback(transportCc, now);
                        } else {
                            e.roomMetrics.drop(DropReason.MALFORMED);
                        }
                    }
                }
                case RtcpHeader.PT_PSFB -> {
                    if (compound.count() == RtcpFeedback.FMT_PLI) {
                        if (pli.wrap(b, p, plen)) {
                            keyframeRequest(pli.mediaSsrc(), now);
                        } else {
                            e.roomMetrics.drop(DropReason.MALFORMED);
                        }
                    } else if (compound.count() == RtcpFeedback.FMT_FIR) {
                        if (fir.wrap(b, p, plen)) {
                            // RFC 5104 section 4.3.1.1: one FCI entry per requested SSRC.
                            for (int i = 0; i < fir.entryCount(); i++) {
                                keyframeRequest(fir.entrySsrc(i), now);
                            }
                        } else {
                            e.roomMetrics.drop(DropReason.MALFORMED);
                        }
                    }
                }
                default -> {
                    // SDES, BYE, REMB from subscribers, XR: consumed.
                }
            }
        }
    }

    /**
     * Translates the publisher's SR (RFC 3550 section 6.4.1) for every subscriber of that stream
     * and sends it with an SDES CNAME, so the subscriber can map RTP time to wall clock.
     */
    private void senderReport(long now) {
        long ssrc = sr.senderSsrc();
        SimulcastLayer layer = e.layerByMediaSsrc(ssrc);
        if (layer == null) {
            return;
        }
        long ntp = sr.ntpTimestamp();
        long rtpTs = sr.rtpTimestamp();
        layer.stats.onSenderReport(ntp >>> 32, ntp & 0xFFFFFFFFL, now);
        layer.onSenderReport(ntp, rtpTs);
        byte[] out = e.rtcpBuffer;
        for (RelayEgress r : layer.track.relayArray()) {
            r.senderReport(layer, ntp, rtpTs, out);
        }
        // Only subscribers receiving this layer now get its report (the rewriter's source is its SSRC).
        for (DownTrack d : layer.track.downTrackArray()) {
            SequenceRewriter rw = d.slot.rewriter;
            if (!d.isActive() || !rw.started() || rw.sourceSsrc() != ssrc) {
                continue;
            }
            int room = out.length - RtpPacket.TAIL_ROOM;
            int n = SenderReport.write(out, 0, room, d.slot.ssrc, ntp, rw.toOutgoingTimestamp(rtpTs),
                    d.packetsSent & 0xFFFFFFFFL, d.octetsSent & 0xFFFFFFFFL, 0);
            int sdes = n < 0 ? -1 : Sdes.writeCname(out, n, room - n, d.slot.ssrc, e.cnameBytes());
            if (sdes < 0) {
                continue;
            }
            n += sdes;
            d.lastSrMiddle = sr.compactNtp();
            d.lastSrSentNanos = now;
            d.subscriber().transport.sendRtcp(out, 0, n);
        }
    }

    /** Each report block about a stream the server sends this participant updates its DownTrack. */
    private void reportBlocks(RtcpReport report, long now) {
        long lost = 0;
        long expected = 0;
        for (int i = 0; i < report.reportCount(); i++) {
            if (!report.reportBlock(i, block)) {
                continue;
            }
            DownTrack d = e.downTrackBySsrc(block.ssrc());
            if (d != null) {
                d.onReportBlock(block.fractionLost(), block.cumulativeLost(), block.jitter(), block.lastSr(),
                        block.delaySinceLastSr(), now);
                long exp = d.expectedSinceLastReport(block.highestSequence());
                if (exp > 0) {
                    expected += exp;
                    lost += d.lostSinceLastReport(block.cumulativeLost());
                } else {
                    d.lostSinceLastReport(block.cumulativeLost());
                }
            }
        }
        if (expected > 0) {
            e.egress().onReceiverReportLoss(lost, expected, now);
        }
    }

    /** RFC 4585 section 6.2.1: each (PID, BLP) entry names PID and up to 16 following lost packets. */
    private void nack(long now) {
        DownTrack d = e.downTrackBySsrc(nack.mediaSsrc());
        e.metrics.nacksReceived.inc();
        e.roomMetrics.nacksReceived.inc();
        if (d == null) {
            return;
        }
        byte[] out = e.egressBuffer();
        for (int i = 0; i < nack.entryCount(); i++) {
            int pid = nack.pid(i);
            int blp = nack.blp(i);
            resend(d, pid, now, out);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    resend(d, (pid + bit + 1) & 0xFFFF, now, out);
                }
            }
        }
    }

    private void resend(DownTrack d, int seq, long now, byte[] out) {
        if (d.retransmit(seq, now, out)) {
            e.roomMetrics.retransmissions.inc();
        }
    }

    private void keyframeRequest(long mediaSsrc, long now) {
        DownTrack d = e.downTrackBySsrc(mediaSsrc);
        if (d == null) {
            return;
        }
        e.metrics.plisSent.inc();
        e.roomMetrics.keyframeRequestsReceived.inc();
        d.requestKeyframe(now, e.rtcpBuffer);
    }
}
