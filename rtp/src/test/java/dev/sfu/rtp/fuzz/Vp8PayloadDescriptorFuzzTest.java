package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;

/** Fuzzes the RFC 7741 descriptor readers, and the writer through a read-back. */
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
}
