package dev.sfu.core.testutil;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.SdesTextExtension;

import java.util.Arrays;
import java.util.List;

/**
 * A browser publishing one VP8 track as three simulcast encodings (RFC 8853), rids q, h, f at
 * 320x180, 640x360 and 1280x720, with no SSRC in its offer: its packets carry sdes:mid (id 4)
 * and rtp-stream-id (id 10), its RTX packets sdes:mid and repaired-rtp-stream-id (id 11), until
 * told to stop ({@link Layer#announce}), as Chromium does once a receiver report arrives.
 * Packets are built with the rtp module's writers, one packet per frame:
 * <pre>
 * 12-byte RTP header (M=1), one-byte extensions (mid "1", rid), then
 * VP8 descriptor X=1 S=1 PID=0 | I L T K | M + 15-bit picture id | TL0PICIDX | TID Y KEYIDX
 * VP8 payload header: frame tag (+ start code, width, height on a key frame), 8 payload bytes
 * </pre>
 */
public final class SimulcastPublisher {
    public static final int MID_ID = 4;
    public static final int RID_ID = 10;
    public static final int RRID_ID = 11;
    public static final String MID_VALUE = "1";

    private final Participant participant;

    public SimulcastPublisher(Participant participant) {
        this.participant = participant;
    }

    public static List<HeaderExtension> extensions() {
        return List.of(new HeaderExtension(2, RoomHarness.ABS_SEND_TIME),
                new HeaderExtension(MID_ID, SdesTextExtension.MID_URI),
                new HeaderExtension(RID_ID, SdesTextExtension.RTP_STREAM_ID_URI),
                new HeaderExtension(RRID_ID, SdesTextExtension.REPAIRED_RTP_STREAM_ID_URI));
    }

    /** The simulcast video track as the offer describes it: mid "1", rids q h f, no SSRCs. */
    public static PublishedTrack track(String trackId, List<Codec> codecs) {
        return new PublishedTrack(trackId, MediaKind.VIDEO, MID_VALUE, -1, -1, codecs, extensions(), List.of("q", "h", "f"));
    }

    public void publish() {
        participant.publish(List.of(track("v-" + participant.id(), RoomHarness.vp8Codecs())));
    }

    /** Delivers a packet as the publisher's transport would, decrypted. */
    public void deliver(byte[] packet) {
        participant.endpoint().onRtp(packet, 0, packet.length);
    }

    /**
     * An RTP packet: header, then the given one-byte extensions (null to leave out), payload and
     * {@code padding} bytes of RTP padding (the last one its count).
     */
    public static byte[] packet(int pt, boolean marker, int seq, long ts, long ssrc, String mid, String rid, String rrid,
                                byte[] payload, int padding) {
        byte[] b = new byte[12 + payload.length + padding + 64];
        b[0] = (byte) (0x80 | (padding > 0 ? 0x20 : 0));
        b[1] = (byte) ((marker ? 0x80 : 0) | pt);
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        RtpFixtures.put32(b, 4, ts);
        RtpFixtures.put32(b, 8, ssrc);
        System.arraycopy(payload, 0, b, 12, payload.length);
        int len = 12 + payload.length + padding;
        if (padding > 0) {
            b[len - 1] = (byte) padding;
        }
        if (mid != null) {
            len = SdesTextExtension.add(b, 0, len, MID_ID, mid);
        }
        if (rid != null) {
            len = SdesTextExtension.add(b, 0, len, RID_ID, rid);
        }
        if (rrid != null) {
            len = SdesTextExtension.add(b, 0, len, RRID_ID, rrid);
        }
        if (len < 0) {
            throw new AssertionError("extension did not fit");
        }
        return Arrays.copyOf(b, len);
    }

    /** A VP8 payload: descriptor with every optional field, payload header, 8 bytes of "frame". */
    public static byte[] vp8Payload(boolean keyframe, int pictureId, int tl0PicIdx, int tid, int keyIdx, int width, int height) {
        byte[] b = new byte[6 + Vp8PayloadDescriptor.KEYFRAME_HEADER_LENGTH + 8];
        int n = Vp8PayloadDescriptor.write(b, 0, false, true, 0, pictureId, true, tl0PicIdx, tid, tid > 0, keyIdx);
        n += Vp8PayloadDescriptor.writePayloadHeader(b, n, keyframe, 100, width, height);
        for (int i = 0; i < 8; i++) {
            b[n + i] = (byte) (0xA0 + i);
        }
        return Arrays.copyOf(b, n + 8);
    }

    /** One encoding: its SSRCs and its own numbering (sequence, timestamp, picture id, TL0PICIDX, KEYIDX). */
    public final class Layer {
        public final String rid;
        public final long ssrc;
        public final long rtxSsrc;
        public final int width;
        public final int height;
        /** The next packet's values; tests may set them to place a wrap. */
        public int seq;
        public long ts;
        public int pictureId;
        /** The TL0PICIDX of the last base layer picture; the next TID 0 picture takes this + 1. */
        public int tl0;
        public int keyIdx;
        public int rtxSeq = 1000;
        /** Whether packets still carry mid and rid (rrid on RTX). */
        public boolean announce = true;

        public Layer(String rid, long ssrc, long rtxSsrc, int width, int height, int seq, long ts, int pictureId, int tl0) {
            this.rid = rid;
            this.ssrc = ssrc;
            this.rtxSsrc = rtxSsrc;
            this.width = width;
            this.height = height;
            this.seq = seq & 0xFFFF;
            this.ts = ts & 0xFFFFFFFFL;
            this.pictureId = pictureId & 0x7FFF;
            this.tl0 = (tl0 - 1) & 0xFF;
            this.keyIdx = 0;
        }

        /** Builds the next frame (one packet) without sending it; advances the numbering, 3000 ticks a frame. */
        public byte[] frame(boolean keyframe, int tid) {
            return frame(keyframe, tid, 0);
        }

        /** Like {@link #frame(boolean, int)}, with {@code filler} more bytes of VP8 data, to set a bitrate. */
        public byte[] frame(boolean keyframe, int tid, int filler) {
            if (tid == 0) {
                tl0 = (tl0 + 1) & 0xFF;
            }
            if (keyframe) {
                keyIdx = (keyIdx + 1) & 0x1F;
            }
            byte[] payload = vp8Payload(keyframe, pictureId, tl0, tid, keyIdx, width, height);
            if (filler > 0) {
                payload = Arrays.copyOf(payload, payload.length + filler);
            }
            byte[] p = packet(RoomHarness.VP8, true, seq, ts, ssrc, announce ? MID_VALUE : null, announce ? rid : null, null,
                    payload, 0);
            seq = (seq + 1) & 0xFFFF;
            ts = (ts + 3000) & 0xFFFFFFFFL;
            pictureId = (pictureId + 1) & 0x7FFF;
            return p;
        }

        /** Sends the next frame (TID 0) and returns its bytes. */
        public byte[] send(boolean keyframe) {
            return send(keyframe, 0);
        }

        public byte[] send(boolean keyframe, int tid) {
            return send(keyframe, tid, 0);
        }

        /** Sends the next frame with {@code filler} more bytes of VP8 data (see {@link #frame(boolean, int, int)}). */
        public byte[] send(boolean keyframe, int tid, int filler) {
            byte[] p = frame(keyframe, tid, filler);
            deliver(p);
            return p;
        }

        /** The RTX packet (RFC 4588 section 4) retransmitting {@code original}: OSN, then its payload. */
        public byte[] rtx(byte[] original) {
            int h = RtpPacket.validHeaderLength(original, 0, original.length);
            byte[] payload = new byte[original.length - h + 2];
            payload[0] = original[2];
            payload[1] = original[3];
            System.arraycopy(original, h, payload, 2, original.length - h);
            byte[] p = packet(RoomHarness.VP8_RTX, true, rtxSeq, RtpFixtures.ts(original), rtxSsrc,
                    announce ? MID_VALUE : null, null, announce ? rid : null, payload, 0);
            rtxSeq = (rtxSeq + 1) & 0xFFFF;
            return p;
        }
    }
}
