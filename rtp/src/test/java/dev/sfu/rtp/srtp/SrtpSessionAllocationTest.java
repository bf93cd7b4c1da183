package dev.sfu.rtp.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SRTP and SRTCP protect and unprotect allocate nothing per packet once compiled, on the default
 * (native OpenSSL) crypto, measured with the JDK's per-thread allocation counter. Before C2 compiles
 * the path, C1 code allocates a few short-lived objects that escape analysis later removes, so the
 * test measures in rounds until one is clean, as JMH's warm-up does. The JDK's own AES (the SunJCE
 * fallback) allocates in {@code Cipher.init}, so the test is skipped there.
 */
class SrtpSessionAllocationTest {
    private static final int PACKETS = 5_000;
    private static final int ROUNDS = 40;
    /** Room for a one-off allocation in a round (a lazily made object); per packet it must be 0. */
    private static final long SLACK_BYTES = 1_024;

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectAndUnprotectAllocateNothingPerPacketOnceCompiled(SrtpProfile profile) {
        String factory = System.getProperty(JitsiSrtpBridge.AES_FACTORY_PROPERTY);
        assumeTrue(factory == null || factory.equals("OpenSSL"), "only the native OpenSSL AES is allocation-free");
        assumeTrue(JitsiOpenSslProvider.isLoaded(), "jitsi-srtp's native library did not load");
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (17 * i + 3);
        }
        try (SrtpSession a = SrtpSession.fromKeyingMaterial(profile, material, true);
                SrtpSession b = SrtpSession.fromKeyingMaterial(profile, material, false)) {
            byte[] buf = new byte[1_200 + SrtpSession.MAX_RTCP_TRAILER];
            int seq = 0;
            long rtp = Long.MAX_VALUE;
            long rtcp = Long.MAX_VALUE;
            for (int round = 0; round < ROUNDS && (rtp >= SLACK_BYTES || rtcp >= SLACK_BYTES); round++) {
                long before = allocatedBytes();
                seq = rtpRoundTrips(a, b, buf, seq);
                rtp = allocatedBytes() - before;
                before = allocatedBytes();
                rtcpRoundTrips(a, b, buf);
                rtcp = allocatedBytes() - before;
            }
            assertTrue(rtp < SLACK_BYTES && rtcp < SLACK_BYTES, profile + ": " + rtp + " bytes for " + PACKETS
                    + " RTP round trips, " + rtcp + " bytes for as many RTCP round trips, in the last round");
        }
    }

    /** Encrypts then decrypts a 1,200-byte RTP packet PACKETS times; returns the next sequence number. */
    private static int rtpRoundTrips(SrtpSession tx, SrtpSession rx, byte[] buf, int seq) {
        for (int i = 0; i < PACKETS; i++, seq++) {
            buf[0] = (byte) 0x80; // V=2, no CSRCs, no extension
            buf[1] = 111; // payload type 111
            buf[2] = (byte) (seq >>> 8);
            buf[3] = (byte) seq;
            buf[8] = 0x12; // SSRC 0x12345678
            buf[9] = 0x34;
            buf[10] = 0x56;
            buf[11] = 0x78;
            int len = tx.encryptRtp(buf, 0, 1_200);
            assertEquals(1_200 + tx.profile().rtpTagLength(), len);
            assertEquals(1_200, rx.decryptRtp(buf, 0, len));
        }
        return seq;
    }

    /** Encrypts then decrypts a 100-byte RTCP receiver report PACKETS times. */
    private static void rtcpRoundTrips(SrtpSession tx, SrtpSession rx, byte[] buf) {
        for (int i = 0; i < PACKETS; i++) {
            buf[0] = (byte) 0x80; // V=2, no report blocks counted
            buf[1] = (byte) 201; // RR
            buf[2] = 0; // length 24 words after the first
            buf[3] = 24;
            buf[4] = 0x12; // sender SSRC 0x12345678
            buf[5] = 0x34;
            buf[6] = 0x56;
            buf[7] = 0x78;
            int len = tx.encryptRtcp(buf, 0, 100);
            assertEquals(100 + tx.profile().rtcpTrailerLength(), len);
            assertEquals(100, rx.decryptRtcp(buf, 0, len));
        }
    }
}
