package dev.sfu.rtp.srtp;

import static dev.sfu.rtp.srtp.SrtpFixtures.hex;
import static dev.sfu.rtp.srtp.SrtpFixtures.slice;
import static dev.sfu.rtp.srtp.SrtpFixtures.withRoom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * AES_CM_128_HMAC_SHA1_80 against RFC 3711 Appendix B. jitsi-srtp does not expose its session
 * keys, so the chain is: the test's reference implementation reproduces the Appendix B.2 keystream
 * and the Appendix B.3 derived keys; jitsi-srtp, keyed with the B.3 master key and salt, produces
 * exactly the packet the reference builds from the B.3 session keys as printed in the RFC.
 */
class Rfc3711AesCmTest {
    // RFC 3711 Appendix B.2, AES-CM keystream.
    private static final byte[] B2_SESSION_KEY = hex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] B2_IV = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"); // salt * 2^16, SSRC 0, index 0

    // RFC 3711 Appendix B.3, key derivation.
    private static final byte[] B3_MASTER_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_MASTER_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");
    private static final byte[] B3_CIPHER_KEY = hex("C61E7A93744F39EE10734AFE3FF7A087");
    private static final byte[] B3_CIPHER_SALT = hex("30CBBC08863D8C85D49DB34A9AE1");
    private static final byte[] B3_AUTH_KEY = hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

    private static final byte[] OTHER_KEY = hex("00112233445566778899aabbccddeeff");
    private static final byte[] OTHER_SALT = hex("0102030405060708090a0b0c0d0e");

    @Test
    void rfc3711AppendixB2KeystreamMatchesReferenceAesCm() {
        byte[] keystream = ReferenceSrtp.aesCtr(B2_SESSION_KEY, B2_IV, new byte[16 * 0x10000]);
        assertEquals("e03ead0935c95e80e166b16dd92b4eb4", hex(keystream, 16 * 0x0000, 16));
        assertEquals("d23513162b02d0f72a43a2fe4a5f97ab", hex(keystream, 16 * 0x0001, 16));
        assertEquals("41e95b3bb0a2e8dd477901e4fca894c0", hex(keystream, 16 * 0x0002, 16));
        assertEquals("ec8cdf7398607cb0f2d21675ea9ea1e4", hex(keystream, 16 * 0xFEFF, 16));
        assertEquals("362b7c3c6773516318a077d7fc5073ae", hex(keystream, 16 * 0xFF00, 16));
        assertEquals("6a2cc3787889374fbeb4c81b17ba6c44", hex(keystream, 16 * 0xFF01, 16));
    }

    @Test
    void rfc3711AppendixB3KeyDerivationMatchesReferenceKdf() {
        assertArrayEquals(B3_CIPHER_KEY, ReferenceSrtp.deriveSessionKey(
                B3_MASTER_KEY, B3_MASTER_SALT, ReferenceSrtp.LABEL_RTP_ENCRYPTION, 16));
        assertArrayEquals(B3_CIPHER_SALT, ReferenceSrtp.deriveSessionKey(
                B3_MASTER_KEY, B3_MASTER_SALT, ReferenceSrtp.LABEL_RTP_SALT, 14));
        assertArrayEquals(B3_AUTH_KEY, ReferenceSrtp.deriveSessionKey(
                B3_MASTER_KEY, B3_MASTER_SALT, ReferenceSrtp.LABEL_RTP_AUTH, 20));
    }

    @Test
    void rfc3711AppendixB3SessionKeysAreWhatJitsiSrtpEncryptsWith() {
        SrtpSession session = sessionSendingWithB3Keys();
        for (byte[] rtp : new byte[][] {SrtpFixtures.opusWithAudioLevel(), SrtpFixtures.videoWithCsrcsAndExtension()}) {
            byte[] buf = withRoom(rtp, 7, SrtpSession.MAX_RTP_TRAILER);
            int len = session.encryptRtp(buf, 7, rtp.length);
            assertEquals(rtp.length + 10, len);
            byte[] expected = ReferenceSrtp.protectRtpAesCmWithSessionKeys(
                    B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY, rtp, 0);
            assertArrayEquals(expected, slice(buf, 7, len));
        }
    }

    @Test
    void rfc3711Section3_3_1RolloverCounterEntersIvAndTagAfterSequenceWrap() {
        SrtpSession session = sessionSendingWithB3Keys();
        int[] seqs = {65534, 65535, 0, 1};
        int[] rocs = {0, 0, 1, 1};
        for (int i = 0; i < seqs.length; i++) {
            byte[] rtp = SrtpFixtures.simple(0x11223344, seqs[i]);
            byte[] buf = withRoom(rtp, 0, 10);
            int len = session.encryptRtp(buf, 0, rtp.length);
            byte[] expected = ReferenceSrtp.protectRtpAesCmWithSessionKeys(
                    B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY, rtp, rocs[i]);
            assertArrayEquals(expected, slice(buf, 0, len), "seq " + seqs[i]);
        }
    }

    @Test
    void rfc3711Section3_4SrtcpMatchesReferenceWithIncreasingIndex() {
        SrtpSession session = sessionSendingWithB3Keys();
        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        for (int index = 0; index < 3; index++) {
            byte[] buf = withRoom(rtcp, 3, SrtpSession.MAX_RTCP_TRAILER);
            int len = session.encryptRtcp(buf, 3, rtcp.length);
            assertEquals(rtcp.length + 14, len);
            byte[] expected = ReferenceSrtp.protectRtcpAesCm(B3_MASTER_KEY, B3_MASTER_SALT, rtcp, index);
            assertArrayEquals(expected, slice(buf, 3, len), "SRTCP index " + index);
        }
    }

    @Test
    void referenceProtectedPacketsDecryptWithJitsiSrtp() {
        SrtpSession receiver = SrtpSession.fromMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                OTHER_KEY, OTHER_SALT, B3_MASTER_KEY, B3_MASTER_SALT);
        byte[] rtp = SrtpFixtures.videoWithCsrcsAndExtension();
        byte[] srtp = ReferenceSrtp.protectRtpAesCm(B3_MASTER_KEY, B3_MASTER_SALT, rtp, 0);
        assertEquals(rtp.length, receiver.decryptRtp(srtp, 0, srtp.length));
        assertArrayEquals(rtp, slice(srtp, 0, rtp.length));

        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        byte[] srtcp = ReferenceSrtp.protectRtcpAesCm(B3_MASTER_KEY, B3_MASTER_SALT, rtcp, 5);
        assertEquals(rtcp.length, receiver.decryptRtcp(srtcp, 0, srtcp.length));
        assertArrayEquals(rtcp, slice(srtcp, 0, rtcp.length));
    }

    private static SrtpSession sessionSendingWithB3Keys() {
        return SrtpSession.fromMasterKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                B3_MASTER_KEY, B3_MASTER_SALT, OTHER_KEY, OTHER_SALT);
    }
}
