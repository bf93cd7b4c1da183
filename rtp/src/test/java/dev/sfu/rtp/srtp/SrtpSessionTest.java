package dev.sfu.rtp.srtp;

import static dev.sfu.rtp.srtp.SrtpFixtures.slice;
import static dev.sfu.rtp.srtp.SrtpFixtures.withRoom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Round trips and refusals of {@link SrtpSession}, in both profiles. */
class SrtpSessionTest {
    private static final int OFF = 13;

    /** A pair of sessions keyed from one exporter output, as the two ends of DTLS-SRTP. */
    private static SrtpSession[] pair(SrtpProfile profile) {
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (31 * i + 7);
        }
        return new SrtpSession[] {
            SrtpSession.fromKeyingMaterial(profile, material, true),
            SrtpSession.fromKeyingMaterial(profile, material, false),
        };
    }

    /** Encrypts a copy of {@code packet} at offset OFF; returns the buffer, SRTP length at [0]. */
    private static byte[] protect(SrtpSession s, byte[] packet, int[] lenOut) {
        byte[] buf = withRoom(packet, OFF, SrtpSession.MAX_RTP_TRAILER);
        lenOut[0] = s.encryptRtp(buf, OFF, packet.length);
        return buf;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripInPlaceWithCsrcsAndExtensions(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        for (byte[] rtp : new byte[][] {SrtpFixtures.opusWithAudioLevel(), SrtpFixtures.videoWithCsrcsAndExtension()}) {
            int[] len = new int[1];
            byte[] buf = protect(ends[0], rtp, len);
            assertEquals(rtp.length + profile.rtpTagLength(), len[0]);
            int header = ReferenceSrtp.rtpHeaderLength(rtp);
            // The header stays in the clear, the payload does not.
            assertArrayEquals(slice(rtp, 0, header), slice(buf, OFF, header));
            assertFalse(Arrays.equals(slice(rtp, header, rtp.length - header), slice(buf, OFF + header, rtp.length - header)));
            assertEquals(0x5a, buf[OFF - 1]); // nothing before the packet was touched

            assertEquals(rtp.length, ends[1].decryptRtp(buf, OFF, len[0]));
            assertArrayEquals(rtp, slice(buf, OFF, rtp.length));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripInPlaceBothDirections(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        for (int dir = 0; dir < 2; dir++) {
            byte[] buf = withRoom(rtcp, OFF, SrtpSession.MAX_RTCP_TRAILER);
            int len = ends[dir].encryptRtcp(buf, OFF, rtcp.length);
            assertEquals(rtcp.length + profile.rtcpTrailerLength(), len);
            assertArrayEquals(slice(rtcp, 0, 8), slice(buf, OFF, 8)); // header and sender SSRC in the clear
            assertEquals(rtcp.length, ends[1 - dir].decryptRtcp(buf, OFF, len));
            assertArrayEquals(rtcp, slice(buf, OFF, rtcp.length));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc5764KeyingMaterialSplitLetsClientAndServerInteroperate(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        byte[] rtp = SrtpFixtures.simple(42, 100);
        int[] len = new int[1];
        // Server to client.
        byte[] buf = protect(ends[1], rtp, len);
        assertEquals(rtp.length, ends[0].decryptRtp(buf, OFF, len[0]));
        // A client packet looped back to the client fails: each direction has its own key.
        buf = protect(ends[0], SrtpFixtures.simple(43, 100), len);
        assertEquals(SrtpError.AUTH_FAILED.code(), ends[0].decryptRtp(buf, OFF, len[0]));
    }

    @Test
    void rfc5764Section4_2KeyingMaterialIsClientKeyServerKeyClientSaltServerSalt() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] material = new byte[p.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        byte[] clientKey = Arrays.copyOfRange(material, 0, 16);
        byte[] serverKey = Arrays.copyOfRange(material, 16, 32);
        byte[] clientSalt = Arrays.copyOfRange(material, 32, 46);
        byte[] serverSalt = Arrays.copyOfRange(material, 46, 60);
        byte[] rtp = SrtpFixtures.opusWithAudioLevel();

        int[] len = new int[1];
        byte[] fromClient = protect(SrtpSession.fromKeyingMaterial(p, material, true), rtp, len);
        assertArrayEquals(ReferenceSrtp.protectRtpAesCm(clientKey, clientSalt, rtp, 0), slice(fromClient, OFF, len[0]));
        byte[] fromServer = protect(SrtpSession.fromKeyingMaterial(p, material, false), rtp, len);
        assertArrayEquals(ReferenceSrtp.protectRtpAesCm(serverKey, serverSalt, rtp, 0), slice(fromServer, OFF, len[0]));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711Section3_3_1SequenceWrapIncrementsRocAndLatePacketsStillDecrypt(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        int ssrc = 0x0badcafe;
        int[] sent = {65533, 65534, 65535, 0, 1, 2};
        byte[][] wire = new byte[sent.length][];
        int[] lens = new int[sent.length];
        for (int i = 0; i < sent.length; i++) {
            int[] len = new int[1];
            wire[i] = protect(ends[0], SrtpFixtures.simple(ssrc, sent[i]), len);
            lens[i] = len[0];
        }
        // Delivered out of order across the wrap: 65533, 0 (ROC 1), 65535 and 65534 late (ROC 0), 2, 1.
        int[] order = {0, 3, 2, 1, 5, 4};
        for (int i : order) {
            assertEquals(12 + 160, ends[1].decryptRtp(wire[i], OFF, lens[i]), "seq " + sent[i]);
            assertArrayEquals(SrtpFixtures.simple(ssrc, sent[i]), slice(wire[i], OFF, 12 + 160));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711Section3_3_2ReplayedRtpAndRtcpAreRejected(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        int[] len = new int[1];
        byte[] buf = protect(ends[0], SrtpFixtures.simple(7, 1000), len);
        byte[] copy = buf.clone();
        assertEquals(12 + 160, ends[1].decryptRtp(buf, OFF, len[0]));
        assertEquals(SrtpError.REPLAY.code(), ends[1].decryptRtp(copy.clone(), OFF, len[0]));
        // Far behind the 64-packet window is refused too.
        for (int seq = 1001; seq < 1100; seq++) {
            byte[] b = protect(ends[0], SrtpFixtures.simple(7, seq), len);
            assertTrue(ends[1].decryptRtp(b, OFF, len[0]) > 0);
        }
        assertEquals(SrtpError.REPLAY.code(), ends[1].decryptRtp(copy, OFF, 12 + 160 + profile.rtpTagLength()));

        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        byte[] r = withRoom(rtcp, OFF, SrtpSession.MAX_RTCP_TRAILER);
        int rlen = ends[0].encryptRtcp(r, OFF, rtcp.length);
        byte[] rcopy = r.clone();
        assertEquals(rtcp.length, ends[1].decryptRtcp(r, OFF, rlen));
        assertEquals(SrtpError.REPLAY.code(), ends[1].decryptRtcp(rcopy, OFF, rlen));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedBytesFailAuthenticationAndLeaveTheContextUsable(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        byte[] rtp = SrtpFixtures.videoWithCsrcsAndExtension();
        int[] len = new int[1];
        byte[] good = protect(ends[0], rtp, len);
        // One flipped bit anywhere (header, extension, payload, tag) fails authentication.
        for (int i : new int[] {1, 9, 21, 30, len[0] - 1}) {
            byte[] bad = good.clone();
            bad[OFF + i] ^= 0x01;
            assertEquals(SrtpError.AUTH_FAILED.code(), ends[1].decryptRtp(bad, OFF, len[0]), "byte " + i);
        }
        // The genuine packet still decrypts: failures changed neither ROC nor replay window.
        assertEquals(rtp.length, ends[1].decryptRtp(good, OFF, len[0]));
        assertArrayEquals(rtp, slice(good, OFF, rtp.length));

        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        byte[] r = withRoom(rtcp, OFF, SrtpSession.MAX_RTCP_TRAILER);
        int rlen = ends[0].encryptRtcp(r, OFF, rtcp.length);
        byte[] bad = r.clone();
        bad[OFF + 12] ^= (byte) 0x80;
        assertEquals(SrtpError.AUTH_FAILED.code(), ends[1].decryptRtcp(bad, OFF, rlen));
        assertEquals(rtcp.length, ends[1].decryptRtcp(r, OFF, rlen));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void forgedPacketsForNewSsrcsDoNotTakeContextSlots(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        for (int ssrc = 0; ssrc < 200; ssrc++) {
            byte[] forged = withRoom(SrtpFixtures.simple(ssrc, 1), 0, 16);
            assertEquals(SrtpError.AUTH_FAILED.code(), ends[1].decryptRtp(forged, 0, 12 + 160 + profile.rtpTagLength()));
        }
        assertEquals(0, ends[1].rtpSsrcCount(false));
        int[] len = new int[1];
        byte[] buf = protect(ends[0], SrtpFixtures.simple(5, 1), len);
        assertEquals(12 + 160, ends[1].decryptRtp(buf, OFF, len[0]));
        assertEquals(1, ends[1].rtpSsrcCount(false));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void truncatedInputReturnsTruncatedAndNeverThrows(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        byte[] rtp = SrtpFixtures.videoWithCsrcsAndExtension();
        int[] len = new int[1];
        byte[] good = protect(ends[0], rtp, len);
        int header = ReferenceSrtp.rtpHeaderLength(rtp);
        for (int cut = 0; cut < header + profile.rtpTagLength(); cut++) {
            assertEquals(SrtpError.TRUNCATED.code(), ends[1].decryptRtp(good.clone(), OFF, cut), "length " + cut);
        }
        // Longer cuts keep the header but lose tag bytes: authentication fails, nothing throws.
        for (int cut = header + profile.rtpTagLength(); cut < len[0]; cut++) {
            assertTrue(ends[1].decryptRtp(good.clone(), OFF, cut) < 0, "length " + cut);
        }
        for (int cut = 0; cut < 8 + profile.rtcpTrailerLength(); cut++) {
            assertEquals(SrtpError.TRUNCATED.code(), ends[1].decryptRtcp(good.clone(), OFF, cut), "RTCP length " + cut);
        }
        // An extension length that runs past the end, on both sides.
        byte[] lying = rtp.clone();
        lying[12 + 8 + 3] = 50;
        assertEquals(SrtpError.TRUNCATED.code(), ends[0].encryptRtp(withRoom(lying, 0, 16), 0, lying.length));
        assertEquals(SrtpError.TRUNCATED.code(), ends[1].decryptRtp(withRoom(lying, 0, 16), 0, lying.length));
        // Bounds that do not fit the array, and a non-RTP first byte.
        assertEquals(SrtpError.INVALID.code(), ends[1].decryptRtp(good, good.length - 5, 20));
        assertEquals(SrtpError.INVALID.code(), ends[1].decryptRtp(null, 0, 0));
        assertEquals(SrtpError.INVALID.code(), ends[0].encryptRtp(good, -1, 20));
        byte[] notRtp = withRoom(rtp, 0, 16);
        notRtp[0] = 0x16; // a DTLS record
        assertEquals(SrtpError.INVALID.code(), ends[0].encryptRtp(notRtp, 0, rtp.length));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void encryptWithoutTailRoomIsRefusedUntouched(SrtpProfile profile) {
        SrtpSession s = pair(profile)[0];
        byte[] rtp = SrtpFixtures.opusWithAudioLevel();
        byte[] buf = withRoom(rtp, 0, profile.rtpTagLength() - 1);
        byte[] before = buf.clone();
        assertEquals(SrtpError.NO_TAIL_ROOM.code(), s.encryptRtp(buf, 0, rtp.length));
        assertArrayEquals(before, buf);
        byte[] rtcp = SrtpFixtures.senderReportWithSdes();
        buf = withRoom(rtcp, 0, profile.rtcpTrailerLength() - 1);
        assertEquals(SrtpError.NO_TAIL_ROOM.code(), s.encryptRtcp(buf, 0, rtcp.length));
    }

    @Test
    void aSessionSendsTheStreamsOfAFiftyPersonRoom() {
        // 49 other participants x (audio, video, RTX), plus recycled sections: the 64-context bound
        // of the receive side refused the 22nd publisher's streams when it applied to sending too.
        byte[] material = new byte[SrtpProfile.AEAD_AES_128_GCM.keyingMaterialLength()];
        SrtpSession s = SrtpSession.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, material, false);
        for (int ssrc = 1; ssrc <= 300; ssrc++) {
            assertTrue(s.encryptRtp(withRoom(SrtpFixtures.simple(ssrc, 1), 0, 16), 0, 172) > 0, "SSRC " + ssrc);
        }
        assertEquals(300, s.rtpSsrcCount(true));
        s.close();
    }

    @Test
    void retiredSendingSsrcsFreeTheirContextsSoChurnNeverReachesTheBound() {
        // A subscriber that stays while 5,000 publisher streams come and go: each new stream is
        // a new SSRC (retired ones are never reused), 5x the sending bound.
        byte[] material = new byte[SrtpProfile.AEAD_AES_128_GCM.keyingMaterialLength()];
        SrtpSession s = SrtpSession.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, material, false);
        int live = 40;
        for (int ssrc = 1; ssrc <= 5_000; ssrc++) {
            assertTrue(s.encryptRtp(withRoom(SrtpFixtures.simple(ssrc, 1), 0, 16), 0, 172) > 0, "SSRC " + ssrc);
            if (ssrc > live) {
                assertTrue(s.forgetSendingSsrc(ssrc - live), "context of SSRC " + (ssrc - live));
            }
        }
        assertEquals(live, s.rtpSsrcCount(true));
        assertFalse(s.forgetSendingSsrc(1), "already forgotten");
        // The streams still live keep their state (no new context: the count stays).
        for (int ssrc = 5_000 - live + 1; ssrc <= 5_000; ssrc++) {
            assertTrue(s.encryptRtp(withRoom(SrtpFixtures.simple(ssrc, 2), 0, 16), 0, 172) > 0);
        }
        assertEquals(live, s.rtpSsrcCount(true));
        s.close();
    }

    @Test
    void newSsrcsBeyondTheLimitAreRefused() {
        SrtpProfile p = SrtpProfile.AEAD_AES_128_GCM;
        byte[] k = new byte[16];
        byte[] salt = new byte[12];
        SrtpSession s = new SrtpSession(p, k, salt, k, salt, 4);
        for (int ssrc = 1; ssrc <= 4; ssrc++) {
            assertTrue(s.encryptRtp(withRoom(SrtpFixtures.simple(ssrc, 1), 0, 16), 0, 172) > 0);
        }
        assertEquals(SrtpError.TOO_MANY_SSRCS.code(), s.encryptRtp(withRoom(SrtpFixtures.simple(5, 1), 0, 16), 0, 172));
        // Known SSRCs keep working.
        assertTrue(s.encryptRtp(withRoom(SrtpFixtures.simple(3, 2), 0, 16), 0, 172) > 0);
        assertEquals(4, s.rtpSsrcCount(true));
    }

    @Test
    void closedSessionRefusesEverything() {
        SrtpSession[] ends = pair(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
        int[] len = new int[1];
        byte[] buf = protect(ends[0], SrtpFixtures.simple(1, 1), len);
        ends[1].close();
        ends[1].close();
        assertEquals(SrtpError.CLOSED.code(), ends[1].decryptRtp(buf, OFF, len[0]));
        assertEquals(SrtpError.CLOSED.code(), ends[1].encryptRtcp(buf, OFF, 20));
    }

    @Test
    void wrongKeyLengthsAreRejectedAtSetUp() {
        assertThrows(IllegalArgumentException.class, () ->
                SrtpSession.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, new byte[60], true));
        assertThrows(IllegalArgumentException.class, () -> SrtpSession.fromMasterKeys(
                SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16], new byte[12], new byte[16], new byte[14]));
    }

    @Test
    void encryptAndDecryptSidesRunConcurrentlyOnTwoThreads() throws Exception {
        SrtpSession[] ends = pair(SrtpProfile.AEAD_AES_128_GCM);
        int n = 5_000;
        // Packets from the far end, protected up front, for ends[0] to decrypt on its receive thread.
        byte[][] incoming = new byte[n][];
        int[] incomingLen = new int[n];
        for (int i = 0; i < n; i++) {
            int[] len = new int[1];
            incoming[i] = protect(ends[1], SrtpFixtures.simple(77, i), len);
            incomingLen[i] = len[0];
        }
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        Thread rx = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                if (ends[0].decryptRtp(incoming[i], OFF, incomingLen[i]) != 12 + 160
                        || !Arrays.equals(SrtpFixtures.simple(77, i), slice(incoming[i], OFF, 12 + 160))) {
                    failures.incrementAndGet();
                }
            }
        });
        rx.start();
        byte[][] outgoing = new byte[n][];
        int[] outgoingLen = new int[n];
        for (int i = 0; i < n; i++) {
            int[] len = new int[1];
            outgoing[i] = protect(ends[0], SrtpFixtures.simple(88, i), len);
            outgoingLen[i] = len[0];
        }
        rx.join();
        assertEquals(0, failures.get());
        for (int i = 0; i < n; i++) {
            assertEquals(12 + 160, ends[1].decryptRtp(outgoing[i], OFF, outgoingLen[i]), "packet " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void randomlyDamagedPacketsNeverThrowAndNeverDecrypt(SrtpProfile profile) {
        SrtpSession[] ends = pair(profile);
        java.util.Random random = new java.util.Random(7714);
        for (int round = 0; round < 3000; round++) {
            byte[] rtp = round % 2 == 0 ? SrtpFixtures.videoWithCsrcsAndExtension() : SrtpFixtures.simple(42, 0);
            rtp[2] = (byte) (round >>> 8);
            rtp[3] = (byte) round;
            int[] len = new int[1];
            byte[] buf = protect(ends[0], rtp, len);
            assertTrue(len[0] > 0);
            // Damage 1 to 4 distinct bytes (flips at one position could cancel out).
            int flips = 1 + random.nextInt(4);
            java.util.BitSet hit = new java.util.BitSet();
            while (hit.cardinality() < flips) {
                int at = random.nextInt(len[0]);
                if (!hit.get(at)) {
                    hit.set(at);
                    buf[OFF + at] ^= (byte) (1 + random.nextInt(255));
                }
            }
            int cut = random.nextInt(4) == 0 ? random.nextInt(len[0] + 1) : len[0];
            int r = ends[1].decryptRtp(buf, OFF, cut);
            assertTrue(r < 0, "a damaged packet decrypted, round " + round);
            assertTrue(SrtpError.fromCode(r) != null);
            int rc = ends[1].decryptRtcp(buf, OFF, cut);
            assertTrue(rc < 0 && SrtpError.fromCode(rc) != null);
        }
    }

    @Test
    void warmUpRunsBothProfiles() {
        assertEquals(SrtpProfile.values().length, SrtpSession.warmUp(), "every profile protected RTP and RTCP");
        assertEquals(SrtpProfile.values().length, SrtpSession.warmUp(), "and again: warming up twice is harmless");
    }

    @Test
    void errorCodesAreNegativeAndRoundTrip() {
        for (SrtpError e : SrtpError.values()) {
            assertTrue(e.code() < 0);
            assertEquals(e, SrtpError.fromCode(e.code()));
        }
        assertNull(SrtpError.fromCode(0));
        assertNull(SrtpError.fromCode(172));
        assertNull(SrtpError.fromCode(-1000));
    }

    @Test
    void trailerConstantsCoverEveryProfile() {
        for (SrtpProfile p : SrtpProfile.values()) {
            assertTrue(p.rtpTagLength() <= SrtpSession.MAX_RTP_TRAILER);
            assertTrue(p.rtcpTrailerLength() <= SrtpSession.MAX_RTCP_TRAILER);
        }
    }
}
