package dev.sfu.rtp.srtp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent, deliberately plain SRTP/SRTCP protector written from the RFC text with
 * javax.crypto, to check jitsi-srtp's output byte for byte. Slow and allocating: tests only.
 *
 * <ul>
 *   <li>Key derivation: RFC 3711 section 4.3.1/4.3.3, AES-CM PRF, key_derivation_rate 0, labels 0-5.
 *       A 12-byte GCM master salt sits at the start of the 14-byte x, zero-padded (RFC 7714 section
 *       11 reuses this KDF; libsrtp pads the same way).</li>
 *   <li>AES-CM: RFC 3711 section 4.1.1 IV; HMAC-SHA1 over the authenticated portion and the ROC
 *       (section 4.2), truncated to 80 bits.</li>
 *   <li>AES-GCM: RFC 7714 sections 8.1 and 9.1 IVs and AADs.</li>
 * </ul>
 */
final class ReferenceSrtp {
    static final int LABEL_RTP_ENCRYPTION = 0;
    static final int LABEL_RTP_AUTH = 1;
    static final int LABEL_RTP_SALT = 2;
    static final int LABEL_RTCP_ENCRYPTION = 3;
    static final int LABEL_RTCP_AUTH = 4;
    static final int LABEL_RTCP_SALT = 5;

    private ReferenceSrtp() {
    }

    /** RFC 3711 section 4.3: x = label || r XOR master_salt, keystream AES-CM(master_key, x * 2^16). */
    static byte[] deriveSessionKey(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[7] ^= (byte) label;
        return aesCtr(masterKey, iv, new byte[length]);
    }

    /** AES in counter mode (the AES-CM keystream XORed onto data), RFC 3711 section 4.1.1. */
    static byte[] aesCtr(byte[] key, byte[] iv16, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv16));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** RTP header length: 12 + 4*CC, plus 4 + 4*length when X is set (RFC 3550 section 5.1, 5.3.1). */
    static int rtpHeaderLength(byte[] rtp) {
        int len = 12 + 4 * (rtp[0] & 0x0F);
        if ((rtp[0] & 0x10) != 0) {
            len += 4 + 4 * (((rtp[len + 2] & 0xFF) << 8) | (rtp[len + 3] & 0xFF));
        }
        return len;
    }

    /** SRTP with AES_CM_128_HMAC_SHA1_80, from the master key and salt. */
    static byte[] protectRtpAesCm(byte[] masterKey, byte[] masterSalt, byte[] rtp, int roc) {
        return protectRtpAesCmWithSessionKeys(
                deriveSessionKey(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, 16),
                deriveSessionKey(masterKey, masterSalt, LABEL_RTP_SALT, 14),
                deriveSessionKey(masterKey, masterSalt, LABEL_RTP_AUTH, 20), rtp, roc);
    }

    /** SRTP with AES_CM_128_HMAC_SHA1_80, from session keys (RFC 3711 sections 3.1, 4.1.1, 4.2). */
    static byte[] protectRtpAesCmWithSessionKeys(byte[] encKey, byte[] salt, byte[] authKey, byte[] rtp, int roc) {
        int header = rtpHeaderLength(rtp);
        int ssrc = ByteBuffer.wrap(rtp, 8, 4).getInt();
        int seq = ((rtp[2] & 0xFF) << 8) | (rtp[3] & 0xFF);
        long index = ((roc & 0xFFFFFFFFL) << 16) | seq;
        // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        byte[] out = Arrays.copyOf(rtp, rtp.length + 10);
        byte[] payload = aesCtr(encKey, iv, Arrays.copyOfRange(rtp, header, rtp.length));
        System.arraycopy(payload, 0, out, header, payload.length);
        byte[] tag = hmacSha1(authKey, Arrays.copyOf(out, rtp.length), ByteBuffer.allocate(4).putInt(roc).array());
        System.arraycopy(tag, 0, out, rtp.length, 10);
        return out;
    }

    /** SRTCP with AES_CM_128_HMAC_SHA1_80 (RFC 3711 section 3.4): E=1, the given 31-bit index. */
    static byte[] protectRtcpAesCm(byte[] masterKey, byte[] masterSalt, byte[] rtcp, int index) {
        byte[] encKey = deriveSessionKey(masterKey, masterSalt, LABEL_RTCP_ENCRYPTION, 16);
        byte[] salt = deriveSessionKey(masterKey, masterSalt, LABEL_RTCP_SALT, 14);
        byte[] authKey = deriveSessionKey(masterKey, masterSalt, LABEL_RTCP_AUTH, 20);
        int ssrc = ByteBuffer.wrap(rtcp, 4, 4).getInt();
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
            iv[10 + i] ^= (byte) (index >>> (24 - 8 * i));
        }
        byte[] out = Arrays.copyOf(rtcp, rtcp.length + 14);
        byte[] rest = aesCtr(encKey, iv, Arrays.copyOfRange(rtcp, 8, rtcp.length));
        System.arraycopy(rest, 0, out, 8, rest.length);
        ByteBuffer.wrap(out, rtcp.length, 4).putInt(index | 0x80000000);
        byte[] tag = hmacSha1(authKey, Arrays.copyOf(out, rtcp.length + 4), new byte[0]);
        System.arraycopy(tag, 0, out, rtcp.length + 4, 10);
        return out;
    }

    /** SRTP with AEAD_AES_128_GCM (RFC 7714 section 8): IV from SSRC, ROC, SEQ; AAD is the header. */
    static byte[] protectRtpGcm(byte[] masterKey, byte[] masterSalt, byte[] rtp, int roc) {
        byte[] encKey = deriveSessionKey(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, 16);
        byte[] salt = deriveSessionKey(masterKey, masterSalt, LABEL_RTP_SALT, 12);
        int header = rtpHeaderLength(rtp);
        // IV (RFC 7714 section 8.1) = 00 00 || SSRC || ROC || SEQ, XOR the 12-byte salt.
        byte[] iv = new byte[12];
        System.arraycopy(rtp, 8, iv, 2, 4);
        ByteBuffer.wrap(iv, 6, 4).putInt(roc);
        iv[10] = rtp[2];
        iv[11] = rtp[3];
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
        byte[] sealed = gcm(encKey, iv, Arrays.copyOf(rtp, header), Arrays.copyOfRange(rtp, header, rtp.length));
        byte[] out = Arrays.copyOf(rtp, header + sealed.length);
        System.arraycopy(sealed, 0, out, header, sealed.length);
        return out;
    }

    /** SRTCP with AEAD_AES_128_GCM (RFC 7714 section 9): E=1; the index follows the tag. */
    static byte[] protectRtcpGcm(byte[] masterKey, byte[] masterSalt, byte[] rtcp, int index) {
        byte[] encKey = deriveSessionKey(masterKey, masterSalt, LABEL_RTCP_ENCRYPTION, 16);
        byte[] salt = deriveSessionKey(masterKey, masterSalt, LABEL_RTCP_SALT, 12);
        // IV (RFC 7714 section 9.1) = 00 00 || SSRC || 00 00 || 0 || SRTCP index, XOR the salt.
        byte[] iv = new byte[12];
        System.arraycopy(rtcp, 4, iv, 2, 4);
        ByteBuffer.wrap(iv, 8, 4).putInt(index & 0x7FFFFFFF);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
        byte[] eIndex = ByteBuffer.allocate(4).putInt(index | 0x80000000).array();
        // AAD = the first 8 octets || E flag and index (RFC 7714 section 9.2).
        byte[] aad = ByteBuffer.allocate(12).put(rtcp, 0, 8).put(eIndex).array();
        byte[] sealed = gcm(encKey, iv, aad, Arrays.copyOfRange(rtcp, 8, rtcp.length));
        return ByteBuffer.allocate(8 + sealed.length + 4).put(rtcp, 0, 8).put(sealed).put(eIndex).array();
    }

    private static byte[] gcm(byte[] key, byte[] iv, byte[] aad, byte[] plaintext) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] hmacSha1(byte[] key, byte[] data, byte[] trailer) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(data);
            mac.update(trailer);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
