package dev.sfu.core.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7741 section 4.2 numbering kept continuous for a subscriber across simulcast switches. */
class Vp8PictureRewriterTest {
    /** Where the payload starts: the bytes before it stand for the RTP header and must not change. */
    private static final int OFF = 12;

    /** {@code hex} (the VP8 payload) after {@link #OFF} bytes of 0xEE. */
    private static byte[] payload(String... lines) {
        byte[] p = HexFormat.of().parseHex(String.join("", lines).replace(" ", ""));
        byte[] b = new byte[OFF + p.length];
        Arrays.fill(b, 0, OFF, (byte) 0xEE);
        System.arraycopy(p, 0, b, OFF, p.length);
        return b;
    }

    /** A packet built with the writer; -1 leaves a field out. Two payload bytes follow. */
    private static byte[] vp8(boolean start, int pictureId, boolean longId, int tl0, int tid, boolean sync, int keyIdx) {
        byte[] b = new byte[OFF + 8];
        Arrays.fill(b, (byte) 0xEE);
        int n = Vp8PayloadDescriptor.write(b, OFF, false, start, 0, pictureId, longId, tl0, tid, sync, keyIdx);
        return Arrays.copyOf(b, OFF + n + 2);
    }

    private static byte[] picture(int pictureId, int tl0, int tid) {
        return vp8(true, pictureId, true, tl0, tid, false, -1);
    }

    private static boolean send(Vp8PictureRewriter rw, byte[] b, boolean newSource) {
        boolean forward = rw.process(b, OFF, b.length - OFF, newSource);
        for (int i = 0; i < OFF; i++) {
            assertEquals((byte) 0xEE, b[i], "the RTP header is not the rewriter's");
        }
        return forward;
    }

    private static int pictureId(byte[] b) {
        return Vp8PayloadDescriptor.pictureId(b, OFF, b.length - OFF);
    }

    private static int tl0(byte[] b) {
        return Vp8PayloadDescriptor.tl0PicIdx(b, OFF, b.length - OFF);
    }

    private static int keyIdx(byte[] b) {
        return Vp8PayloadDescriptor.keyIndex(b, OFF, b.length - OFF);
    }

    private static List<Integer> ints(String spaced) {
        List<Integer> out = new ArrayList<>();
        for (String s : spaced.trim().split("\\s+")) {
            out.add(Integer.parseInt(s));
        }
        return out;
    }

    @Test
    void aSwitchFromLayerQToLayerFContinuesEveryNumberAtLastPlusOne() {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        byte[] q1 = payload("90 f0", //   X=1 S=1 PID=0 | I=1 L=1 T=1 K=1
                "84 d2", //                  M=1 picture id 1234
                "31 05", //                  TL0PICIDX 49 | TID=0 Y=0 KEYIDX=5
                "30 2a 00 9d 01 2a", //      key frame tag, start code
                "40 01 b4 00"); //           320x180
        byte[] q2 = payload("90 f0 84 d3 31", // picture 1235, TL0PICIDX 49
                "65", //                     TID=1 Y=1 KEYIDX=5
                "31 05 00"); //              interframe tag
        byte[] f1 = payload("90 f0", //      X=1 S=1 PID=0 | I=1 L=1 T=1 K=1
                "fa 12", //                  M=1 picture id 31250
                "c8 11", //                  TL0PICIDX 200 | TID=0 Y=0 KEYIDX=17
                "30 2a 00 9d 01 2a", //      key frame tag, start code
                "00 05 d0 02"); //           1280x720
        byte[] f2 = payload("90 f0 fa 13 c8", // picture 31251, TL0PICIDX 200
                "71", //                     TID=1 Y=1 KEYIDX=17
                "31 05 00");
        byte[] f3 = payload("90 f0 fa 14 c9", // picture 31252, TL0PICIDX 201
                "11", //                     TID=0 KEYIDX=17
                "31 05 00");

        assertTrue(send(rw, q1, true));
        assertTrue(send(rw, q2, false));
        assertArrayEquals(payload("90 f0 84 d2 31 05 30 2a 00 9d 01 2a 40 01 b4 00"), q1, "first source as sent");
        assertArrayEquals(payload("90 f0 84 d3 31 65 31 05 00"), q2);

        assertTrue(send(rw, f1, true));
        assertTrue(send(rw, f2, false));
        assertTrue(send(rw, f3, false));
        assertArrayEquals(payload("90 f0",
                "84 d4", //                  picture id 1236
                "32 06", //                  TL0PICIDX 50 | TID=0 KEYIDX=6
                "30 2a 00 9d 01 2a 00 05 d0 02"), f1);
        assertArrayEquals(payload("90 f0 84 d5 32", // picture 1237, TL0PICIDX 50
                "66", //                     TID=1 Y=1 KEYIDX=6
                "31 05 00"), f2);
        assertArrayEquals(payload("90 f0 84 d6 33", // picture 1238, TL0PICIDX 51
                "06", //                     TID=0 KEYIDX=6
                "31 05 00"), f3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // name, 15-bit, q picture, q TL0, q KEYIDX, f picture, f TL0, f KEYIDX, out pictures, out TL0, out KEYIDX
            "15-bit picture id out 32767 -> 0, true, 32766, 10, 1, 500, 90, 9, 32766 32767 0 1, 10 11 12 13, 1 1 2 2",
            "15-bit picture id in the source, true, 32767, 10, 1, 500, 90, 9, 32767 0 1 2, 10 11 12 13, 1 1 2 2",
            "7-bit picture id out 127 -> 0, false, 126, 10, 1, 50, 90, 9, 126 127 0 1, 10 11 12 13, 1 1 2 2",
            "7-bit picture id in the source, false, 127, 10, 1, 50, 90, 9, 127 0 1 2, 10 11 12 13, 1 1 2 2",
            "TL0PICIDX out 255 -> 0, true, 100, 254, 1, 7, 90, 9, 100 101 102 103, 254 255 0 1, 1 1 2 2",
            "TL0PICIDX in the source, true, 100, 255, 1, 7, 90, 9, 100 101 102 103, 255 0 1 2, 1 1 2 2",
            "KEYIDX out 31 -> 0, true, 100, 10, 31, 7, 90, 9, 100 101 102 103, 10 11 12 13, 31 31 0 0",
            "KEYIDX out 31 -> 0 with the new source at 0, true, 100, 10, 31, 7, 90, 0, 100 101 102 103, 10 11 12 13, 31 31 0 0",
    })
    void everyFieldWrapsAtItsWidthAcrossASwitch(String name, boolean longId, int qPicture, int qTl0, int qKey,
            int fPicture, int fTl0, int fKey, String pictures, String tl0s, String keys) {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        int mask = longId ? 0x7FFF : 0x7F;
        List<Integer> outPictures = new ArrayList<>();
        List<Integer> outTl0 = new ArrayList<>();
        List<Integer> outKeys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean f = i >= 2;
            int k = f ? i - 2 : i;
            // Two base layer pictures from each source; the key index changes only with the source.
            byte[] b = vp8(true, ((f ? fPicture : qPicture) + k) & mask, longId,
                    ((f ? fTl0 : qTl0) + k) & 0xFF, 0, false, f ? fKey : qKey);
            assertTrue(send(rw, b, i == 0 || i == 2));
            assertEquals(longId, Vp8PayloadDescriptor.hasLongPictureId(b, OFF, b.length - OFF), "width kept");
            outPictures.add(pictureId(b));
            outTl0.add(tl0(b));
            outKeys.add(keyIdx(b));
        }
        assertEquals(ints(pictures), outPictures);
        assertEquals(ints(tl0s), outTl0);
        assertEquals(ints(keys), outKeys);
    }

    @ParameterizedTest(name = "max TID {0} forwards source pictures {1}")
    @CsvSource({
            // max TID, forwarded source pictures (TIDs 0 2 1 2 from 100), out pictures, out TL0PICIDX, in effect
            "2, 100 101 102 103 104 105 106 107, 100 101 102 103 104 105 106 107, 7 7 7 7 8 8 8 8, 2",
            "1, 100 102 104 106, 100 101 102 103, 7 7 8 8, 1",
            "0, 100 104, 100 101, 7 8, 0",
            "-1, 100 101 102 103 104 105 106 107, 100 101 102 103 104 105 106 107, 7 7 7 7 8 8 8 8, 3",
            "3, 100 101 102 103 104 105 106 107, 100 101 102 103 104 105 106 107, 7 7 7 7 8 8 8 8, 3",
            "2147483647, 100 101 102 103 104 105 106 107, 100 101 102 103 104 105 106 107, 7 7 7 7 8 8 8 8, 3",
    })
    void droppedTemporalLayersLeaveNoGapInPictureIds(int max, String forwarded, String pictures, String tl0s,
            int inEffect) {
        int[] pattern = {0, 2, 1, 2};
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(max);
        List<Integer> sent = new ArrayList<>();
        List<Integer> outPictures = new ArrayList<>();
        List<Integer> outTl0 = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] b = picture(100 + i, 7 + i / 4, pattern[i % 4]);
            byte[] before = b.clone();
            if (send(rw, b, i == 0)) {
                sent.add(100 + i);
                outPictures.add(pictureId(b));
                outTl0.add(tl0(b));
            } else {
                assertArrayEquals(before, b, "a dropped packet is left as it was");
            }
        }
        assertEquals(ints(forwarded), sent);
        assertEquals(ints(pictures), outPictures);
        assertEquals(ints(tl0s), outTl0);
        assertEquals(inEffect, rw.maxTemporalLayer());
    }

    @Test
    void aDownSwitchTakesEffectAtTheNextNewPicture() {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        assertTrue(send(rw, picture(100, 7, 0), true));
        byte[] first = vp8(true, 101, true, 7, 2, false, -1);
        byte[] second = vp8(false, 101, true, 7, 2, false, -1);
        assertTrue(send(rw, first, false));
        rw.setMaxTemporalLayer(0);
        assertEquals(3, rw.maxTemporalLayer(), "not before a new picture");
        assertTrue(send(rw, second, false), "the rest of a picture already sent follows it");
        assertEquals(101, pictureId(second));
        assertFalse(send(rw, picture(102, 7, 1), false));
        assertEquals(0, rw.maxTemporalLayer());
        assertFalse(send(rw, picture(103, 7, 2), false));
        byte[] base = picture(104, 8, 0);
        assertTrue(send(rw, base, false));
        assertEquals(102, pictureId(base));
    }

    @ParameterizedTest(name = "max 0 -> {0} over {1}: {2}")
    @CsvSource({
            // new max, pictures after the first TID 0 one (TID, y = layer sync), forwarded?, max at the end
            "2, 2 1 2 0 2 1 2, D D D F D D D, 0", //  A plain TID 0 picture is not enough.
            "2, 2 1y 2 0 2y 1, D F D F F F, 2", //    One layer at a time, each at its own sync picture.
            "2, 2y 1 2, D D D, 0", //                 A TID 2 sync cannot skip layer 1.
            "1, 2y 1 2 0 2 1, D D D F D D, 0", //     A layer sync above the new max does not switch.
            "1, 1y 2 1, F D F, 1",
    })
    void anUpSwitchGoesOneLayerAtATimeAtLayerSyncPictures(int newMax, String tids, String decisions, int finalMax) {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(0);
        assertTrue(send(rw, picture(100, 7, 0), true));
        rw.setMaxTemporalLayer(newMax);
        String[] pictures = tids.split(" ");
        String[] expected = decisions.split(" ");
        int tl0 = 7;
        int nextOut = 101;
        for (int i = 0; i < pictures.length; i++) {
            int tid = pictures[i].charAt(0) - '0';
            tl0 += tid == 0 ? 1 : 0;
            byte[] b = vp8(true, 101 + i, true, tl0, tid, pictures[i].endsWith("y"), -1);
            boolean forward = send(rw, b, false);
            assertEquals(expected[i].equals("F"), forward, "picture " + i + " TID " + pictures[i]);
            if (forward) {
                assertEquals(nextOut++, pictureId(b), "no gap in picture ids");
            }
        }
        assertEquals(finalMax, rw.maxTemporalLayer());
    }

    @Test
    void reorderedPacketsOfOnePictureGetTheSameIdAndDecision() {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(1);
        // Pictures 100 (TID 0), 101 (TID 2, dropped) and 102 (TID 1), two packets each, interleaved.
        byte[] a100 = vp8(true, 100, true, 7, 0, false, -1);
        byte[] b100 = vp8(false, 100, true, 7, 0, false, -1);
        byte[] a101 = vp8(true, 101, true, 7, 2, false, -1);
        byte[] b101 = vp8(false, 101, true, 7, 2, false, -1);
        byte[] a102 = vp8(true, 102, true, 7, 1, false, -1);
        byte[] b102 = vp8(false, 102, true, 7, 1, false, -1);
        assertTrue(send(rw, a100, true));
        assertFalse(send(rw, b101, false));
        assertTrue(send(rw, b102, false));
        rw.setMaxTemporalLayer(2); // Not applied to pictures already decided.
        assertTrue(send(rw, b100, false));
        assertFalse(send(rw, a101, false));
        assertTrue(send(rw, a102, false));
        assertEquals(100, pictureId(a100));
        assertEquals(100, pictureId(b100));
        assertEquals(101, pictureId(a102));
        assertEquals(101, pictureId(b102));
    }

    @ParameterizedTest(name = "late TID {0} picture: forwarded {1}, out id {2}")
    @CsvSource({
            "1, true, 101", // Its slot was kept when 102 came first.
            "2, false, -1", // Dropped after 102 went out: that one gap cannot be closed.
    })
    void aLatePictureTakesTheSlotLeftForIt(int lateTid, boolean forwarded, int outId) {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(1);
        assertTrue(send(rw, picture(100, 7, 0), true));
        byte[] next = picture(102, 7, 1);
        assertTrue(send(rw, next, false));
        assertEquals(102, pictureId(next));
        byte[] late = picture(101, 7, lateTid);
        assertEquals(forwarded, send(rw, late, false));
        if (forwarded) {
            assertEquals(outId, pictureId(late));
        }
        byte[] after = picture(103, 7, 1);
        assertTrue(send(rw, after, false));
        assertEquals(103, pictureId(after));
    }

    @Test
    void aPictureOlderThanTheRingIsDropped() {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        for (int i = 0; i <= 40; i++) {
            assertTrue(send(rw, picture(100 + i, 7, 0), i == 0));
        }
        byte[] ancient = picture(99, 7, 0);
        byte[] before = ancient.clone();
        assertFalse(send(rw, ancient, false), "no slot to give it");
        assertArrayEquals(before, ancient);
    }

    @Test
    void packetsWithoutPictureIdKeepTheirOtherFieldsContinuous() {
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(1);
        assertTrue(send(rw, payload("90 e0 84 d2 31 00", // picture 1234, TL0PICIDX 49, TID 0
                "30 2a 00 9d 01 2a 40 01 b4 00"), true));
        byte[] f1 = payload("90 60", //      X=1 S=1 PID=0 | L=1 T=1 (no picture id)
                "c8 00", //                  TL0PICIDX 200 | TID=0
                "30 2a 00 9d 01 2a 00 05 d0 02");
        byte[] f2 = payload("90 60 c8 80 31 05 00"); // TL0PICIDX 200, TID=2: above max 1
        byte[] f2b = payload("80 60 c8 80 aa"); //      S=0: the rest of that picture
        byte[] f3 = payload("90 60 c9 00 31 05 00"); // TL0PICIDX 201, TID=0
        byte[] noX = payload("10 31 05 00"); //          X=0: nothing to rewrite, nothing to decide
        assertTrue(send(rw, f1, true));
        assertArrayEquals(payload("90 60 32 00 30 2a 00 9d 01 2a 00 05 d0 02"), f1, "TL0PICIDX 50");
        assertFalse(send(rw, f2, false));
        assertFalse(send(rw, f2b, false));
        assertTrue(send(rw, f3, false));
        assertArrayEquals(payload("90 60 33 00 31 05 00"), f3, "TL0PICIDX 51");
        rw.setMaxTemporalLayer(0);
        assertTrue(send(rw, noX, false));
        assertArrayEquals(payload("10 31 05 00"), noX);
    }

    @Test
    void truncatedDescriptorsAreForwardedUnchangedAndDisturbNothing() {
        String[] cases = {
            "", //               empty payload
            "80", //             X=1, extension byte missing
            "80 80 80", //       M=1, second picture id byte missing
            "80 40", //          L=1, TL0PICIDX missing
            "90 f0 81 01 7f", // all fields, T/K byte missing
        };
        Vp8PictureRewriter rw = new Vp8PictureRewriter();
        rw.setMaxTemporalLayer(0);
        assertTrue(send(rw, picture(1000, 7, 0), true));
        for (String c : cases) {
            byte[] b = payload(c);
            assertTrue(send(rw, b, false), c);
            assertArrayEquals(payload(c), b, c);
        }
        byte[] next = picture(1001, 8, 0);
        assertTrue(send(rw, next, false));
        assertEquals(1001, pictureId(next));
        // A switch announced on a truncated packet still takes effect.
        assertTrue(send(rw, payload("80 80 80"), true));
        byte[] f = picture(7, 3, 0);
        assertTrue(send(rw, f, false));
        assertEquals(1002, pictureId(f));
        assertEquals(9, tl0(f));
    }
}
