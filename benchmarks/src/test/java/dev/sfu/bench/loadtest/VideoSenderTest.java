package dev.sfu.bench.loadtest;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.AbsSendTimeExtension;
import dev.sfu.rtp.ext.HeaderExtensions;
import dev.sfu.rtp.ext.SdesTextExtension;
import dev.sfu.rtp.ext.TransportCcExtension;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic VP8 sender, its packets parsed back with the rtp module (RFC 7741, RFC 4588). */
class VideoSenderTest {
    private static final long SEC = 1_000_000_000L;
    private final CapturingSink sink = new CapturingSink();
    private final byte[] scratch = new byte[1600];

    private VideoSender sender(int kbps, int fps, int rtxPt) {
        return new VideoSender(sink, new OutboundStream.StreamInfo(7, 0x11223344, 96, "1"), ClientSdp.EXTENSION_IDS,
                "cname-x", 0, new Random(1), kbps, fps, 5 * SEC, 1200, rtxPt, 0x55667788);
    }

    private static List<RtpPacket> parse(List<byte[]> raw) {
        List<RtpPacket> out = new ArrayList<>();
        for (byte[] b : raw) {
            RtpPacket p = new RtpPacket();
            assertTrue(p.wrap(b, 0, b.length), "valid RTP");
            out.add(p);
        }
        return out;
    }

    @Test
    void firstFrameIsAKeyframeSplitIntoValidVp8PacketsOfAtMost1200Bytes() {
        VideoSender v = sender(2000, 30, 97);
        v.onDue(0, scratch);
        List<RtpPacket> ps = parse(sink.rtp);
        assertTrue(ps.size() >= 2, "a 3x key frame of 2 Mbps at 30 fps spans several packets");
        int picture = -1;
        for (int i = 0; i < ps.size(); i++) {
            RtpPacket p = ps.get(i);
            byte[] b = p.buffer();
            assertTrue(p.length() <= 1200, "packet " + i + " is " + p.length() + " bytes");
            assertEquals(96, p.payloadType());
            assertEquals(0x11223344, p.ssrc());
            assertEquals(i == ps.size() - 1, p.marker(), "marker only on the frame's last packet");
            assertEquals(ps.get(0).timestamp(), p.timestamp(), "one timestamp per frame");
            assertEquals((ps.get(0).sequenceNumber() + i) & 0xFFFF, p.sequenceNumber());
            int po = p.payloadOffset();
            int pl = p.payloadLength();
            assertEquals(4, Vp8PayloadDescriptor.length(b, po, pl));
            assertTrue(Vp8PayloadDescriptor.hasLongPictureId(b, po, pl));
            if (i == 0) {
                picture = Vp8PayloadDescriptor.pictureId(b, po, pl);
            }
            assertEquals(picture, Vp8PayloadDescriptor.pictureId(b, po, pl));
            assertEquals(i == 0, Vp8PayloadDescriptor.isStartOfFrame(b, po, pl));
            assertEquals(i == 0, Vp8PayloadDescriptor.isKeyframe(b, po, pl));
            int end = po + pl;
            assertEquals(7, ProbeTrailer.streamId(b, end));
            assertEquals(i, ProbeTrailer.sequence(b, end));
            assertTrue(ProbeTrailer.sendNanos(b, end) > 0);
            assertEquals("1", SdesTextExtension.read(b, 0, p.length(), ClientSdp.EXTENSION_IDS.midId()));
            assertTrue(AbsSendTimeExtension.read(b, 0, p.length(), ClientSdp.EXTENSION_IDS.absSendTimeId()) >= 0);
            assertEquals(i, TransportCcExtension.read(b, 0, p.length(), ClientSdp.EXTENSION_IDS.transportCcId()));
            assertTrue(HeaderExtensions.find(b, 0, p.length(), 9) < 0, "no extension with an unused id");
        }
    }

    @Test
    void deltaFramesFollowWithTheNextPictureIdAndNoKeyframeFlag() {
        VideoSender v = sender(500, 30, 97);
        v.onDue(0, scratch);
        int firstFramePackets = sink.rtp.size();
        RtpPacket key = parse(sink.rtp).get(0);
        int keyPicture = Vp8PayloadDescriptor.pictureId(key.buffer(), key.payloadOffset(), key.payloadLength());
        v.onDue(SEC / 30, scratch);
        RtpPacket delta = parse(sink.rtp.subList(firstFramePackets, sink.rtp.size())).get(0);
        byte[] b = delta.buffer();
        assertTrue(Vp8PayloadDescriptor.isStartOfFrame(b, delta.payloadOffset(), delta.payloadLength()));
        assertFalse(Vp8PayloadDescriptor.isKeyframe(b, delta.payloadOffset(), delta.payloadLength()));
        assertEquals((keyPicture + 1) & 0x7FFF,
                Vp8PayloadDescriptor.pictureId(b, delta.payloadOffset(), delta.payloadLength()));
        assertEquals(3000, delta.timestamp() - key.timestamp(), "90 kHz clock, 30 fps");
    }

    @Test
    void averageBitrateIsNearTheTarget() {
        VideoSender v = sender(500, 30, 97);
        long bytes = 0;
        for (int f = 0; f < 300; f++) {
            v.onDue(f * SEC / 30, scratch);
        }
        for (byte[] p : sink.rtp) {
            bytes += p.length;
        }
        double kbps = bytes * 8 / 10.0 / 1000;
        assertTrue(kbps > 450 && kbps < 600, "10 s of video at " + kbps + " kbps");
        assertEquals(2, v.keyframes(), "one at start, one after 5 s");
    }

    @Test
    void pliMakesTheNextFrameAKeyframe() {
        VideoSender v = sender(500, 30, 97);
        v.onDue(0, scratch);
        v.onDue(SEC, scratch);
        int before = sink.rtp.size();
        v.requestKeyframe();
        v.onDue(SEC + SEC / 30, scratch);
        RtpPacket p = parse(sink.rtp.subList(before, sink.rtp.size())).get(0);
        assertTrue(Vp8PayloadDescriptor.isKeyframe(p.buffer(), p.payloadOffset(), p.payloadLength()));
        assertEquals(2, v.keyframes());
        assertEquals(1, v.keyframeRequests());
    }

    @Test
    void nackedPacketIsResentAsRtxWithTheOriginalSequenceFirst() {
        VideoSender v = sender(500, 30, 97);
        v.onDue(0, scratch);
        RtpPacket original = parse(sink.rtp).get(1);
        int before = sink.rtp.size();
        v.nack(original.sequenceNumber());
        v.nack(12345);
        v.service(1000, scratch);
        assertEquals(before + 1, sink.rtp.size(), "one resend; the unknown sequence is skipped");
        assertEquals(1, v.nacksMissed());
        RtpPacket rtx = parse(sink.rtp.subList(before, before + 1)).get(0);
        assertEquals(97, rtx.payloadType());
        assertEquals(0x55667788, rtx.ssrc());
        byte[] b = rtx.buffer();
        int osn = ((b[rtx.payloadOffset()] & 0xFF) << 8) | (b[rtx.payloadOffset() + 1] & 0xFF);
        assertEquals(original.sequenceNumber(), osn, "RFC 4588 section 4: OSN first");
        assertEquals(original.payloadLength() + 2, rtx.payloadLength());
        int end = rtx.payloadOffset() + rtx.payloadLength();
        assertEquals(1, ProbeTrailer.sequence(b, end), "the original trailer travels unchanged");
        assertEquals(1, v.retransmissions());
    }

    @Test
    void withoutRtxTheSamePacketIsResentOnTheMediaSsrc() {
        VideoSender v = sender(500, 30, -1);
        v.onDue(0, scratch);
        byte[] original = sink.rtp.get(0);
        v.nack(RtpPacket.sequenceNumber(original, 0));
        v.service(1000, scratch);
        assertEquals(java.util.Arrays.toString(original), java.util.Arrays.toString(sink.rtp.get(sink.rtp.size() - 1)));
    }

    @Test
    void aSingleStreamSendsNoRidAndKeepsItsMidAfterReportBlocks() {
        VideoSender v = sender(500, 30, 97);
        assertFalse(v.isLayer());
        v.onReportBlock(0x11223344L);
        v.onDue(0, scratch);
        byte[] b = sink.rtp.get(0);
        assertEquals("1", SdesTextExtension.read(b, 0, b.length, ClientSdp.EXTENSION_IDS.midId()));
        assertTrue(HeaderExtensions.find(b, 0, b.length, ClientSdp.EXTENSION_IDS.ridId()) < 0);
        RtpPacket p = parse(sink.rtp).get(0);
        assertEquals(4, Vp8PayloadDescriptor.length(p.buffer(), p.payloadOffset(), p.payloadLength()),
                "no temporal layer fields without simulcast");
        assertEquals(-1, Vp8PayloadDescriptor.temporalLayer(p.buffer(), p.payloadOffset(), p.payloadLength()));
        assertEquals(640, Vp8PayloadDescriptor.keyframeWidth(p.buffer(), p.payloadOffset(), p.payloadLength()));
    }

    @Test
    void audioSendsOpusSizedPayloadsEvery20Ms() {
        AudioSender a = new AudioSender(sink, new OutboundStream.StreamInfo(4, 0x0A0B0C0D, 111, "0"),
                ClientSdp.EXTENSION_IDS, "c", 0, new Random(3));
        for (int i = 0; i < 50; i++) {
            assertEquals(i * AudioSender.PACKET_INTERVAL_NANOS, a.nextDueNanos());
            a.onDue(a.nextDueNanos(), scratch);
        }
        List<RtpPacket> ps = parse(sink.rtp);
        assertEquals(50, ps.size());
        for (int i = 0; i < ps.size(); i++) {
            RtpPacket p = ps.get(i);
            assertTrue(p.payloadLength() >= 60 && p.payloadLength() <= 160, "payload " + p.payloadLength());
            assertEquals(111, p.payloadType());
            assertEquals(i, ProbeTrailer.sequence(p.buffer(), p.payloadOffset() + p.payloadLength()));
            if (i > 0) {
                assertEquals(960, (p.timestamp() - ps.get(i - 1).timestamp()) & 0xFFFFFFFFL, "48 kHz, 20 ms");
            }
        }
    }

    @Test
    void silentAudioCarriesLevel127AndUnderDtxOnePacketEvery400Ms() {
        // Publisher 1 of 2 with one speaker: silent during the first turn, speaking in the second.
        SpeakingSchedule schedule = new SpeakingSchedule(1, 2, 1, 0);
        AudioSender a = new AudioSender(sink, new OutboundStream.StreamInfo(4, 0x0A0B0C0D, 111, "0"),
                ClientSdp.EXTENSION_IDS, "c", 0, new Random(3), schedule);
        a.setDtx(true);
        long turn = SpeakingSchedule.TURN_NANOS;
        while (a.nextDueNanos() < 2 * turn) {
            a.onDue(a.nextDueNanos(), scratch);
        }
        List<RtpPacket> ps = parse(sink.rtp);
        int levelId = ClientSdp.EXTENSION_IDS.audioLevelId();
        int silent = 0;
        int speaking = 0;
        long lastSilentTs = -1;
        for (RtpPacket p : ps) {
            byte[] b = p.buffer();
            int at = HeaderExtensions.find(b, 0, b.length, levelId);
            assertTrue(at >= 0, "every audio packet has the RFC 6464 level");
            int level = dev.sfu.rtp.ext.AudioLevelExtension.level(b, at);
            boolean voice = dev.sfu.rtp.ext.AudioLevelExtension.voiceActivity(b, at);
            if (level == 127) {
                silent++;
                assertTrue(!voice);
                assertEquals(AudioSender.SILENCE_PAYLOAD, p.payloadLength());
                if (lastSilentTs >= 0) {
                    assertEquals(960L * AudioSender.DTX_FRAMES, (p.timestamp() - lastSilentTs) & 0xFFFFFFFFL,
                            "DTX: one packet per 400 ms, the timestamp still counting 20 ms frames");
                }
                lastSilentTs = p.timestamp();
            } else {
                speaking++;
                assertTrue(voice && level >= 25 && level <= 45, "level " + level);
                assertTrue(p.payloadLength() >= AudioSender.MIN_PAYLOAD);
            }
        }
        long framesPerTurn = turn / AudioSender.PACKET_INTERVAL_NANOS;
        assertEquals(framesPerTurn / AudioSender.DTX_FRAMES, silent, "silent turn under DTX");
        assertEquals(framesPerTurn, speaking, "speaking turn: every 20 ms");
        for (int i = 1; i < ps.size(); i++) {
            assertEquals((ps.get(i - 1).sequenceNumber() + 1) & 0xFFFF, ps.get(i).sequenceNumber(),
                    "sequence numbers stay contiguous across DTX");
        }
    }

    @Test
    void silentAudioWithoutDtxStillSendsEvery20Ms() {
        AudioSender a = new AudioSender(sink, new OutboundStream.StreamInfo(4, 0x0A0B0C0D, 111, "0"),
                ClientSdp.EXTENSION_IDS, "c", 0, new Random(3), new SpeakingSchedule(0, 2, 0, 0));
        for (int i = 0; i < 50; i++) {
            a.onDue(a.nextDueNanos(), scratch);
        }
        List<RtpPacket> ps = parse(sink.rtp);
        assertEquals(50, ps.size());
        assertTrue(ps.stream().allMatch(p -> p.payloadLength() == AudioSender.SILENCE_PAYLOAD));
    }
}
