package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

/**
 * Fuzzes the RFC 7741 descriptor readers and the RFC 6386 key frame size readers, the in-place
 * setters through a read-back, and the writer through a read-back.
 */
class Vp8PayloadDescriptorFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void readAndWrite(FuzzedDataProvider in) {
        boolean nonRef = in.consumeBoolean();
        boolean start = in.consumeBoolean();
        int pid = in.consumeInt(0, 7);
        int pictureId = in.consumeInt(-1, 0x7FFF);
        boolean longId = in.consumeBoolean();
        int tl0 = in.consumeInt(-1, 255);
        int tid = in.consumeInt(-1, 3);
        boolean sync = in.consumeBoolean();
        int keyIdx = in.consumeInt(-1, 31);
        int newPictureId = in.consumeInt();
        int newTl0 = in.consumeInt();
        int newKeyIdx = in.consumeInt();
        byte[] data = in.consumeRemainingAsBytes();

        int len = data.length;
        byte[] embedded = FuzzWindows.embed(data);
        int off = FuzzWindows.BEFORE;
        int d = Vp8PayloadDescriptor.length(data, 0, len);
        assertEquals(d, Vp8PayloadDescriptor.length(embedded, off, len));
        assertTrue(d == -1 || (d >= 1 && d <= 6 && d <= len));
        int picture = Vp8PayloadDescriptor.pictureId(embedded, off, len);
        assertEquals(Vp8PayloadDescriptor.pictureId(data, 0, len), picture);
        assertTrue(picture >= -1 && picture <= 0x7FFF);
        assertEquals(Vp8PayloadDescriptor.tl0PicIdx(data, 0, len), Vp8PayloadDescriptor.tl0PicIdx(embedded, off, len));
        int t = Vp8PayloadDescriptor.temporalLayer(embedded, off, len);
        assertEquals(Vp8PayloadDescriptor.temporalLayer(data, 0, len), t);
        assertTrue(t >= -1 && t <= 3);
        assertEquals(Vp8PayloadDescriptor.keyIndex(data, 0, len), Vp8PayloadDescriptor.keyIndex(embedded, off, len));
        assertEquals(Vp8PayloadDescriptor.isLayerSync(data, 0, len), Vp8PayloadDescriptor.isLayerSync(embedded, off, len));
        boolean key = Vp8PayloadDescriptor.isKeyframe(data, 0, len);
        assertEquals(key, Vp8PayloadDescriptor.isKeyframe(embedded, off, len));
        if (key) {
            assertTrue(d >= 1 && Vp8PayloadDescriptor.isStartOfFrame(data, 0, len));
        }
        int width = Vp8PayloadDescriptor.keyframeWidth(embedded, off, len);
        int height = Vp8PayloadDescriptor.keyframeHeight(embedded, off, len);
        assertEquals(Vp8PayloadDescriptor.keyframeWidth(data, 0, len), width);
        assertEquals(Vp8PayloadDescriptor.keyframeHeight(data, 0, len), height);
        assertEquals(key, width >= 0);
        assertEquals(key, height >= 0);
        assertTrue(width <= 0x3FFF && height <= 0x3FFF);

        setAndReadBack(data, embedded, off, newPictureId, newTl0, newKeyIdx);

        byte[] out = new byte[8];
        int n = Vp8PayloadDescriptor.write(out, 1, nonRef, start, pid, pictureId, longId, tl0, tid, sync, keyIdx);
        assertEquals(n, Vp8PayloadDescriptor.length(out, 1, n));
        assertEquals(pictureId, Vp8PayloadDescriptor.pictureId(out, 1, n));
        assertEquals(tl0, Vp8PayloadDescriptor.tl0PicIdx(out, 1, n));
        assertEquals(tid, Vp8PayloadDescriptor.temporalLayer(out, 1, n));
        assertEquals(keyIdx, Vp8PayloadDescriptor.keyIndex(out, 1, n));
        assertEquals(pid, Vp8PayloadDescriptor.partitionIndex(out, 1, n));
        assertEquals(start, Vp8PayloadDescriptor.isStartOfPartition(out, 1, n));
        assertEquals(nonRef, Vp8PayloadDescriptor.isNonReference(out, 1, n));
    }

    /**
     * The setters succeed exactly when the reader finds the field, keep its width, change no
     * other field, and write nothing outside the window (checked on the embedded copy).
     */
    private static void setAndReadBack(byte[] data, byte[] embedded, int off, int pictureId, int tl0, int keyIdx) {
        int len = data.length;
        byte[] before = embedded.clone();
        int d = Vp8PayloadDescriptor.length(data, 0, len);
        int oldPicture = Vp8PayloadDescriptor.pictureId(data, 0, len);
        int oldTl0 = Vp8PayloadDescriptor.tl0PicIdx(data, 0, len);
        int oldKeyIdx = Vp8PayloadDescriptor.keyIndex(data, 0, len);
        int tid = Vp8PayloadDescriptor.temporalLayer(data, 0, len);
        boolean sync = Vp8PayloadDescriptor.isLayerSync(data, 0, len);
        boolean longId = Vp8PayloadDescriptor.hasLongPictureId(data, 0, len);

        assertEquals(oldPicture >= 0, Vp8PayloadDescriptor.setPictureId(embedded, off, len, pictureId));
        assertEquals(oldTl0 >= 0, Vp8PayloadDescriptor.setTl0PicIdx(embedded, off, len, tl0));
        assertEquals(oldKeyIdx >= 0, Vp8PayloadDescriptor.setKeyIndex(embedded, off, len, keyIdx));

        assertEquals(d, Vp8PayloadDescriptor.length(embedded, off, len));
        assertEquals(longId, Vp8PayloadDescriptor.hasLongPictureId(embedded, off, len));
        assertEquals(oldPicture < 0 ? -1 : pictureId & (longId ? 0x7FFF : 0x7F),
                Vp8PayloadDescriptor.pictureId(embedded, off, len));
        assertEquals(oldTl0 < 0 ? -1 : tl0 & 0xFF, Vp8PayloadDescriptor.tl0PicIdx(embedded, off, len));
        assertEquals(oldKeyIdx < 0 ? -1 : keyIdx & 0x1F, Vp8PayloadDescriptor.keyIndex(embedded, off, len));
        assertEquals(tid, Vp8PayloadDescriptor.temporalLayer(embedded, off, len));
        assertEquals(sync, Vp8PayloadDescriptor.isLayerSync(embedded, off, len));
        for (int i = 0; i < embedded.length; i++) {
            boolean inWindow = i >= off && i < off + len;
            if (!inWindow || i >= off + Math.max(d, 0)) {
                assertEquals(before[i], embedded[i], "byte " + i + " outside the descriptor changed");
            }
        }
    }
}
