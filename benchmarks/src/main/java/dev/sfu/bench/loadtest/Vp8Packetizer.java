package dev.sfu.bench.loadtest;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

/**
 * Splits one synthetic VP8 frame into RTP payloads as a browser would (RFC 7741 section 4):
 * every packet starts with a payload descriptor carrying the 15-bit picture id (and, for a
 * simulcast layer with temporal layers, TL0PICIDX and TID/Y: 6 bytes instead of 4), S=1 and
 * PID=0 on the first packet only; the first packet then holds the VP8 payload header (RFC 6386
 * section 9.1: frame tag with P=0 and the start code, width, height for a key frame). Every
 * payload ends with a {@link ProbeTrailer}, written by the caller.
 *
 * <p>{@code frameBytes} counts the VP8 frame data (payload header included); it is spread evenly
 * over the fewest packets that keep each RTP packet within {@code maxPacketSize}.
 */
public final class Vp8Packetizer {
    /** The descriptor length without temporal layers (X, I with a 15-bit picture id). */
    public static final int DESCRIPTOR_LENGTH = 4;
    /** The descriptor length with temporal layers (X, I with a 15-bit picture id, L, T). */
    public static final int TEMPORAL_DESCRIPTOR_LENGTH = 6;
    /** Payload bytes per packet that are not frame data, without temporal layers: descriptor and trailer. */
    public static final int OVERHEAD = DESCRIPTOR_LENGTH + ProbeTrailer.LENGTH;

    private final int maxPacketSize;
    private final int width;
    private final int height;
    private final boolean temporalLayers;

    public Vp8Packetizer(int maxPacketSize, int width, int height) {
        this(maxPacketSize, width, height, false);
    }

    /** @param temporalLayers write TL0PICIDX and TID/Y in every descriptor */
    public Vp8Packetizer(int maxPacketSize, int width, int height, boolean temporalLayers) {
        this.maxPacketSize = maxPacketSize;
        this.width = width;
        this.height = height;
        this.temporalLayers = temporalLayers;
    }

    /** Payload bytes per packet that are not frame data: descriptor and trailer. */
    public int overhead() {
        return (temporalLayers ? TEMPORAL_DESCRIPTOR_LENGTH : DESCRIPTOR_LENGTH) + ProbeTrailer.LENGTH;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The number of packets for a frame of {@code frameBytes} after an RTP header of {@code headerLength}. */
    public int packetCount(int frameBytes, int headerLength) {
        int capacity = maxPacketSize - headerLength - overhead();
        if (capacity <= Vp8PayloadDescriptor.KEYFRAME_HEADER_LENGTH) {
            throw new IllegalArgumentException("max packet size " + maxPacketSize + " leaves no room for data");
        }
        return Math.max(1, (frameBytes + capacity - 1) / capacity);
    }

    /** The smallest frame size the packetizer accepts: a key frame's payload header. */
    public static int minFrameBytes() {
        return Vp8PayloadDescriptor.KEYFRAME_HEADER_LENGTH;
    }

    /** {@link #writePayload(byte[], int, int, int, int, boolean, int, Vp8TemporalPattern)} without temporal layers. */
    public int writePayload(byte[] b, int off, int frameBytes, int index, int count, boolean keyframe, int pictureId) {
        return writePayload(b, off, frameBytes, index, count, keyframe, pictureId, null);
    }

    /**
     * Writes the payload of packet {@code index} of {@code count} at {@code off}, leaving the
     * last {@link ProbeTrailer#LENGTH} bytes for the trailer (their content is not written).
     * Filler bytes are left as they are in the buffer.
     *
     * @param temporal the current frame's temporal layer fields; required when this packetizer
     *                 writes temporal layers, ignored otherwise
     * @return the payload length, trailer included
     */
    public int writePayload(byte[] b, int off, int frameBytes, int index, int count, boolean keyframe, int pictureId,
                            Vp8TemporalPattern temporal) {
        frameBytes = Math.max(frameBytes, minFrameBytes());
        int data = frameBytes / count + (index < frameBytes % count ? 1 : 0);
        boolean first = index == 0;
        int n = temporalLayers
                ? Vp8PayloadDescriptor.write(b, off, temporal.nonReference(), first, 0, pictureId & 0x7FFF, true,
                        temporal.tl0PicIdx(), temporal.temporalLayer(), temporal.layerSync(), -1)
                : Vp8PayloadDescriptor.write(b, off, false, first, 0, pictureId & 0x7FFF, true, -1, -1, false, -1);
        if (first) {
            int header = Vp8PayloadDescriptor.writePayloadHeader(b, off + n, keyframe, Math.max(0, data - 10),
                    width, height);
            data = Math.max(data, header);
        }
        return n + data + ProbeTrailer.LENGTH;
    }
}
