package dev.sfu.bench.loadtest;

import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.SessionDescription;

import java.util.List;
import java.util.Random;

/**
 * What a synthetic publisher's camera sends: one {@link VideoSender} at {@code --video-kbps}, or
 * with {@code --simulcast} whatever the server's answer accepts: the layers it receives
 * ({@code a=simulcast:recv}, a {@link SimulcastPublisher}), or, when it declined simulcast, the
 * one stream, as a browser falls back. Decided once, on the signaling thread; read by others.
 */
final class PublisherVideo {
    private final MediaSink sink;
    private final LoadTestOptions options;
    private final StreamIds ids;
    private final int participant;
    private final ClientSdp.Sources sources;
    private final long startNanos;
    private final Random random;
    private final SimulcastPublisher.Ssrcs layerSsrcs;
    private volatile VideoSender single;
    private volatile SimulcastPublisher layers;
    private volatile boolean decided;

    /**
     * Without {@code --simulcast} the single stream is made at once (so it draws from
     * {@code random} now, as before); with it, only the layers' SSRCs are drawn.
     */
    PublisherVideo(MediaSink sink, LoadTestOptions options, StreamIds ids, int participant, ClientSdp.Sources sources,
                   long startNanos, Random random) {
        this.sink = sink;
        this.options = options;
        this.ids = ids;
        this.participant = participant;
        this.sources = sources;
        this.startNanos = startNanos;
        this.random = random;
        if (options.simulcast()) {
            layerSsrcs = SimulcastPublisher.Ssrcs.draw(random);
        } else {
            layerSsrcs = null;
            single = singleStream();
            decided = true;
        }
    }

    /**
     * The server's answer to the publisher's offer. After a simulcast offer: the layers it
     * receives, or the single stream when its video section has no {@code a=simulcast:recv}.
     */
    void onAnswer(SessionDescription answer) {
        if (decided) {
            return;
        }
        MediaDescription section = null;
        for (MediaDescription m : answer.media()) {
            if (ClientSdp.VIDEO_MID.equals(m.mid()) && !m.isRejected()) {
                section = m;
            }
        }
        if (section == null) {
            return;
        }
        decided = true;
        SimulcastSdp.Layers accepted = SimulcastSdp.received(section);
        if (accepted.isEmpty()) {
            single = singleStream();
            return;
        }
        layers = new SimulcastPublisher(new SimulcastPublisher.Setup(sink, ids, participant, ClientSdp.EXTENSION_IDS,
                sources.cname(), startNanos, random, options.fps(), keyframeIntervalNanos(), options.maxPacketSize(),
                ClientSdp.VP8_PT, ClientSdp.RTX_PT, ClientSdp.VIDEO_MID), layerSsrcs, options.layerKbps(), accepted);
    }

    /** The single video stream: --video-kbps at 640x360, on the SSRCs signalled in the offer. */
    private VideoSender singleStream() {
        return new VideoSender(sink, new OutboundStream.StreamInfo(ids.video(participant), (int) sources.videoSsrc(),
                ClientSdp.VP8_PT, ClientSdp.VIDEO_MID), ClientSdp.EXTENSION_IDS, sources.cname(), startNanos, random,
                options.videoKbps(), options.fps(), keyframeIntervalNanos(), options.maxPacketSize(), ClientSdp.RTX_PT,
                (int) sources.rtxSsrc());
    }

    private long keyframeIntervalNanos() {
        return (long) (options.keyframeIntervalSeconds() * 1e9);
    }

    /** The single stream, or null (simulcast accepted, or not decided yet). */
    VideoSender single() {
        return single;
    }

    /** The simulcast layers, or null (no simulcast, declined, or not decided yet). */
    SimulcastPublisher simulcast() {
        return layers;
    }

    /** The encodings sent: none before the answer, then the single stream or the layers. */
    List<VideoSender> senders() {
        VideoSender v = single;
        SimulcastPublisher sp = layers;
        return v != null ? List.of(v) : sp != null ? sp.senders() : List.of();
    }

    /** The encoding with media SSRC {@code ssrc}, or null. */
    VideoSender bySsrc(long ssrc) {
        for (VideoSender v : senders()) {
            if ((v.info().ssrc() & 0xFFFFFFFFL) == ssrc) {
                return v;
            }
        }
        return null;
    }

    /** A report block from the server: simulcast layers stop sending mid and rid on that SSRC. */
    void onReportBlock(long ssrc) {
        SimulcastPublisher sp = layers;
        if (sp != null) {
            sp.onReportBlock(ssrc);
        }
    }

    /** Dynacast: the layers of the track on {@code mid} that someone receives. */
    void onLayersNeeded(String mid, List<String> rids) {
        SimulcastPublisher sp = layers;
        if (sp != null && ClientSdp.VIDEO_MID.equals(mid) && rids != null) {
            sp.onLayersNeeded(rids);
        }
    }
}
