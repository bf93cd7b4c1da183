package dev.sfu.bench.loadtest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The simulcast camera of one synthetic publisher: one {@link VideoSender} per layer the server
 * accepted (each with its own SSRC and RTX SSRC, its {@code --layer-kbps} bitrate and its frame
 * size), and dynacast: a {@code layersNeeded} message stops the layers it does not list and
 * resumes, with a key frame, those it lists again. Layers the answer marked paused
 * ({@code ~rid}) start stopped.
 */
public final class SimulcastPublisher {
    private final VideoSender[] layers = new VideoSender[SimulcastLayer.values().length];
    private final List<VideoSender> senders;
    private volatile long layersNeededMessages;

    /** The SSRCs a publisher draws for its layers at join, by layer ordinal: media and RTX. */
    public record Ssrcs(int[] media, int[] rtx) {
        public static Ssrcs draw(Random random) {
            int n = SimulcastLayer.values().length;
            int[] media = new int[n];
            int[] rtx = new int[n];
            for (int i = 0; i < n; i++) {
                media[i] = random.nextInt();
                rtx[i] = random.nextInt();
            }
            return new Ssrcs(media, rtx);
        }
    }

    /** What every layer of one publisher shares. */
    public record Setup(MediaSink sink, StreamIds ids, int participant, HeaderExtensionIds extensions, String cname,
                        long startNanos, Random random, int fps, long keyframeIntervalNanos, int maxPacketSize,
                        int payloadType, int rtxPayloadType, String mid) {
    }

    /**
     * @param layerKbps the bitrate of q, h and f
     * @param accepted  the layers the server's answer receives
     */
    public SimulcastPublisher(Setup s, Ssrcs ssrcs, List<Integer> layerKbps, SimulcastSdp.Layers accepted) {
        List<VideoSender> all = new ArrayList<>();
        for (SimulcastLayer l : accepted.layers()) {
            int i = l.ordinal();
            VideoSender v = new VideoSender(s.sink(), new OutboundStream.StreamInfo(s.ids().layer(s.participant(), l),
                    ssrcs.media()[i], s.payloadType(), s.mid()), s.extensions(), s.cname(), s.startNanos(), s.random(),
                    VideoSender.Encoding.layer(l, layerKbps.get(i)), s.fps(), s.keyframeIntervalNanos(),
                    s.maxPacketSize(), s.rtxPayloadType(), ssrcs.rtx()[i]);
            if (accepted.paused().contains(l)) {
                v.setActive(false);
            }
            layers[i] = v;
            all.add(v);
        }
        this.senders = Collections.unmodifiableList(all);
    }

    /** The layers sent, lowest first. */
    public List<VideoSender> senders() {
        return senders;
    }

    /** The sender of one layer, or null when the server did not accept it. */
    public VideoSender layer(SimulcastLayer l) {
        return layers[l.ordinal()];
    }

    /** The layer sending on media SSRC {@code ssrc}, or null. */
    public VideoSender bySsrc(long ssrc) {
        for (VideoSender v : senders) {
            if ((v.info().ssrc() & 0xFFFFFFFFL) == ssrc) {
                return v;
            }
        }
        return null;
    }

    /** A report block from the server named {@code ssrc}: that layer (or its RTX) stops sending mid and rid. */
    public void onReportBlock(long ssrc) {
        for (VideoSender v : senders) {
            v.onReportBlock(ssrc);
        }
    }

    /**
     * Dynacast (signaling thread): the layers someone receives now. Those listed are sent (a
     * stopped one resumes with a key frame), the others stop. Unknown rids are ignored.
     */
    public void onLayersNeeded(List<String> rids) {
        layersNeededMessages++;
        for (VideoSender v : senders) {
            v.setActive(rids.contains(v.encoding().rid()));
        }
    }

    public long layersNeededMessages() {
        return layersNeededMessages;
    }
}
