package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.TransportCcExtension;

/**
 * The way of one decrypted RTP packet from a receiver's transport to its measurements, in the
 * order a browser behind a link would see it: first the link ({@link DownlinkBottleneck}, only
 * for a capped subscriber), which drops it or says when it arrives; then, at that arrival time,
 * its transport-wide sequence number is noted for transport-cc feedback
 * ({@link TransportCcReceiver}, every RTP packet: media, RTX and padding); then the
 * {@link MediaReceiver} measures it. Runs on the transport's serial thread; allocates nothing.
 */
final class DownlinkReceivePath {
    private final DownlinkBottleneck bottleneck;
    private final TransportCcReceiver transportCc;
    private final MediaReceiver receiver;

    /** @param bottleneck the capped link, or null for an uncapped receiver */
    DownlinkReceivePath(DownlinkBottleneck bottleneck, TransportCcReceiver transportCc, MediaReceiver receiver) {
        this.bottleneck = bottleneck;
        this.transportCc = transportCc;
        this.receiver = receiver;
    }

    /**
     * One decrypted RTP packet taken from the socket at {@code now}.
     *
     * @param wireOverhead bytes the link carries besides the RTP packet (IP, UDP, SRTP trailer)
     */
    void onRtp(byte[] buf, int off, int len, int wireOverhead, long now) {
        long arrival = now;
        if (bottleneck != null) {
            arrival = bottleneck.admit(len + wireOverhead, now);
            if (arrival == DownlinkBottleneck.DROPPED) {
                return;
            }
        }
        int id = transportCc.extensionId();
        if (id > 0) {
            int seq = TransportCcExtension.read(buf, off, len, id);
            if (seq >= 0) {
                transportCc.onPacket(seq, arrival, RtpPacket.ssrc(buf, off));
            } else {
                transportCc.onPacketWithoutExtension();
            }
        }
        receiver.onRtp(buf, off, len, arrival);
    }

    /** True when an RTCP datagram of {@code wireBytes} taken at {@code now} gets through the link. */
    boolean admitRtcp(int wireBytes, long now) {
        return bottleneck == null || bottleneck.admit(wireBytes, now) != DownlinkBottleneck.DROPPED;
    }
}
