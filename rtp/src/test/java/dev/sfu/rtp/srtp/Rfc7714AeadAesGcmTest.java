package dev.sfu.rtp.srtp;

import static dev.sfu.rtp.srtp.SrtpFixtures.hex;
import static dev.sfu.rtp.srtp.SrtpFixtures.slice;
import static dev.sfu.rtp.srtp.SrtpFixtures.withRoom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * AEAD_AES_128_GCM (RFC 7714) cross-checked against the test's own implementation with
 * javax.crypto's AES/GCM/NoPadding: the section 8.1 IV (SSRC, ROC, SEQ XOR salt) with the RTP header
 * as AAD, and the section 9.1 IV with the first 8 octets and the E flag and index as AAD, the index
 * after the tag. The RFC's section 16/17 example packets are not reproduced here (they were not
 * available to copy exactly); this compares two implementations written independently.
 */
class Rfc7714AeadAesGcmTest {
    private static final byte[] MASTER_KEY = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] MASTER_SALT = hex("517569642070726f2071756f"); // "Quid pro quo", 12 bytes
    private static final byte[] OTHER_KEY = hex("f0e0d0c0b0a090807060504030201000");
    private static final byte[] OTHER_SALT = hex("0102030405060708090a0b0c");

    @Test
    void rfc7714Section8SrtpMatchesIndependentGcm() {
        SrtpSession session = sender();
        for (byte[] rtp : new byte[][] {SrtpFixtures.opusWithAudioLevel(), SrtpFixtures.videoWithCsrcsAndExtension()}) {
            byte[] buf = withRoom(rtp, 5, SrtpSession.MAX_RTP_TRAILER);
            int len = session.encryptRtp(buf, 5, rtp.length);
            assertEquals(rtp.length + 16, len);
            assertArrayEquals(ReferenceSrtp.protectRtpGcm(MASTER_KEY, MASTER_SALT, rtp, 0), slice(buf, 5, len));
        }
    }

    @Test
    void rfc7714Section8_1RocEntersIvAfterSequenceWrap() {
        SrtpSession session = sender();
        int[] seqs = {65535, 0, 1};
        int[] rocs = {0, 1, 1};
        for (int i = 0; i < seqs.length; i++) {
            byte[] rtp = SrtpFixtures.simple(0xcafe0001, seqs[i]);
            byte[] buf = withRoom(rtp, 0, 16);
            int len = session.encryptRtp(buf, 0, rtp.length);
            assertArrayEquals(ReferenceSrtp.protectRtpGcm(MASTER_KEY, MASTER_SALT, rtp, rocs[i]),
                    slice(buf, 0, len), "seq " + seqs[i]);
        }
    }

    @Test
    void rfc7714Section9SrtcpMatchesIndependentGcm() {
        SrtpSession session = sender();
        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        for (int index = 0; index < 3; index++) {
            byte[] buf = withRoom(rtcp, 1, SrtpSession.MAX_RTCP_TRAILER);
            int len = session.encryptRtcp(buf, 1, rtcp.length);
            assertEquals(rtcp.length + 20, len);
            assertArrayEquals(ReferenceSrtp.protectRtcpGcm(MASTER_KEY, MASTER_SALT, rtcp, index),
                    slice(buf, 1, len), "SRTCP index " + index);
        }
    }

    @Test
    void independentGcmPacketsDecryptWithJitsiSrtp() {
        SrtpSession receiver = SrtpSession.fromMasterKeys(SrtpProfile.AEAD_AES_128_GCM,
                OTHER_KEY, OTHER_SALT, MASTER_KEY, MASTER_SALT);
        byte[] rtp = SrtpFixtures.opusWithAudioLevel();
        byte[] srtp = ReferenceSrtp.protectRtpGcm(MASTER_KEY, MASTER_SALT, rtp, 0);
        assertEquals(rtp.length, receiver.decryptRtp(srtp, 0, srtp.length));
        assertArrayEquals(rtp, slice(srtp, 0, rtp.length));

        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        byte[] srtcp = ReferenceSrtp.protectRtcpGcm(MASTER_KEY, MASTER_SALT, rtcp, 9);
        assertEquals(rtcp.length, receiver.decryptRtcp(srtcp, 0, srtcp.length));
        assertArrayEquals(rtcp, slice(srtcp, 0, rtcp.length));
    }

    private static SrtpSession sender() {
        return SrtpSession.fromMasterKeys(SrtpProfile.AEAD_AES_128_GCM, MASTER_KEY, MASTER_SALT, OTHER_KEY, OTHER_SALT);
    }
}
