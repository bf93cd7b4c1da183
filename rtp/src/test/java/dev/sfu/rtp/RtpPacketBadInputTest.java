package dev.sfu.rtp;

import static dev.sfu.rtp.PacketFixtures.embed;
import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.ext.HeaderExtensionCursor;
import dev.sfu.rtp.ext.HeaderExtensions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and truncated RTP packets (RFC 3550 section 5.1 checks): each is rejected without an
 * exception, both in an exact-size array (where a read past the end would throw) and embedded in
 * garbage (where it would change the answer).
 */
class RtpPacketBadInputTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("shorter than the fixed header", hex(
                        "80 60 00 01", // V=2 | PT=96 | seq 1
                        "00 00 00 00", // timestamp
                        "00 00 00")),  // SSRC cut after 3 bytes
                Arguments.of("empty", hex("")),
                Arguments.of("version 1", hex(
                        "40 60 00 01", // V=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01")), // SSRC
                Arguments.of("version 3", hex(
                        "c0 60 00 01", // V=3
                        "00 00 00 00", // timestamp
                        "00 00 00 01")), // SSRC
                Arguments.of("CSRC count past the end", hex(
                        "83 60 00 01", // V=2 CC=3
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "00 00 00 02")), // one CSRC of three
                Arguments.of("CSRC count 15 in a 12-byte packet", hex(
                        "8f 60 00 01", // V=2 CC=15
                        "00 00 00 00", // timestamp
                        "00 00 00 01")), // SSRC
                Arguments.of("X bit without room for the extension header", hex(
                        "90 60 00 01", // V=2 X=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "be de")),     // extension header cut in half
                Arguments.of("extension length past the end", hex(
                        "90 60 00 01", // V=2 X=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "be de 00 04", // one-byte form, 4 words claimed
                        "10 ff 00 00")), // only one word present
                Arguments.of("extension length 0xffff", hex(
                        "90 60 00 01", // V=2 X=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "be de ff ff")), // 65535 words claimed
                Arguments.of("CSRCs then extension past the end", hex(
                        "91 60 00 01", // V=2 X=1 CC=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "00 00 00 02", // CSRC
                        "be de 00 01")), // one word claimed, none present
                Arguments.of("padding larger than the payload", hex(
                        "a0 60 00 01", // V=2 P=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "aa bb 05")),  // 2 payload bytes, padding count 5
                Arguments.of("padding count 0 with the P bit", hex(
                        "a0 60 00 01", // V=2 P=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "aa bb 00")),  // padding count 0 is impossible: it counts itself
                Arguments.of("P bit with no byte after the header", hex(
                        "a0 60 00 01", // V=2 P=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01")), // SSRC, nothing else
                Arguments.of("padding reaching into the extension", hex(
                        "b0 60 00 01", // V=2 P=1 X=1
                        "00 00 00 00", // timestamp
                        "00 00 00 01", // SSRC
                        "be de 00 01", // one word
                        "10 aa 00 00", // id=1 L=0 data aa | padding
                        "00 06")));    // padding count 6 > the 2 bytes after the header
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedPacketIsRejectedWithoutReadingOutside(String name, byte[] pkt) {
        RtpPacket p = new RtpPacket();
        assertFalse(p.wrap(pkt, 0, pkt.length), "exact-size array");
        assertFalse(RtpPacket.isValid(pkt, 0, pkt.length));
        byte[] embedded = embed(pkt, 5, 40, pkt.length);
        assertFalse(p.wrap(embedded, 5, pkt.length), "embedded in garbage");
        for (int id = 1; id < 16; id++) {
            assertEquals(-1, HeaderExtensions.find(pkt, 0, pkt.length, id));
            assertEquals(-1, HeaderExtensions.find(embedded, 5, pkt.length, id));
        }
        assertEquals(-1, HeaderExtensions.add(embedded, 5, pkt.length, 3, 2));
        assertEquals(-1, HeaderExtensions.remove(embedded, 5, pkt.length, 1));
    }

    @Test
    void paddingAsLongAsEverythingAfterTheHeaderIsValid() {
        byte[] pkt = hex(
                "a0 60 00 01", // V=2 P=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "00 00 03");   // three bytes of padding, no payload
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(pkt, 0, pkt.length));
        assertEquals(0, p.payloadLength());
        assertEquals(3, p.paddingLength());
    }

    @Test
    void windowOutsideTheArrayIsRejected() {
        byte[] pkt = PacketFixtures.vp8WithExtensions();
        RtpPacket p = new RtpPacket();
        assertFalse(p.wrap(pkt, 1, pkt.length));
        assertFalse(p.wrap(pkt, -1, 12));
        assertFalse(p.wrap(pkt, 0, -1));
        assertFalse(p.wrap(null, 0, 12));
        assertFalse(p.wrap(pkt, Integer.MAX_VALUE, 12));
        assertEquals(-1, RtpPacket.headerLength(pkt, pkt.length - 3, 12));
    }

    @Test
    void lengthShorterThanTheArrayHidesTheRest() {
        byte[] pkt = PacketFixtures.vp8WithExtensions();
        // Cut inside the extension block: the header no longer fits the window.
        assertFalse(new RtpPacket().wrap(pkt, 0, 20));
        // Cut right after the header: a valid packet with an empty payload.
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(pkt, 0, 28));
        assertEquals(0, p.payloadLength());
    }

    @Test
    void malformedExtensionElementsAreNotFound() {
        byte[] overrunOneByte = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "be de 00 01", // one-byte form, 1 word
                "13 aa bb cc"); // id=1 L=3 claims 4 data bytes, 3 remain
        byte[] overrunTwoByte = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "10 00 00 01", // two-byte form, 1 word
                "01 05 aa bb"); // id=1 len=5, 2 remain
        byte[] cutTwoByteHeader = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "10 00 00 01", // two-byte form, 1 word
                "00 00 00 07"); // padding x3, then id=7 with no length byte
        byte[] unknownProfile = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "ab cd 00 01", // profile 0xabcd: neither RFC 8285 form
                "10 aa 00 00"); // looks like id=1, but must not be read as one
        for (byte[] pkt : new byte[][] {overrunOneByte, overrunTwoByte, cutTwoByteHeader, unknownProfile}) {
            assertTrue(RtpPacket.isValid(pkt, 0, pkt.length), "RTP header itself is fine");
            for (int id = 1; id < 256; id++) {
                assertEquals(-1, HeaderExtensions.find(pkt, 0, pkt.length, id));
            }
            HeaderExtensionCursor c = new HeaderExtensionCursor();
            if (c.reset(pkt, 0, pkt.length)) {
                assertFalse(c.next());
                assertTrue(c.malformed());
            }
            byte[] roomy = PacketFixtures.withTailRoom(pkt, 32);
            assertEquals(-1, HeaderExtensions.add(roomy, 0, pkt.length, 2, 1));
            assertEquals(-1, HeaderExtensions.remapIds(roomy, 0, pkt.length, new int[] {0, 1, 2}));
        }
    }
}
