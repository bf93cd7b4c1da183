package dev.sfu.rtp.ext;

import static dev.sfu.rtp.PacketFixtures.hex;
import static dev.sfu.rtp.PacketFixtures.toHex;
import static dev.sfu.rtp.PacketFixtures.withTailRoom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.PacketFixtures;
import dev.sfu.rtp.RtpPacket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HeaderExtensionsTest {
    private static final byte[] VP8_PAYLOAD = hex("90 80 81 23 10 02 00 9d 01 2a 80 02 e0 01 aa bb");

    /** A plain packet with a 4-byte payload and no extension, followed by tail room. */
    private static byte[] plain() {
        return withTailRoom(hex(
                "80 60 00 07", // V=2 X=0 | PT=96 | seq 7
                "00 00 00 64", // timestamp 100
                "00 00 00 2a", // SSRC 42
                "de ad be ef"), // payload
                RtpPacket.TAIL_ROOM);
    }

    @Test
    void rfc8285OneByteElementsAreFoundById() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        int pos = HeaderExtensions.find(b, 0, b.length, 2);
        assertEquals(17, pos);
        assertEquals(3, HeaderExtensions.dataLength(b, 0, pos));
        assertEquals(21, HeaderExtensions.find(b, 0, b.length, 3));
        assertEquals(2, HeaderExtensions.dataLength(b, 0, 21));
        assertEquals(24, HeaderExtensions.find(b, 0, b.length, 4));
        assertEquals(1, HeaderExtensions.dataLength(b, 0, 24));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 5));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 15), "id 15 is reserved");
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 0), "id 0 is padding");
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, b.length));
        assertEquals(21, HeaderExtensions.find(p, 3));
    }

    @Test
    void rfc8285TwoByteElementsAreFoundById() {
        byte[] b = PacketFixtures.opusWithTwoByteExtensions();
        int level = HeaderExtensions.find(b, 0, b.length, 1);
        assertEquals(18, level);
        assertEquals(1, HeaderExtensions.dataLength(b, 0, level));
        int mid = HeaderExtensions.find(b, 0, b.length, 16);
        assertEquals(22, mid);
        assertEquals(3, HeaderExtensions.dataLength(b, 0, mid));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 2));
    }

    @Test
    void oneByteIdFifteenStopsTheWalk() {
        byte[] b = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "be de 00 01", // one-byte, 1 word
                "10 aa f0 20"); // id=1 L=0 data aa | id=15: stop | (would be id=2, ignored)
        assertEquals(17, HeaderExtensions.find(b, 0, b.length, 1));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 2));
    }

    @Test
    void oneByteIdZeroIsOnePaddingByteWhateverItsLength() {
        // Found by RtpPacketFuzzTest (crash-7d6d0ebc...): 0x01 was read as an element with id 0.
        byte[] b = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "be de 00 01", // one-byte, 1 word
                "03 20 aa 00"); // id=0 L=3: one padding byte | id=2 L=0 data aa | padding
        assertEquals(18, HeaderExtensions.find(b, 0, b.length, 2));
        HeaderExtensionCursor c = new HeaderExtensionCursor();
        assertTrue(c.reset(b, 0, b.length));
        assertTrue(c.next());
        assertEquals(2, c.id());
        assertFalse(c.next());
        assertFalse(c.malformed());
    }

    @Test
    void twoByteElementsMayBeEmpty() {
        byte[] b = hex(
                "90 60 00 01", // V=2 X=1
                "00 00 00 00", // timestamp
                "00 00 00 01", // SSRC
                "10 00 00 01", // two-byte, 1 word
                "05 00 06 00"); // id=5 len=0 | id=6 len=0
        assertEquals(18, HeaderExtensions.find(b, 0, b.length, 5));
        assertEquals(0, HeaderExtensions.dataLength(b, 0, 18));
        assertEquals(20, HeaderExtensions.find(b, 0, b.length, 6));
    }

    @Test
    void cursorWalksEveryElementInOrder() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        HeaderExtensionCursor c = new HeaderExtensionCursor();
        assertTrue(c.reset(b, 0, b.length));
        StringBuilder seen = new StringBuilder();
        while (c.next()) {
            seen.append(c.id()).append('@').append(c.dataOffset()).append('+').append(c.dataLength()).append(' ');
        }
        assertEquals("2@17+3 3@21+2 4@24+1 ", seen.toString());
        assertFalse(c.malformed());
        assertFalse(c.isTwoByte());

        byte[] o = PacketFixtures.opusWithTwoByteExtensions();
        assertTrue(c.reset(o, 0, o.length));
        assertTrue(c.isTwoByte());
        assertTrue(c.next());
        assertEquals(1, c.id());
        assertTrue(c.next());
        assertEquals(16, c.id());
        assertFalse(c.next());
        assertFalse(c.reset(plain(), 0, 16), "no extension");
    }

    @Test
    void rewriteIdChangesOnlyTheIdNibble() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        assertTrue(HeaderExtensions.rewriteId(b, 0, b.length, 3, 9));
        assertEquals((byte) 0x91, b[20]);
        assertEquals(21, HeaderExtensions.find(b, 0, b.length, 9));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 3));
        assertFalse(HeaderExtensions.rewriteId(b, 0, b.length, 9, 15), "15 is not a one-byte id");
        assertFalse(HeaderExtensions.rewriteId(b, 0, b.length, 3, 5), "3 is gone");

        byte[] o = PacketFixtures.opusWithTwoByteExtensions();
        assertTrue(HeaderExtensions.rewriteId(o, 0, o.length, 16, 200));
        assertEquals(22, HeaderExtensions.find(o, 0, o.length, 200));
    }

    @Test
    void remapIdsSwapsAndDropsInOnePass() {
        byte[] b = PacketFixtures.vp8WithExtensions();
        int[] map = new int[16];
        map[2] = 3; // abs-send-time: 2 -> 3
        map[3] = 2; // transport-cc: 3 -> 2
        // rid (4) not negotiated with this subscriber: dropped to padding.
        assertEquals(2, HeaderExtensions.remapIds(b, 0, b.length, map));
        assertEquals("bede0003" + "32123456" + "21002a00" + "00000000", toHex(b, 12, 16));
        assertEquals(17, HeaderExtensions.find(b, 0, b.length, 3));
        assertEquals(21, HeaderExtensions.find(b, 0, b.length, 2));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 4));
        assertArrayEquals(VP8_PAYLOAD, Arrays.copyOfRange(b, 28, b.length), "payload untouched");
    }

    @Test
    void remapIdsInTheTwoByteFormRenamesOrBlanksEachElement() {
        byte[] b = hex("90 00 00 01 00 00 00 00 00 00 00 01" // V=2 X=1, seq 1, ts 0, SSRC 1
                + " 10 00 00 02"                           // two-byte form, 2 words
                + " 05 01 aa"                              // id 5, 1 byte
                + " 07 02 bb cc"                           // id 7, 2 bytes
                + " 00");                                  // padding
        int[] map = new int[256];
        map[5] = 200;
        assertEquals(1, HeaderExtensions.remapIds(b, 0, b.length, map));
        assertEquals("10000002" + "c801aa" + "00000000" + "00", toHex(b, 12, 12));
        assertEquals(18, HeaderExtensions.find(b, 0, b.length, 200));
        assertEquals(-1, HeaderExtensions.find(b, 0, b.length, 7));
    }

    @Test
    void remapIdsRejectsAnElementOverrunningTheBlock() {
        // be de 00 01 | 13 aa bb cc: id 1 claims 4 data bytes but only 3 remain.
        byte[] b = hex("90 00 00 01 00 00 00 00 00 00 00 01" + " be de 00 01" + " 13 aa bb cc");
        assertEquals(-1, HeaderExtensions.remapIds(b, 0, b.length, new int[16]));
    }

    @Test
    void addToAPacketWithoutExtensionPicksTheOneByteForm() {
        byte[] b = plain();
        int len = TransportCcExtension.add(b, 0, 16, 5, 0xBEEF);
        assertEquals(16 + 8, len);
        assertEquals("90600007" + "00000064" + "0000002a" + "bede0001" + "51beef00" + "deadbeef",
                toHex(b, 0, len));
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, len));
        assertEquals(4, p.payloadLength());
        assertEquals(0xBEEF, TransportCcExtension.read(b, 0, len, 5));
    }

    @Test
    void addOfALargeIdOrEmptyValueToABarePacketPicksTheTwoByteForm() {
        byte[] b = plain();
        int len = HeaderExtensions.add(b, 0, 16, 20, 0);
        assertEquals(16 + 8, len);
        assertEquals("10000001" + "14000000", toHex(b, 12, 8));
        assertEquals(0, HeaderExtensions.dataLength(b, 0, HeaderExtensions.find(b, 0, len, 20)));
        byte[] c = plain();
        int len2 = HeaderExtensions.add(c, 0, 16, 1, new byte[17], 0, 17);
        assertEquals(16 + 4 + 20, len2, "17 bytes need the two-byte form: 2 + 17 rounded to 20");
        assertEquals(0x1000, dev.sfu.rtp.util.Bytes.u16(c, 12));
    }

    @Test
    void addReusesPaddingBeforeGrowing() {
        byte[] b = withTailRoom(PacketFixtures.vp8WithExtensions(), RtpPacket.TAIL_ROOM);
        int len0 = PacketFixtures.vp8WithExtensions().length;
        // Three padding bytes remain: a 1-byte element (2 bytes) fits.
        int len1 = AudioLevelExtension.add(b, 0, len0, 1, true, 30);
        assertEquals(len0, len1);
        assertEquals(30, AudioLevelExtension.level(b, 0, len1, 1));
        // One padding byte left: a 3-byte element grows the block by one word.
        int len2 = AbsSendTimeExtension.add(b, 0, len1, 7, 0xABCDEF);
        assertEquals(len0 + 4, len2);
        assertEquals(4, RtpPacket.headerLength(b, 0, len2) - 28);
        assertEquals(0xABCDEF, AbsSendTimeExtension.read(b, 0, len2, 7));
        assertEquals(0x123456, AbsSendTimeExtension.read(b, 0, len2, 2), "old elements intact");
        assertArrayEquals(VP8_PAYLOAD, Arrays.copyOfRange(b, 32, len2), "payload moved intact");
    }

    @Test
    void addRejectsDuplicatesBadIdsAndFullBuffers() {
        byte[] b = withTailRoom(PacketFixtures.vp8WithExtensions(), 32);
        int len = PacketFixtures.vp8WithExtensions().length;
        assertEquals(-1, HeaderExtensions.add(b, 0, len, 3, 2), "id 3 exists");
        assertEquals(-1, HeaderExtensions.add(b, 0, len, 15, 1), "15 not allowed in one-byte form");
        assertEquals(-1, HeaderExtensions.add(b, 0, len, 5, 17), "17 bytes not allowed in one-byte form");
        assertEquals(-1, HeaderExtensions.add(b, 0, len, 5, 0), "empty not allowed in one-byte form");
        byte[] exact = PacketFixtures.vp8WithExtensions();
        assertEquals(-1, HeaderExtensions.add(exact, 0, exact.length, 6, 4), "no tail room");
        byte[] before = exact.clone();
        assertEquals(-1, HeaderExtensions.add(exact, 0, exact.length, 6, 16));
        assertArrayEquals(before, exact, "a failed add leaves the packet alone");
    }

    @Test
    void removeShrinksTheBlockAndRestoresTheOriginal() {
        byte[] original = plain();
        byte[] b = original.clone();
        int len = TransportCcExtension.add(b, 0, 16, 5, 1);
        len = AbsSendTimeExtension.add(b, 0, len, 6, 2);
        len = SdesTextExtension.add(b, 0, len, 7, "hi");
        assertEquals(16 + 4 + 12, len);
        len = HeaderExtensions.remove(b, 0, len, 6);
        assertEquals(16 + 4 + 8, len, "3+2+... shrinks to whole words still used");
        assertEquals(1, TransportCcExtension.read(b, 0, len, 5));
        assertEquals("hi", SdesTextExtension.read(b, 0, len, 7));
        assertEquals(-1, HeaderExtensions.remove(b, 0, len, 6), "already gone");
        len = HeaderExtensions.remove(b, 0, len, 5);
        len = HeaderExtensions.remove(b, 0, len, 7);
        assertEquals(16, len);
        assertFalse(RtpPacket.hasExtension(b, 0));
        assertEquals(toHex(original, 0, 16), toHex(b, 0, 16));
    }

    @Test
    void removeFromTwoByteFormKeepsPadding() {
        byte[] b = PacketFixtures.opusWithTwoByteExtensions();
        int len = HeaderExtensions.remove(b, 0, b.length, 16);
        assertEquals(b.length - 8, len);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(b, 0, len));
        assertEquals(4, p.paddingLength(), "RTP padding moved along with the payload");
        assertEquals(4, p.payloadLength());
        assertEquals("fcfdfeff", toHex(b, p.payloadOffset(), 4));
        assertEquals(10, AudioLevelExtension.level(b, 0, len, 1));
    }

    @Test
    void extensionsWorkAtAnOffsetInsideALargerBuffer() {
        byte[] pkt = PacketFixtures.vp8WithExtensions();
        byte[] b = new byte[100 + pkt.length + 64];
        Arrays.fill(b, (byte) 0x5A);
        System.arraycopy(pkt, 0, b, 100, pkt.length);
        assertEquals(100 + 21, HeaderExtensions.find(b, 100, pkt.length, 3));
        int len = AudioLevelExtension.add(b, 100, pkt.length, 9, false, 127);
        assertEquals(pkt.length, len);
        len = HeaderExtensions.add(b, 100, len, 10, 16);
        assertEquals(pkt.length + 16, len);
        assertEquals(pkt.length + 16, HeaderExtensions.remove(b, 100, len, 9));
        assertEquals((byte) 0x5A, b[99], "nothing written before the window");
        assertEquals((byte) 0x5A, b[100 + len], "nothing written past the new length");
    }
}
