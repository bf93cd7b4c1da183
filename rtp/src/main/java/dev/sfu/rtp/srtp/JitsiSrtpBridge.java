package dev.sfu.rtp.srtp;

import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.slf4j.LoggerFactory;

/**
 * What this package needs from jitsi-srtp beyond its contexts: the policy per profile, and the
 * choice of AES implementation made once per process.
 */
final class JitsiSrtpBridge {
    /**
     * System property naming jitsi-srtp's AES factory ("OpenSSL", "SunJCE", "BouncyCastle"), or
     * "benchmark" to let jitsi-srtp time them all on first use. Unset, we take OpenSSL when
     * jitsi-srtp's native library loaded (it ships one for common platforms and needs libcrypto 3),
     * else SunJCE. Measured here (docs/performance.md): OpenSSL is the fastest and allocates about a
     * tenth of what SunJCE's Cipher.init does per packet; jitsi-srtp's own timing run would cost
     * hundreds of milliseconds at start-up and its choice varies between runs.
     */
    static final String AES_FACTORY_PROPERTY = "sfu.srtp.aesFactory";

    private static boolean aesChosen;

    private JitsiSrtpBridge() {
    }

    /** Fixes jitsi-srtp's AES factory before the first context is made. */
    static synchronized void chooseAesFactoryOnce() {
        if (!aesChosen) {
            aesChosen = true;
            String name = System.getProperty(AES_FACTORY_PROPERTY);
            if (name == null) {
                name = JitsiOpenSslProvider.isLoaded() ? "OpenSSL" : "SunJCE";
            }
            if (!name.isEmpty() && !name.equals("benchmark")) {
                Aes.setFactoryClassName(name);
            }
            LoggerFactory.getLogger(SrtpSession.class).info("SRTP uses jitsi-srtp with AES from {}", name);
        }
    }

    /**
     * The jitsi-srtp policy for a profile, for SRTP and SRTCP alike. Replay checks stay on for
     * receiving; for sending they are off, as libsrtp's allow_repeat_tx, so that a retransmission of
     * an identical packet (same SSRC and sequence number) can be protected again.
     */
    static SrtpPolicy policy(SrtpProfile profile) {
        SrtpPolicy policy;
        switch (profile) {
            case AEAD_AES_128_GCM:
                policy = new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength(),
                        SrtpPolicy.NULL_AUTHENTICATION, 0, profile.rtpTagLength(), profile.saltLength());
                break;
            case AES_CM_128_HMAC_SHA1_80:
                // RFC 3711 section 5.2: a 160-bit HMAC-SHA1 session key, tag truncated to 80 bits.
                policy = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength(),
                        SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, profile.rtpTagLength(), profile.saltLength());
                break;
            default:
                throw new IllegalArgumentException("unsupported SRTP profile " + profile);
        }
        policy.setSendReplayEnabled(false);
        policy.setReceiveReplayEnabled(true);
        return policy;
    }
}
