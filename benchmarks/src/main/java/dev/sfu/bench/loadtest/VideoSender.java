package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;

import java.util.Random;

/**
 * Synthetic VP8 video: frames at a fixed rate whose sizes give the configured bitrate (a key
 * frame is {@link #KEYFRAME_FACTOR} times a delta frame), split by {@link Vp8Packetizer} with
 * the marker bit on each frame's last packet. A key frame every {@code keyframeInterval} and on
 * the server's PLI/FIR (at most one per {@link #MIN_KEYFRAME_GAP_NANOS}). NACKed packets are
 * retransmitted from a {@link SendHistory}, as RTX (RFC 4588: new SSRC and sequence, the
 * original sequence number first in the payload) when RTX was negotiated.
 */
public final class VideoSender extends OutboundStream {
    public static final int KEYFRAME_FACTOR = 3;
    public static final long MIN_KEYFRAME_GAP_NANOS = 100_000_000L;
    private static final long MAX_RETRANSMIT_AGE_NANOS = 1_000_000_000L;
    private static final int HISTORY = 512;

    private final Vp8Packetizer packetizer;
    private final int maxPacketSize;
    private final long frameIntervalNanos;
    private final int fps;
    private final int frameBytes;
    private final long keyframeIntervalNanos;
    private final int rtxPayloadType;
    private final int rtxSsrc;
    private final int headerLength;
    private final SendHistory history;
    private final int[] nackQueue = new int[256];
    private int nackHead;
    private int nackTail;
    private int rtxSequence;
    private int pictureId;
    private long frames;
    private long lastKeyframeNanos = Long.MIN_VALUE / 2;
    private volatile boolean keyframeRequested = true;
    private volatile long keyframes;
    private volatile long keyframeRequests;
    private volatile long retransmissions;
    private volatile long nacksMissed;

    /**
     * @param rtxPayloadType the RTX payload type, or -1 to resend on the media SSRC
     * @param rtxSsrc        the RTX SSRC (ignored without RTX)
     */
    public VideoSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname, long startNanos,
                       Random random, int kbps, int fps, long keyframeIntervalNanos, int maxPacketSize,
                       int rtxPayloadType, int rtxSsrc) {
        super(sink, info, extensions, cname, 90000, startNanos, random);
        this.maxPacketSize = maxPacketSize;
        this.packetizer = new Vp8Packetizer(maxPacketSize, 640, 360);
        this.frameIntervalNanos = 1_000_000_000L / fps;
        this.fps = fps;
        int avg = (int) ((long) kbps * 1000 / 8 / fps);
        // Key frames are bigger; shrink delta frames so that the average stays near the target.
        double framesPerKey = Math.max(1.0, keyframeIntervalNanos / (double) frameIntervalNanos);
        this.frameBytes = Math.max(Vp8Packetizer.minFrameBytes(),
                (int) (avg * framesPerKey / (framesPerKey - 1 + KEYFRAME_FACTOR)));
        this.keyframeIntervalNanos = keyframeIntervalNanos;
        this.rtxPayloadType = rtxPayloadType;
        this.rtxSsrc = rtxSsrc;
        this.headerLength = extensions.headerLength(mid);
        this.history = new SendHistory(HISTORY, maxPacketSize + 2);
        this.rtxSequence = random.nextInt(0x8000);
        this.pictureId = random.nextInt(0x7FFF);
    }

    /** Bytes of a delta frame. */
    public int frameBytes() {
        return frameBytes;
    }

    @Override
    public void onDue(long now, byte[] b) {
        nextDue += frameIntervalNanos;
        boolean key = now - lastKeyframeNanos >= keyframeIntervalNanos
                || (keyframeRequested && now - lastKeyframeNanos >= MIN_KEYFRAME_GAP_NANOS);
        if (key) {
            keyframeRequested = false;
            lastKeyframeNanos = now;
            keyframes++;
        }
        int size = key ? frameBytes * KEYFRAME_FACTOR : frameBytes;
        int count = packetizer.packetCount(size, headerLength);
        long ts = timestampAfter(frames++ * 90000 / fps);
        int picture = pictureId;
        pictureId = (pictureId + 1) & 0x7FFF;
        for (int i = 0; i < count; i++) {
            int h = extensions.writeHeader(b, 0, i == count - 1, info.payloadType(), sequence, ts, info.ssrc(), mid,
                    System.nanoTime(), sink.nextTransportSequence());
            int payload = packetizer.writePayload(b, h, size, i, count, key, picture);
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
            if (rtxPayloadType >= 0) {
                // RFC 4588 section 4: same header with the RTX SSRC, payload type and sequence,
                // then the original sequence number, then the original payload.
                System.arraycopy(p, 0, b, 0, h);
                RtpPacket.setPayloadType(b, 0, rtxPayloadType);
                RtpPacket.setSsrc(b, 0, rtxSsrc);
                RtpPacket.setSequenceNumber(b, 0, rtxSequence);
                rtxSequence = (rtxSequence + 1) & 0xFFFF;
                b[h] = (byte) (seq >>> 8);
                b[h + 1] = (byte) seq;
                System.arraycopy(p, h, b, h + 2, len - h);
                out = len + 2;
            } else {
                System.arraycopy(p, 0, b, 0, len);
                out = len;
            }
            retransmissions++;
            send(b, out, out - h);
        }
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
