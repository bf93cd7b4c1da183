package dev.sfu.rtp.srtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary datagrams through all four operations of both profiles. The input sits after a prefix
 * and before the tail room, so a read outside the window would show as wrong output; nothing may
 * throw, and a result is either a negative {@link SrtpError} code or a length that fits the buffer.
 */
class SrtpSessionFuzzTest {
    private static final int PREFIX = 5;
    private final SrtpSession[] sessions = {
        SrtpSession.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, new byte[56], false),
        SrtpSession.fromKeyingMaterial(SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[60], true),
    };

    @FuzzTest(maxDuration = "5s")
    void everyOperationOnArbitraryBytes(byte[] data) {
        for (SrtpSession s : sessions) {
            for (int op = 0; op < 4; op++) {
                byte[] buf = new byte[PREFIX + data.length + SrtpSession.MAX_RTCP_TRAILER];
                System.arraycopy(data, 0, buf, PREFIX, data.length);
                int r;
                switch (op) {
                    case 0: r = s.decryptRtp(buf, PREFIX, data.length); break;
                    case 1: r = s.decryptRtcp(buf, PREFIX, data.length); break;
                    case 2: r = s.encryptRtp(buf, PREFIX, data.length); break;
                    default: r = s.encryptRtcp(buf, PREFIX, data.length); break;
                }
                if (r < 0) {
                    assertTrue(SrtpError.fromCode(r) != null, "unknown code " + r);
                } else if (op < 2) {
                    assertTrue(r <= data.length, "decrypt grew the packet");
                } else {
                    assertTrue(r <= data.length + SrtpSession.MAX_RTCP_TRAILER, "encrypt overran");
                }
                for (int i = 0; i < PREFIX; i++) {
                    assertTrue(buf[i] == 0, "wrote before the packet");
                }
            }
        }
    }
}
