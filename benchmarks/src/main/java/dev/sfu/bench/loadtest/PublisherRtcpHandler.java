package dev.sfu.bench.loadtest;

import dev.sfu.rtp.rtcp.FirPacket;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpFeedback;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.rtcp.RtcpReport;
import dev.sfu.rtp.rtcp.SenderReport;

import java.util.function.LongConsumer;

/**
 * The RTCP the server sends to a synthetic publisher, answered as a browser answers it: a
 * generic NACK (RFC 4585 section 6.2.1) queues retransmissions on the stream it names, a PLI
 * (section 6.3.1) or FIR (RFC 5104 section 4.3.1) asks that stream for a key frame, and each
 * report block of an SR or RR (RFC 3550 section 6.4) tells the stream it names that the server
 * receives it. Runs on the transport's thread; the views are reused, nothing is allocated.
 */
final class PublisherRtcpHandler {
    /** Finds the stream sending on a media SSRC. */
    interface Streams {
        /** The stream with media SSRC {@code ssrc} (unsigned), or null. */
        OutboundStream byMediaSsrc(long ssrc);
    }

    private final Streams streams;
    private final LongConsumer reportBlock;
    private final RtcpCompoundIterator rtcp = new RtcpCompoundIterator();
    private final NackPacket nackView = new NackPacket();
    private final PliPacket pliView = new PliPacket();
    private final FirPacket firView = new FirPacket();
    private final SenderReport srView = new SenderReport();
    private final ReceiverReport rrView = new ReceiverReport();
    private final ReportBlock blockView = new ReportBlock();
    private volatile long feedback;

    /**
     * @param reportBlock told the SSRC of every report block received (media or RTX SSRC)
     */
    PublisherRtcpHandler(Streams streams, LongConsumer reportBlock) {
        this.streams = streams;
        this.reportBlock = reportBlock;
    }

    /** One decrypted compound RTCP packet from the server. */
    void onRtcp(byte[] buf, int off, int len) {
        if (!rtcp.reset(buf, off, len)) {
            return;
        }
        while (rtcp.next()) {
            int type = rtcp.packetType();
            int p = rtcp.packetOffset();
            int l = rtcp.packetLength();
            if (type == RtcpHeader.PT_RTPFB && rtcp.count() == RtcpFeedback.FMT_NACK && nackView.wrap(buf, p, l)) {
                OutboundStream v = streams.byMediaSsrc(nackView.mediaSsrc());
                if (v != null) {
                    feedback++;
                    nackView.forEachLost(v::nack);
                }
            } else if (type == RtcpHeader.PT_PSFB && rtcp.count() == RtcpFeedback.FMT_PLI && pliView.wrap(buf, p, l)) {
                OutboundStream v = streams.byMediaSsrc(pliView.mediaSsrc());
                if (v != null) {
                    feedback++;
                    v.requestKeyframe();
                }
            } else if (type == RtcpHeader.PT_PSFB && rtcp.count() == RtcpFeedback.FMT_FIR && firView.wrap(buf, p, l)) {
                for (int i = 0; i < firView.entryCount(); i++) {
                    OutboundStream v = streams.byMediaSsrc(firView.entrySsrc(i));
                    if (v != null) {
                        feedback++;
                        v.requestKeyframe();
                    }
                }
            } else if (type == RtcpHeader.PT_SR && srView.wrap(buf, p, l)) {
                reportBlocks(srView);
            } else if (type == RtcpHeader.PT_RR && rrView.wrap(buf, p, l)) {
                reportBlocks(rrView);
            }
        }
    }

    private void reportBlocks(RtcpReport r) {
        for (int i = 0; i < r.reportCount(); i++) {
            if (r.reportBlock(i, blockView)) {
                reportBlock.accept(blockView.ssrc());
            }
        }
    }

    /** NACK, PLI and FIR entries that named one of this publisher's streams. */
    long feedback() {
        return feedback;
    }
}
