package dev.sfu.bench.loadtest;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

import dev.sfu.rtp.RtpPacket;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * The receiving side of one synthetic participant: decrypted RTP from its transport is mapped
 * to the publisher stream named by the packet's {@link ProbeTrailer} and measured there
 * ({@link StreamReceiveStats}); one-way latency goes to an HdrHistogram {@link Recorder} in
 * microseconds. The per-packet path allocates nothing once a stream's first packet arrived.
 * Runs on the transport's serial thread; readers use the volatile counters and
 * {@link #latencyRecorder()}.
 *
 * <p>A remote video track arrives as one RTP stream whatever simulcast layer the server forwards;
 * each layer has its own probe stream id ({@link StreamIds}), so loss is counted per layer and
 * a switch back to a layer starts a new segment of it ({@link StreamReceiveStats#startSegment}).
 * NACKs and receiver reports follow the track. With layer tracking on, a {@link LayerTracker}
 * per video track tells the layer from the key frames' width.
 */
public final class MediaReceiver {
    /** Latencies above this (µs) are recorded as this. */
    public static final long MAX_LATENCY_MICROS = 60_000_000L;

    private final AtomicReferenceArray<StreamReceiveStats> streams;
    private final StreamIds ids;
    /** By track id: the layer stream id received last, -1 before one (simulcast only). */
    private final AtomicIntegerArray currentLayerStream;
    /** By track id, or null without layer tracking. */
    private final AtomicReferenceArray<LayerTracker> layers;
    private final IntFunction<StreamCheck> check;
    private final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
    private volatile long rtxMaskLow;
    private volatile long rtxMaskHigh;
    private volatile long packets;
    private volatile long bytes;
    private volatile long foreign;
    private volatile long firstMediaNanos;
    /** NACKs and receiver reports for what arrives, or null (not sent). */
    private volatile ReceiverFeedback feedback;

    /** Called on a stream's first packet: is its SSRC the one signalled for that publisher? */
    public interface StreamCheck {
        /** Returns true when the SSRC was announced for this stream's publisher. */
        boolean matches(int ssrc);
    }

    /**
     * @param streamCount run-wide number of publisher streams (ids 0 .. count-1)
     * @param check       the per-stream routing check for a stream id, or null to skip it
     */
    public MediaReceiver(int streamCount, IntFunction<StreamCheck> check) {
        this(StreamIds.SINGLE, streamCount, check, false);
    }

    /**
     * @param ids         the run's stream numbering
     * @param streamCount run-wide number of publisher streams (ids 0 .. count-1)
     * @param check       the per-stream routing check for a stream id, or null to skip it
     * @param trackLayers keep a {@link LayerTracker} per video track
     */
    public MediaReceiver(StreamIds ids, int streamCount, IntFunction<StreamCheck> check, boolean trackLayers) {
        this.streams = new AtomicReferenceArray<>(streamCount);
        this.ids = ids;
        this.currentLayerStream = new AtomicIntegerArray(ids == StreamIds.SIMULCAST ? streamCount : 0);
        for (int i = 0; i < currentLayerStream.length(); i++) {
            currentLayerStream.set(i, -1);
        }
        this.layers = trackLayers ? new AtomicReferenceArray<>(streamCount) : null;
        this.check = check;
    }

    /** Sends NACKs and receiver reports from now on for the RTP sequence numbers that arrive. */
    void feedTo(ReceiverFeedback f) {
        this.feedback = f;
    }

    /** Declares an RTX payload type (from the server's offers). */
    public synchronized void addRtxPayloadType(int pt) {
        if (pt < 64) {
            rtxMaskLow |= 1L << pt;
        } else if (pt < 128) {
            rtxMaskHigh |= 1L << (pt - 64);
        }
    }

    private boolean isRtx(int pt) {
        return pt < 64 ? (rtxMaskLow & (1L << pt)) != 0 : (rtxMaskHigh & (1L << (pt - 64))) != 0;
    }

    /** One decrypted RTP packet received at {@code now}. */
    public void onRtp(byte[] buf, int off, int len, long now) {
        int h = RtpPacket.validHeaderLength(buf, off, len);
        if (h < 0) {
            foreign++;
            return;
        }
        int end = off + len - (RtpPacket.hasPadding(buf, off) ? buf[off + len - 1] & 0xFF : 0);
        int payload = end - off - h;
        int pt = RtpPacket.payloadType(buf, off);
        boolean rtx = isRtx(pt);
        if (payload < ProbeTrailer.LENGTH + (rtx ? 2 : 0)) {
            foreign++;
            return;
        }
        int id = ProbeTrailer.streamId(buf, end);
        if (id < 0 || id >= streams.length()) {
            foreign++;
            return;
        }
        if (firstMediaNanos == 0) {
            firstMediaNanos = now;
        }
        int ssrc = RtpPacket.ssrc(buf, off);
        StreamReceiveStats s = streams.get(id);
        if (s == null) {
            s = new StreamReceiveStats(id, rtx ? 0 : ssrc);
            if (!rtx && check != null) {
                StreamCheck c = check.apply(id);
                if (c != null && !c.matches(ssrc)) {
                    s.onMisrouted();
                }
            }
            streams.set(id, s);
        } else if (!rtx && s.ssrc() != ssrc && s.ssrc() != 0) {
            s.onMisrouted();
        }
        int track = ids.trackOf(id);
        if (!rtx && track < currentLayerStream.length() && ids.layerOf(id) != null) {
            int last = currentLayerStream.get(track);
            if (last != id) {
                s.startSegment();
                currentLayerStream.set(track, id);
            }
        }
        if (layers != null && ids.isVideo(id)) {
            LayerTracker t = layers.get(track);
            if (t == null) {
                t = new LayerTracker();
                layers.set(track, t);
            }
            t.onPacket(rtx ? -1 : Vp8PayloadDescriptor.keyframeWidth(buf, off + h, end - off - h), len, id, rtx, now);
        }
        ReceiverFeedback f = feedback;
        if (f != null) {
            if (rtx) {
                f.onRetransmission(track, ((buf[off + h] & 0xFF) << 8) | (buf[off + h + 1] & 0xFF));
            } else {
                f.onOriginal(track, ssrc, RtpPacket.sequenceNumber(buf, off), now);
            }
        }
        packets++;
        bytes += len;
        long transit = now - ProbeTrailer.sendNanos(buf, end);
        boolean fresh = s.onPacket(ProbeTrailer.sequence(buf, end), transit, rtx, len);
        if (fresh && !rtx) {
            long micros = Math.max(0, Math.min(MAX_LATENCY_MICROS, transit / 1000));
            latency.recordValue(micros);
        }
    }

    /** A decrypted packet that was not RTP for a stream of this run. */
    public void onForeign() {
        foreign++;
    }

    public Recorder latencyRecorder() {
        return latency;
    }

    /** The stats of stream {@code id}, or null before its first packet. */
    public StreamReceiveStats stream(int id) {
        return streams.get(id);
    }

    public int streamCapacity() {
        return streams.length();
    }

    /** The layer tracker of video track {@code track}, or null (no packet yet, or no layer tracking). */
    public LayerTracker layerTracker(int track) {
        return layers == null ? null : layers.get(track);
    }

    /** The simulcast layer stream last received on video track {@code track}, or -1. */
    public int currentLayerStream(int track) {
        return track < currentLayerStream.length() ? currentLayerStream.get(track) : -1;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long foreign() {
        return foreign;
    }

    /** System.nanoTime of the first media packet, 0 before. */
    public long firstMediaNanos() {
        return firstMediaNanos;
    }
}
