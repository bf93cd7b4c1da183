package dev.sfu.core.forward;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.rtp.codec.H264Keyframes;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.SdesTextExtension;
import dev.sfu.rtp.util.BufferPool;

import java.util.Arrays;
import java.util.List;

/**
 * The server's side of one track a participant publishes: its {@link SimulcastLayer}s (one for
 * a plain track, one per rid for simulcast), how to read its packets (codecs by payload type,
 * RTX mapping, keyframe format, header extension ids), and the copy-on-write snapshot of the
 * {@link DownTrack}s that forward it to subscribers.
 */
public final class UpTrack {
    /** RFC 8843 section 15.2. */
    public static final String MID_URI = SdesTextExtension.MID_URI;
    /** RFC 8852 section 3.1. */
    public static final String RID_URI = SdesTextExtension.RTP_STREAM_ID_URI;
    /** RFC 8852 section 3.2. */
    public static final String REPAIRED_RID_URI = SdesTextExtension.REPAIRED_RTP_STREAM_ID_URI;
    /** RFC 6464. */
    public static final String AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2. */
    public static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** The rtcp-fb value that asks for transport-wide feedback (the same draft, section 4). */
    public static final String TRANSPORT_CC_FEEDBACK = "transport-cc";

    private static final DownTrack[] NONE = new DownTrack[0];
    private static final RelayEgress[] NO_RELAYS = new RelayEgress[0];

    final MediaEndpoint publisher;
    private volatile PublishedTrack track;
    /** The layers in the offer's order; never empty. */
    final SimulcastLayer[] layers;
    /** Index: a publisher RTX payload type; value: the payload type it repairs, or -1. */
    final int[] rtxToPrimary = new int[128];
    /** Index: a publisher payload type; value: the codec, or null. */
    final Codec[] codecByPt = new Codec[128];
    /** Index: a publisher payload type; value: how to spot its keyframes, or null. */
    final KeyframeFormat[] formatByPt = new KeyframeFormat[128];
    final int midExtensionId;
    final int ridExtensionId;
    final int repairedRidExtensionId;
    final int audioLevelExtensionId;
    /** The publisher's transport-wide sequence number extension id, or -1. */
    final int transportCcExtensionId;
    /**
     * True when the publisher negotiated transport-cc on this track (the extension and the
     * feedback): its estimator runs on the server's transport-wide feedback, not on REMB.
     */
    final boolean transportCc;
    /** The id this track's packets carry the relay's transport-wide sequence number under ({@link RelayEgress#transportCcIdOnRelay}). */
    final int relayTransportCcId;
    final int clockRate;
    final boolean video;
    final boolean nackEnabled;
    private volatile DownTrack[] downTracks = NONE;
    /** The relays to other nodes this track crosses, once each (copy-on-write). */
    private volatile RelayEgress[] relays = NO_RELAYS;
    /** The rids dynacast last asked the publisher to send, as a bit mask (allocator thread only). */
    int announcedLayers = -1;
    /** True while the track carries a shared screen (the bandwidth allocation serves it first). */
    private volatile boolean screenShare;
    /** Optional observer of this track's audio levels (the room's speaker detection). */
    volatile AudioLevelListener audioLevels;

    UpTrack(MediaEndpoint publisher, PublishedTrack track, BufferPool pool, ForwardingConfig config, long nowNanos) {
        this.publisher = publisher;
        this.track = track;
        this.video = track.kind() == MediaKind.VIDEO;
        Arrays.fill(rtxToPrimary, -1);
        boolean nack = false;
        boolean tccFeedback = false;
        for (Codec c : track.codecs()) {
            if (c.payloadType() >= 0 && c.payloadType() < 128) {
                codecByPt[c.payloadType()] = c;
                formatByPt[c.payloadType()] = video ? KeyframeFormat.of(c.name()) : KeyframeFormat.OTHER;
                if (c.rtxPayloadType() >= 0 && c.rtxPayloadType() < 128) {
                    rtxToPrimary[c.rtxPayloadType()] = c.payloadType();
                }
            }
            for (String fb : c.rtcpFeedback()) {
                if ("nack".equals(fb.trim())) {
                    nack = true;
                }
                if (TRANSPORT_CC_FEEDBACK.equals(fb.trim())) {
                    tccFeedback = true;
                }
            }
        }
        this.nackEnabled = nack;
        this.clockRate = track.codecs().isEmpty() ? 90000 : track.codecs().get(0).clockRate();
        this.midExtensionId = extensionId(track, MID_URI);
        this.ridExtensionId = extensionId(track, RID_URI);
        this.repairedRidExtensionId = extensionId(track, REPAIRED_RID_URI);
        this.audioLevelExtensionId = extensionId(track, AUDIO_LEVEL_URI);
        this.transportCcExtensionId = extensionId(track, TRANSPORT_CC_URI);
        this.transportCc = tccFeedback && transportCcExtensionId > 0;
        this.relayTransportCcId = RelayEgress.transportCcIdOnRelay(track);
        boolean cached = video || nack;
        List<String> rids = track.rids();
        if (rids.isEmpty()) {
            layers = new SimulcastLayer[] {
                new SimulcastLayer(this, 0, null, track.ssrc(), track.rtxSsrc(), pool, config, cached, nowNanos)};
        } else {
            layers = new SimulcastLayer[rids.size()];
            for (int i = 0; i < layers.length; i++) {
                long ssrc = i == 0 && rids.size() == 1 ? track.ssrc() : -1;
                long rtx = i == 0 && rids.size() == 1 ? track.rtxSsrc() : -1;
                layers[i] = new SimulcastLayer(this, i, rids.get(i), ssrc, rtx, pool, config, cached, nowNanos);
            }
        }
    }

    private static int extensionId(PublishedTrack track, String uri) {
        for (HeaderExtension e : track.extensions()) {
            if (uri.equals(e.uri())) {
                return e.id();
            }
        }
        return -1;
    }

    public PublishedTrack track() {
        return track;
    }

    void update(PublishedTrack t) {
        track = t;
        if (layers.length == 1 && layers[0].rid == null) {
            if (t.ssrc() >= 0) {
                layers[0].ssrc = t.ssrc();
            }
            if (t.rtxSsrc() >= 0) {
                layers[0].rtxSsrc = t.rtxSsrc();
            }
        }
    }

    public String trackId() {
        return track.trackId();
    }

    public MediaKind kind() {
        return track.kind();
    }

    public MediaEndpoint publisher() {
        return publisher;
    }

    /**
     * Marks the track as a shared screen, which the bandwidth allocation serves before cameras
     * ({@link BandwidthAllocator}). Signaling sets it when the publisher says so; the page
     * switches to a screen with replaceTrack on the camera's sender, so neither the SDP nor the
     * packets tell.
     */
    public void setScreenShare(boolean screen) {
        screenShare = screen;
    }

    public boolean isScreenShare() {
        return screenShare;
    }

    /** True when the track arrives as several simulcast encodings. */
    public boolean isSimulcast() {
        return layers.length > 1;
    }

    /** The layers in the offer's order (a single one for a plain track). */
    public List<SimulcastLayer> layers() {
        return List.of(layers);
    }

    SimulcastLayer layer(int index) {
        return layers[index];
    }

    int layerCount() {
        return layers.length;
    }

    /** The SSRC of the first layer: the track's only stream when not simulcast; -1 if unknown. */
    public long ssrc() {
        return layers[0].ssrc;
    }

    public long rtxSsrc() {
        return layers[0].rtxSsrc;
    }

    /** Bytes of the RTP packets received on this track, all layers, headers and RTX included. */
    public long bytesReceived() {
        long n = 0;
        for (SimulcastLayer l : layers) {
            n += l.bytesReceived;
        }
        return n;
    }

    /** The RTP clock rate of the track's codecs. */
    public int clockRate() {
        return clockRate;
    }

    /** Reception statistics of the first layer (the whole track when not simulcast). */
    public ReceiveStatistics statistics() {
        return layers[0].stats;
    }

    /** The layer whose media or RTX SSRC this is, or null. */
    SimulcastLayer layerBySsrc(long ssrc) {
        for (SimulcastLayer l : layers) {
            if (l.ssrc == ssrc || l.rtxSsrc == ssrc) {
                return l;
            }
        }
        return null;
    }

    /** The layer whose media SSRC this is, or null. */
    SimulcastLayer layerByMediaSsrc(long ssrc) {
        for (SimulcastLayer l : layers) {
            if (l.ssrc == ssrc) {
                return l;
            }
        }
        return null;
    }

    /** The subscribers' DownTracks now (a snapshot; never modified). */
    public List<DownTrack> downTracks() {
        return List.of(downTracks);
    }

    DownTrack[] downTrackArray() {
        return downTracks;
    }

    synchronized void addDownTrack(DownTrack d) {
        downTracks = CopyOnWrite.with(downTracks, d);
    }

    synchronized boolean removeDownTrack(DownTrack d) {
        DownTrack[] old = downTracks;
        downTracks = CopyOnWrite.without(old, d);
        return downTracks != old;
    }

    RelayEgress[] relayArray() {
        return relays;
    }

    /**
     * The layers the relays' far nodes need, as a bit mask by layer index: every layer until a
     * far node said otherwise ({@link RelayEgress#setLayersNeeded}); 0 without relays.
     */
    int relayLayersNeeded() {
        int mask = 0;
        for (RelayEgress r : relays) {
            mask |= r.layersNeeded(this);
        }
        return mask;
    }

    synchronized void addRelay(RelayEgress r) {
        relays = CopyOnWrite.with(relays, r);
    }

    synchronized void removeRelay(RelayEgress r) {
        relays = CopyOnWrite.without(relays, r);
    }

    /**
     * Sets the SSRCs of layer {@code index} when they are known from elsewhere: a track relayed
     * from another node, whose simulcast SSRCs that node learned from the publisher's rid
     * extensions (a value below 0 leaves that SSRC as it is). Any thread, before or while packets
     * arrive.
     */
    public void setLayerSsrcs(int index, long ssrc, long rtxSsrc) {
        SimulcastLayer l = layers[index];
        if (ssrc >= 0) {
            l.ssrc = ssrc;
        }
        if (rtxSsrc >= 0) {
            l.rtxSsrc = rtxSsrc;
        }
    }

    /**
     * Gives layer {@code index} of a track relayed from another node what that node measured:
     * its resolution (kept only while this node has not read one from a keyframe itself; 0 or
     * less: unknown) and its bitrate, bits/s (0: unknown), which prices the layer until this
     * node has measured it ({@link StepLadder}). Any thread.
     */
    public void setLayerMeasurements(int index, int width, int height, long bps) {
        SimulcastLayer l = layers[index];
        if (width > 0 && height > 0 && (l.width <= 0 || l.height <= 0)) {
            l.width = width;
            l.height = height;
        }
        if (bps > 0) {
            l.originBps = bps;
        }
    }

    /** Sets who hears this track's RFC 6464 audio levels (the room's speaker detection). */
    public void setAudioLevelListener(AudioLevelListener l) {
        audioLevels = l;
    }

    void close() {
        for (SimulcastLayer l : layers) {
            l.close();
        }
    }

    /** Receives the audio level of every audio packet (publisher's executor; must not block or allocate). */
    public interface AudioLevelListener {
        void onAudioLevel(int levelMinusDbov, boolean voiceActivity, long nowNanos);
    }

    /**
     * Which of the rtp module's payload inspectors tells a codec's keyframes: VP8 (RFC 7741) and
     * H.264 (RFC 6184); the payloads of other codecs are never held back.
     */
    enum KeyframeFormat {
        VP8, H264, OTHER;

        static KeyframeFormat of(String codecName) {
            if ("VP8".equalsIgnoreCase(codecName)) {
                return VP8;
            }
            return "H264".equalsIgnoreCase(codecName) ? H264 : OTHER;
        }

        /** True when the RTP payload at {@code off}, {@code len} starts a keyframe. */
        boolean isKeyframe(byte[] b, int off, int len) {
            return switch (this) {
                case VP8 -> Vp8PayloadDescriptor.isKeyframe(b, off, len);
                case H264 -> H264Keyframes.isKeyframe(b, off, len);
                case OTHER -> true;
            };
        }
    }
}
