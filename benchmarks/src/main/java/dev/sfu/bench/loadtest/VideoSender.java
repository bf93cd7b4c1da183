package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;

import java.util.Random;

/**
 * Synthetic VP8 video, one encoding: frames at a fixed rate whose sizes give the configured
 * bitrate (a key frame is {@link #KEYFRAME_FACTOR} times a delta frame), split by
 * {@link Vp8Packetizer} with the marker bit on each frame's last packet. A key frame every
 * {@code keyframeInterval} and on the server's PLI/FIR (at most one per
 * {@link #MIN_KEYFRAME_GAP_NANOS}). NACKed packets are retransmitted from a {@link SendHistory},
 * as RTX (RFC 4588: new SSRC and sequence, the original sequence number first in the payload)
 * when RTX was negotiated.
 *
 * <p>An encoding with a rid is one simulcast layer (RFC 8853), sent as Chromium sends it: its
 * own SSRC, sequence, timestamp offset and picture ids; the rtp-stream-id and mid header
 * extensions on every packet until a receiver report block for its SSRC arrives (the server
 * then knows the SSRC), and repaired-rtp-stream-id with mid on its RTX until a block names the
 * RTX SSRC; VP8 temporal layers ({@link Vp8TemporalPattern}). Dynacast stops and resumes it
 * ({@link #setActive}); it resumes with a key frame. A stream without a rid sends mid on every
 * packet, as before.
 */
public final class VideoSender extends OutboundStream {
    public static final int KEYFRAME_FACTOR = 3;
    public static final long MIN_KEYFRAME_GAP_NANOS = 100_000_000L;
    private static final long MAX_RETRANSMIT_AGE_NANOS = 1_000_000_000L;
    private static final int HISTORY = 512;

    /**
     * What one encoding sends.
     *
     * @param rid            the simulcast rid, or null for a single stream
     * @param width          the width in its key frames
     * @param height         the height in its key frames
     * @param kbps           its bitrate
     * @param temporalLayers VP8 temporal layers 0, 2, 1, 2 in the payload descriptors
     */
    public record Encoding(String rid, int width, int height, int kbps, boolean temporalLayers) {
        /** The single stream of a publisher without simulcast: 640x360, no temporal layers. */
        public static Encoding single(int kbps) {
            return new Encoding(null, 640, 360, kbps, false);
        }

        /** One simulcast layer with three temporal layers. */
        public static Encoding layer(SimulcastLayer layer, int kbps) {
            return new Encoding(layer.rid(), layer.width(), layer.height(), kbps, true);
        }
    }

    private final Encoding encoding;
    private final Vp8Packetizer packetizer;
    private final Vp8TemporalPattern temporal;
    private final byte[] rid;
    private final int maxPacketSize;
    private final long frameIntervalNanos;
    private final int fps;
    private final int frameBytes;
    private final long keyframeIntervalNanos;
    private final int rtxPayloadType;
    private final int rtxSsrc;
    private final SendHistory history;
    private final int[] nackQueue = new int[256];
    private int nackHead;
    private int nackTail;
    private int rtxSequence;
    private int pictureId;
    private long frames;
    private long lastKeyframeNanos = Long.MIN_VALUE / 2;
    /** The scheduler thread's view: frames were skipped while inactive, so the next one is a key frame. */
    private boolean wasInactive;
    private volatile boolean active = true;
    private volatile boolean mediaAcknowledged;
    private volatile boolean rtxAcknowledged;
    private volatile boolean keyframeRequested = true;
    private volatile long keyframes;
    private volatile long keyframeRequests;
    private volatile long retransmissions;
    private volatile long nacksMissed;
    private volatile long stops;
    private volatile long resumes;

    /**
     * A single stream of 640x360 frames.
     *
     * @param rtxPayloadType the RTX payload type, or -1 to resend on the media SSRC
     * @param rtxSsrc        the RTX SSRC (ignored without RTX)
     */
    public VideoSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname, long startNanos,
                       Random random, int kbps, int fps, long keyframeIntervalNanos, int maxPacketSize,
                       int rtxPayloadType, int rtxSsrc) {
        this(sink, info, extensions, cname, startNanos, random, Encoding.single(kbps), fps, keyframeIntervalNanos,
                maxPacketSize, rtxPayloadType, rtxSsrc);
    }

    /**
     * One encoding.
     *
     * @param rtxPayloadType the RTX payload type, or -1 to resend on the media SSRC
     * @param rtxSsrc        the RTX SSRC (ignored without RTX)
     */
    public VideoSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname, long startNanos,
                       Random random, Encoding encoding, int fps, long keyframeIntervalNanos, int maxPacketSize,
                       int rtxPayloadType, int rtxSsrc) {
        super(sink, info, extensions, cname, 90000, startNanos, random);
        this.encoding = encoding;
        this.maxPacketSize = maxPacketSize;
        this.packetizer = new Vp8Packetizer(maxPacketSize, encoding.width(), encoding.height(),
                encoding.temporalLayers());
        this.temporal = encoding.temporalLayers() ? new Vp8TemporalPattern(random.nextInt(256)) : null;
        this.rid = HeaderExtensionIds.ascii(encoding.rid());
        this.frameIntervalNanos = 1_000_000_000L / fps;
        this.fps = fps;
        int avg = (int) ((long) encoding.kbps() * 1000 / 8 / fps);
        // Key frames are bigger; shrink delta frames so that the average stays near the target.
        double framesPerKey = Math.max(1.0, keyframeIntervalNanos / (double) frameIntervalNanos);
        this.frameBytes = Math.max(Vp8Packetizer.minFrameBytes(),
                (int) (avg * framesPerKey / (framesPerKey - 1 + KEYFRAME_FACTOR)));
        this.keyframeIntervalNanos = keyframeIntervalNanos;
        this.rtxPayloadType = rtxPayloadType;
        this.rtxSsrc = rtxSsrc;
        this.history = new SendHistory(HISTORY, maxPacketSize + 2);
        this.rtxSequence = random.nextInt(0x8000);
        this.pictureId = random.nextInt(0x7FFF);
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Bytes of a delta frame. */
    public int frameBytes() {
        return frameBytes;
    }

    public int rtxSsrc() {
        return rtxSsrc;
    }

    @Override
    public void onDue(long now, byte[] b) {
        nextDue += frameIntervalNanos;
        // Capture time runs on while the encoding is stopped, as a camera's does.
        long ts = timestampAfter(frames++ * 90000 / fps);
        if (!active) {
            wasInactive = true;
            return;
        }
        boolean resumed = wasInactive;
        wasInactive = false;
        boolean key = resumed || now - lastKeyframeNanos >= keyframeIntervalNanos
                || (keyframeRequested && now - lastKeyframeNanos >= MIN_KEYFRAME_GAP_NANOS);
        if (key) {
            keyframeRequested = false;
            lastKeyframeNanos = now;
            keyframes++;
        }
        if (temporal != null) {
            temporal.nextFrame(key);
        }
        boolean sdes = !isLayer() || !mediaAcknowledged;
        byte[] m = sdes ? mid : HeaderExtensionIds.NONE;
        byte[] r = sdes ? rid : HeaderExtensionIds.NONE;
        int size = key ? frameBytes * KEYFRAME_FACTOR : frameBytes;
        int count = packetizer.packetCount(size, extensions.headerLength(m, r, false));
        int picture = pictureId;
        pictureId = (pictureId + 1) & 0x7FFF;
        for (int i = 0; i < count; i++) {
            int h = extensions.writeHeader(b, 0, i == count - 1, info.payloadType(), sequence, ts, info.ssrc(), m, r,
                    false, System.nanoTime(), sink.nextTransportSequence());
            int payload = packetizer.writePayload(b, h, size, i, count, key, picture, temporal);
            int len = h + payload;
            long sendNanos = System.nanoTime();
            ProbeTrailer.write(b, len, info.streamId(), probeSequence++, sendNanos);
            history.store(sequence, b, 0, len, h, sendNanos);
            sequence = (sequence + 1) & 0xFFFF;
            send(b, len, payload);
        }
    }

    @Override
    public void service(long now, byte[] b) {
        super.service(now, b);
        int seq;
        while ((seq = pollNack()) >= 0) {
            int slot = history.find(seq, now, MAX_RETRANSMIT_AGE_NANOS);
            if (slot < 0) {
                nacksMissed++;
                continue;
            }
            byte[] p = history.packet(slot);
            int len = history.length(slot);
            int h = history.headerLength(slot);
            int out;
            int header;
            if (rtxPayloadType >= 0) {
                // RFC 4588 section 4: a header with the RTX SSRC, payload type and sequence (a
                // layer's RTX names its layer in repaired-rtp-stream-id, RFC 8852 section 3.2),
                // then the original sequence number, then the original payload.
                boolean sdes = !isLayer() || !rtxAcknowledged;
                header = extensions.writeHeader(b, 0, RtpPacket.marker(p, 0), rtxPayloadType, rtxSequence,
                        RtpPacket.timestamp(p, 0), rtxSsrc, sdes ? mid : HeaderExtensionIds.NONE,
                        sdes ? rid : HeaderExtensionIds.NONE, true, System.nanoTime(), sink.nextTransportSequence());
                rtxSequence = (rtxSequence + 1) & 0xFFFF;
                b[header] = (byte) (seq >>> 8);
                b[header + 1] = (byte) seq;
                System.arraycopy(p, h, b, header + 2, len - h);
                out = header + 2 + len - h;
            } else {
                System.arraycopy(p, 0, b, 0, len);
                header = h;
                out = len;
            }
            retransmissions++;
            send(b, out, out - header);
        }
    }

    @Override
    protected boolean reporting() {
        return active;
    }

    @Override
    public void requestKeyframe() {
        keyframeRequests++;
        keyframeRequested = true;
    }

    @Override
    public synchronized void nack(int seq) {
        int next = (nackTail + 1) & (nackQueue.length - 1);
        if (next == nackHead) {
            return;
        }
        nackQueue[nackTail] = seq & 0xFFFF;
        nackTail = next;
    }

    private synchronized int pollNack() {
        if (nackHead == nackTail) {
            return -1;
        }
        int s = nackQueue[nackHead];
        nackHead = (nackHead + 1) & (nackQueue.length - 1);
        return s;
    }

    /** True for a simulcast layer (an encoding with a rid). */
    public boolean isLayer() {
        return rid.length > 0;
    }

    /**
     * A report block from the server named {@code ssrc} (transport thread): a layer stops sending
     * mid and rid on that SSRC, as Chromium does once the receiver has acknowledged it.
     */
    public void onReportBlock(long ssrc) {
        if ((info.ssrc() & 0xFFFFFFFFL) == ssrc) {
            mediaAcknowledged = true;
        } else if (rtxPayloadType >= 0 && (rtxSsrc & 0xFFFFFFFFL) == ssrc) {
            rtxAcknowledged = true;
        }
    }

    /**
     * Dynacast (signaling thread): an inactive encoding sends nothing (no frames, no sender
     * reports); when it becomes active again its next frame is a key frame.
     */
    public void setActive(boolean on) {
        if (on == active) {
            return;
        }
        active = on;
        if (on) {
            resumes++;
        } else {
            stops++;
        }
    }

    public boolean active() {
        return active;
    }

    /** Times dynacast stopped this encoding. */
    public long stops() {
        return stops;
    }

    /** Times dynacast resumed it. */
    public long resumes() {
        return resumes;
    }

    public long keyframes() {
        return keyframes;
    }

    public long keyframeRequests() {
        return keyframeRequests;
    }

    public long retransmissions() {
        return retransmissions;
    }

    public long nacksMissed() {
        return nacksMissed;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }
}
