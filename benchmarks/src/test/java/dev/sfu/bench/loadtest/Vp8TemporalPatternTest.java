package dev.sfu.bench.loadtest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 7741 section 4.2: TID, TL0PICIDX and Y of three temporal layers. */
class Vp8TemporalPatternTest {
    @Test
    void tidRepeats0212AndTl0PicIdxCountsBaseLayerFramesWrappingAt8Bits() {
        Vp8TemporalPattern p = new Vp8TemporalPattern(253);
        List<Integer> tids = new ArrayList<>();
        List<Integer> tl0 = new ArrayList<>();
        List<Boolean> sync = new ArrayList<>();
        List<Boolean> nonRef = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            p.nextFrame(i == 0);
            tids.add(p.temporalLayer());
            tl0.add(p.tl0PicIdx());
            sync.add(p.layerSync());
            nonRef.add(p.nonReference());
        }
        assertEquals(List.of(0, 2, 1, 2, 0, 2, 1, 2, 0, 2, 1, 2), tids);
        assertEquals(List.of(254, 254, 254, 254, 255, 255, 255, 255, 0, 0, 0, 0), tl0,
                "incremented on each TID 0 frame, carried by the frames after it");
        assertEquals(List.of(false, true, true, false, false, true, true, false, false, true, true, false), sync,
                "Y on the first TID 2 and the first TID 1 frame after each TID 0 frame");
        assertEquals(List.of(false, true, false, true, false, true, false, true, false, true, false, true), nonRef,
                "TID 2 frames are not referenced");
    }

    @Test
    void aKeyFrameRestartsThePatternAtTid0() {
        Vp8TemporalPattern p = new Vp8TemporalPattern(0);
        p.nextFrame(true);
        p.nextFrame(false);
        assertEquals(2, p.temporalLayer());
        p.nextFrame(true);
        assertEquals(0, p.temporalLayer());
        assertEquals(2, p.tl0PicIdx());
        p.nextFrame(false);
        assertEquals(2, p.temporalLayer());
        assertEquals(true, p.layerSync());
    }
}
