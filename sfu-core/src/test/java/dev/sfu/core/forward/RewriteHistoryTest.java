package dev.sfu.core.forward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a DownTrack sent, by outgoing sequence number, to answer NACKs (RFC 4585) after a switch. */
class RewriteHistoryTest {
    @ParameterizedTest(name = "picture id {0}, TL0PICIDX {1}, KEYIDX {2}")
    @CsvSource({
            "32767, 255, 31", // every field at its maximum, just before its wrap
            "0, 0, 0",
            "127, -1, -1",    // 7-bit picture id, no TL0PICIDX nor KEYIDX
            "-1, 17, 3",
            "-1, -1, -1",
    })
    void vp8FieldsPackAndUnpack(int pictureId, int tl0, int keyIdx) {
        int packed = RewriteHistory.packVp8(pictureId, tl0, keyIdx);
        assertEquals(pictureId, RewriteHistory.pictureId(packed));
        assertEquals(tl0, RewriteHistory.tl0PicIdx(packed));
        assertEquals(keyIdx, RewriteHistory.keyIndex(packed));
    }

    @Test
    void entriesAcrossTheSixteenBitWrapAreFoundAndOverwrittenOnesForgotten() {
        RewriteHistory h = new RewriteHistory(16);
        // Outgoing 65530 .. 5 from two layers: q (0) before the switch, f (2) after.
        for (int i = 0; i < 12; i++) {
            int out = (65530 + i) & 0xFFFF;
            int layer = i < 6 ? 0 : 2;
            h.record(out, layer, (40000 + i) & 0xFFFF, (0xFFFFFFF0L + 3000L * i) & 0xFFFFFFFFL,
                    RewriteHistory.packVp8((32765 + i) & 0x7FFF, i, 1));
        }
        int entry = h.lookup(65535);
        assertEquals(0, entry >>> 16, "layer q");
        assertEquals(40005, entry & 0xFFFF);
        assertEquals((0xFFFFFFF0L + 15000) & 0xFFFFFFFFL, h.timestamp(65535), "32-bit wrap");
        entry = h.lookup(0);
        assertEquals(2, entry >>> 16, "layer f");
        assertEquals(40006, entry & 0xFFFF);
        assertEquals((0xFFFFFFF0L + 18000) & 0xFFFFFFFFL, h.timestamp(0));
        assertEquals(32767, RewriteHistory.pictureId(h.vp8Fields(65532)));
        assertEquals(0, RewriteHistory.pictureId(h.vp8Fields(65533)), "15-bit wrap");
        // 16 slots: recording 16 more outgoing numbers overwrites 65530's slot.
        for (int i = 12; i < 28; i++) {
            h.record((65530 + i) & 0xFFFF, 2, (40000 + i) & 0xFFFF, 0, RewriteHistory.NO_VP8);
        }
        assertEquals(-1, h.lookup(65530), "forgotten, not confused with 10");
        assertEquals(2 << 16 | 40016, h.lookup(10));
        assertEquals(-1, h.lookup(12345), "never sent");
    }
}
