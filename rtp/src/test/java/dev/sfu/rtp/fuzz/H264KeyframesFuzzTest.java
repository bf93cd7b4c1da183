package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.codec.H264Keyframes;

/** Fuzzes RFC 6184 key frame detection over single NAL, STAP-A and FU-A payloads. */
class H264KeyframesFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void isKeyframe(byte[] data) {
        int len = data.length;
        boolean key = H264Keyframes.isKeyframe(data, 0, len);
        byte[] embedded = FuzzWindows.embed(data);
        assertEquals(key, H264Keyframes.isKeyframe(embedded, FuzzWindows.BEFORE, len));
        int type = H264Keyframes.nalType(data, 0, len);
        assertEquals(type, H264Keyframes.nalType(embedded, FuzzWindows.BEFORE, len));
        if (key) {
            assertTrue(type == H264Keyframes.NAL_IDR || type == H264Keyframes.NAL_SPS
                    || type == H264Keyframes.STAP_A || type == H264Keyframes.FU_A, "type " + type);
        }
        for (int cut = 0; cut < Math.min(len, 16); cut++) {
            H264Keyframes.isKeyframe(data, 0, cut);
        }
    }
}
