package dev.sfu.rtp.ext;

import static dev.sfu.rtp.PacketFixtures.hex;
import static dev.sfu.rtp.PacketFixtures.withTailRoom;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.PacketFixtures;
import org.junit.jupiter.api.Test;

class TypedExtensionsTest {

    private static byte[] bare() {
        return withTailRoom(hex(
                "80 6f 00 01", // V=2 | PT=111 | seq 1
                "00 00 00 00", // timestamp
                "00 00 00 01"), // SSRC
                64);
    }

    @Test
    void rfc6464AudioLevelCarriesVoiceFlagAndLevel() {
        byte[] b = PacketFixtures.opusWithTwoByteExtensions();
        int pos = HeaderExtensions.find(b, 0, b.length, 1);
        assertTrue(AudioLevelExtension.voiceActivity(b, pos));
        assertEquals(10, AudioLevelExtension.level(b, pos));
        AudioLevelExtension.write(b, pos, false, 200);
        assertEquals(0x7F, b[pos] & 0xFF, "level clamps to 127 (silence), V cleared");
        assertEquals(-1, AudioLevelExtension.level(b, 0, b.length, 2));
        assertEquals("urn:ietf:params:rtp-hdrext:ssrc-audio-level", AudioLevelExtension.URI);
    }

    @Test
    void absSendTimeIsSixPointEighteenFixedPoint() {
        assertEquals(0, AbsSendTimeExtension.fromNanos(0));
        assertEquals(1 << 18, AbsSendTimeExtension.fromNanos(1_000_000_000L));
        assertEquals(1 << 17, AbsSendTimeExtension.fromNanos(500_000_000L));
        assertEquals(0, AbsSendTimeExtension.fromNanos(64_000_000_000L), "wraps every 64 s");
        assertEquals((63 << 18) | 0x3FFFF, AbsSendTimeExtension.fromNanos(63_999_999_999L));
        assertEquals(1_000_000_000L, AbsSendTimeExtension.toNanos(1 << 18));
        long roundTrip = AbsSendTimeExtension.toNanos(AbsSendTimeExtension.fromNanos(12_345_678_901L));
        assertTrue(Math.abs(roundTrip - 12_345_678_901L) < 4_000, "resolution is 1/2^18 s = 3.8 us");
        byte[] b = PacketFixtures.vp8WithExtensions();
        assertEquals(0x123456, AbsSendTimeExtension.read(b, 0, b.length, 2));
    }

    @Test
    void transportWideSequenceNumberIsRewrittenInPlace() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        assertEquals(42, TransportCcExtension.read(b, 0, b.length, 3));
        assertTrue(TransportCcExtension.write(b, 0, b.length, 3, 65535));
        assertEquals(65535, TransportCcExtension.read(b, 0, b.length, 3));
        assertFalse(TransportCcExtension.write(b, 0, b.length, 9, 1));
        assertEquals(-1, TransportCcExtension.read(b, 0, b.length, 4), "id 4 holds one byte only");
        assertEquals("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                TransportCcExtension.URI);
    }

    @Test
    void rfc8852StreamIdsAreReadWithoutAllocatingWhenMatched() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        assertTrue(SdesTextExtension.matches(b, 0, b.length, 4, "h"));
        assertFalse(SdesTextExtension.matches(b, 0, b.length, 4, "f"));
        assertFalse(SdesTextExtension.matches(b, 0, b.length, 4, "hh"));
        assertEquals("h", SdesTextExtension.read(b, 0, b.length, 4));
        byte[] sink = new byte[16];
        assertEquals(1, SdesTextExtension.read(b, 0, b.length, 4, sink, 0));
        assertEquals('h', sink[0]);
        assertEquals(-1, SdesTextExtension.read(b, 0, b.length, 4, sink, 16), "sink too small");
        assertNull(SdesTextExtension.read(b, 0, b.length, 5));
    }

    @Test
    void midRoundTripsAndTrailingZerosAreIgnored() {
        byte[] b = bare();
        int len = SdesTextExtension.add(b, 0, 12, 3, "video0");
        assertTrue(len > 12);
        assertEquals("video0", SdesTextExtension.read(b, 0, len, 3));
        assertTrue(SdesTextExtension.matches(b, 0, len, 3, "video0"));
        len = SdesTextExtension.add(b, 0, len, 4, "f");
        assertEquals("f", SdesTextExtension.read(b, 0, len, 4));
        assertEquals(-1, SdesTextExtension.add(b, 0, len, 5, "vid\u00e9o"), "not ASCII");

        byte[] nulPadded = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "be de 00 01", // one-byte, 1 word
                "12 61 30 00"); // id=1 L=2: "a0\0" (a sender that NUL-terminates)
        assertEquals("a0", SdesTextExtension.read(nulPadded, 0, nulPadded.length, 1));
        assertTrue(SdesTextExtension.matches(nulPadded, 0, nulPadded.length, 1, "a0"));
    }

    @Test
    void urisMatchWhatBrowsersOffer() {
        assertEquals("urn:ietf:params:rtp-hdrext:sdes:mid", SdesTextExtension.MID_URI);
        assertEquals("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", SdesTextExtension.RTP_STREAM_ID_URI);
        assertEquals("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
                SdesTextExtension.REPAIRED_RTP_STREAM_ID_URI);
        assertEquals("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                AbsSendTimeExtension.URI);
    }
}
