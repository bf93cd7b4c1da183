package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.AudioLevelExtension;
import dev.sfu.rtp.ext.HeaderExtensions;

/**
 * A publisher's receive path, one stage after the other, each counting what it passes and drops
 * ({@link StageCounters}, {@code room.<id>.stage.<name>.*}):
 * <pre>
 *  decrypted RTP
 *    -> TransportFeedbackSender  transport-wide seq and arrival time, for transport-cc feedback
 *                                (first: RTX and padding count too, and nothing is dropped yet)
 *    -> StreamResolver    header check, SSRC -> track and layer (learned from MID / RID / RRID)
 *    -> RtxDecoder        RTX -> the original packet (RFC 4588)
 *    -> DuplicateFilter   a sequence number the layer already received (RTX probes)
 *    -> NackGenerator     reception statistics, NACKs for gaps (RFC 4585)
 *    -> KeyframeDetector  keyframe flag, layer resolution, owed keyframe requests
 *    -> cache             the layer's retransmission cache (answers subscribers' NACKs)
 *    -> audio level       RFC 6464 level to the room's speaker detection (audio)
 *    -> fan-out           every subscriber's DownTrack: layer choice, rewrite, send
 * </pre>
 * The packet is parsed once into an {@link IngressPacket} that every stage and DownTrack reads.
 * Runs on the publisher's executor; owns nothing but the view (the endpoint owns the buffers).
 */
final class ReceivePipeline {
    private final MediaEndpoint endpoint;
    private final IngressPacket packet = new IngressPacket();
    final TransportFeedbackSender transportFeedback;
    private final StreamResolver resolver;
    private final RtxDecoder rtx;
    private final DuplicateFilter duplicates;
    private final NackGenerator nacks;
    private final KeyframeDetector keyframes;
    private final StageCounters fanOut;
    private final byte[] egressBuffer;

    ReceivePipeline(MediaEndpoint e, byte[] ingressBuffer, byte[] egressBuffer) {
        this.endpoint = e;
        this.egressBuffer = egressBuffer;
        ForwardingMetrics m = e.roomMetrics;
        int maxPacket = e.pool.bufferSize() - RtxDecoder.OSN_LENGTH - RtpPacket.TAIL_ROOM;
        this.transportFeedback = new TransportFeedbackSender(e, m.stage("twcc"), e.clock.getAsLong());
        this.resolver = new StreamResolver(e, m.stage("resolve"), maxPacket);
        this.rtx = new RtxDecoder(m.stage("rtx"), ingressBuffer);
        this.duplicates = new DuplicateFilter(m.stage("dedup"));
        this.nacks = new NackGenerator(e, m.stage("nack"), e.config.maxNackGap());
        this.keyframes = new KeyframeDetector(e, m.stage("keyframe"));
        this.fanOut = m.stage("fanout");
    }

    /**
     * @param now        the endpoint's clock
     * @param receivedAt when the transport read the packet off the socket (same clock; {@code now}
     *                   when unknown): the arrival time transport-wide feedback reports
     */
    void process(byte[] buf, int off, int len, long now, long receivedAt) {
        transportFeedback.onPacket(buf, off, len, receivedAt, now);
        IngressPacket p = packet;
        p.wrap(buf, off, len, now);
        if (!resolver.resolve(p)) {
            return;
        }
        countUp(p);
        if (!rtx.decode(p) || !duplicates.accept(p)) {
            return;
        }
        nacks.onPacket(p);
        keyframes.onPacket(p);
        SimulcastLayer l = p.layer;
        if (l.cache != null) {
            l.cache.store(p.buf, p.off, p.len, p.sequence, p.ssrc, now);
        }
        UpTrack u = p.track;
        UpTrack.AudioLevelListener levels = u.audioLevels;
        if (levels != null && u.audioLevelExtensionId > 0) {
            int at = HeaderExtensions.find(p.buf, p.off, p.len, u.audioLevelExtensionId);
            if (at >= 0) {
                levels.onAudioLevel(AudioLevelExtension.level(p.buf, at), AudioLevelExtension.voiceActivity(p.buf, at), now);
            }
        }
        fanOut.in();
        for (DownTrack d : u.downTrackArray()) {
            d.forward(p, egressBuffer);
        }
        RelayEgress[] relays = u.relayArray();
        if (relays.length > 0) {
            // Once per relay, whatever the number of subscribers on the far node.
            l.relayedPackets++;
            l.relayedOctets += p.payloadLength();
            for (RelayEgress r : relays) {
                r.forward(p, egressBuffer);
            }
        }
        fanOut.out();
    }

    private void countUp(IngressPacket p) {
        long now = p.now;
        int len = p.len;
        MediaEndpoint e = endpoint;
        e.metrics.packetsUp.mark(1, now);
        e.metrics.bytesUp.mark(len, now);
        e.roomMetrics.packetsIn.mark(1, now);
        e.roomMetrics.bytesIn.mark(len, now);
        p.layer.received(len, now);
    }
}
