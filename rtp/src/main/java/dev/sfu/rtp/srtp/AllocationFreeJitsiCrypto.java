package dev.sfu.rtp.srtp;

import dev.sfu.rtp.ffi.Linkage;
import java.lang.reflect.Field;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.MacSpi;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.BaseSrtpCryptoContext;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.jitsi.srtp.crypto.SrtpCipher;
import org.jitsi.srtp.crypto.SrtpCipherCtr;
import org.jitsi.srtp.crypto.SrtpCipherGcm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the two per-packet allocating parts of a freshly derived jitsi-srtp context with
 * equivalents that allocate nothing, so that SRTP and SRTCP protect and unprotect without garbage
 * (docs/performance.md, "SRTP encrypt and decrypt").
 *
 * <p>What jitsi-srtp allocates per packet, and what replaces it:
 * <ul>
 *   <li>Its {@link SrtpCipherGcm} and {@link SrtpCipherCtr} make a new {@link GCMParameterSpec} or
 *       {@link IvParameterSpec} for every packet's IV, and the spec copies the IV twice. The
 *       replacement {@link ReusedIvCipher} keeps one spec per context whose {@code getIV()} returns
 *       its own array, rewritten in place before each {@code Cipher.init}. This is done only for
 *       jitsi-srtp's native OpenSSL ciphers, which read the IV during {@code init} and keep no
 *       reference that outlives it being overwritten by the next packet's IV. The JDK's own GCM
 *       remembers the last encryption IV to refuse reuse, so for it the spec is left as it was.</li>
 *   <li>{@code Mac.doFinal()} returns a new 20-byte HMAC-SHA1 tag. The replacement {@link Mac} runs
 *       HMAC (RFC 2104) over the JDK's SHA-1 {@link MessageDigest} and returns one array per context,
 *       which jitsi-srtp reads straight away (it copies or compares the tag before the next packet).
 *       Its key is the session authentication key of RFC 3711 section 4.3, derived here the way
 *       jitsi-srtp derives it: with a key derivation rate of 0 it depends only on the master key,
 *       master salt and label, not on the SSRC.</li>
 * </ul>
 *
 * <p>AES-GCM contexts get {@link NativeGcmCipher} instead where the JVM allows the foreign
 * linker: OpenSSL's EVP calls made directly, without the JCA and JNI layers around them
 * (docs/performance.md, "Load test").
 *
 * <p>The swap writes the contexts' final fields by reflection, on jitsi-srtp 1.1's field names,
 * before the context is published to another thread. When any step fails (another jitsi-srtp
 * version, a security manager), the context keeps jitsi-srtp's own objects: still correct, only
 * allocating; a warning says so once.
 */
final class AllocationFreeJitsiCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(AllocationFreeJitsiCrypto.class);
    /** RFC 3711 section 4.3.2: the SRTP and SRTCP message authentication key labels. */
    static final byte LABEL_RTP_AUTH = 0x01;
    static final byte LABEL_RTCP_AUTH = 0x04;
    private static final int HMAC_SHA1_KEY_LENGTH = 20;

    private static final Field CONTEXT_CIPHER;
    private static final Field CONTEXT_MAC;
    private static final Field SRTP_CIPHER_CIPHER;
    private static final Field GCM_KEY;
    private static final Field CTR_KEY;
    private static volatile boolean warned;
    /** Null when GCM contexts use {@link NativeGcmCipher}; else why not. */
    static final String NATIVE_GCM_UNAVAILABLE = nativeGcmCheck();

    private static String nativeGcmCheck() {
        String why = Linkage.whyNotUsable("dev.sfu.rtp.srtp.NativeGcmCipher$Calls",
                AllocationFreeJitsiCrypto.class.getClassLoader());
        if (why == null) {
            LOG.info("SRTP AES-GCM: OpenSSL EVP through the foreign linker");
        } else {
            LOG.info("SRTP AES-GCM: jitsi-srtp's JCA cipher ({})", why);
        }
        return why;
    }

    static {
        Field contextCipher = null;
        Field contextMac = null;
        Field cipherCipher = null;
        Field gcmKey = null;
        Field ctrKey = null;
        try {
            contextCipher = accessible(BaseSrtpCryptoContext.class.getDeclaredField("cipher"));
            contextMac = accessible(BaseSrtpCryptoContext.class.getDeclaredField("mac"));
            cipherCipher = accessible(SrtpCipher.class.getDeclaredField("cipher"));
            gcmKey = accessible(SrtpCipherGcm.class.getDeclaredField("key"));
            ctrKey = accessible(SrtpCipherCtr.class.getDeclaredField("key"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("jitsi-srtp's fields are not as expected ({}); SRTP will allocate per packet", e.toString());
            contextCipher = null;
        }
        CONTEXT_CIPHER = contextCipher;
        CONTEXT_MAC = contextMac;
        SRTP_CIPHER_CIPHER = cipherCipher;
        GCM_KEY = gcmKey;
        CTR_KEY = ctrKey;
    }

    private AllocationFreeJitsiCrypto() {
    }

    private static Field accessible(Field f) {
        f.setAccessible(true);
        return f;
    }

    /**
     * Swaps the context's cipher and, when {@code authKey} is not null, its HMAC for the
     * allocation-free ones. Call once, right after the context is derived and before any packet.
     */
    static void apply(BaseSrtpCryptoContext context, byte[] authKey) {
        if (CONTEXT_CIPHER == null) {
            return;
        }
        try {
            Object srtpCipher = CONTEXT_CIPHER.get(context);
            Field keyField = srtpCipher.getClass() == SrtpCipherGcm.class ? GCM_KEY
                    : srtpCipher.getClass() == SrtpCipherCtr.class ? CTR_KEY : null;
            if (keyField != null) {
                Cipher cipher = (Cipher) SRTP_CIPHER_CIPHER.get(srtpCipher);
                Key key = (Key) keyField.get(srtpCipher);
                if (cipher.getProvider() instanceof JitsiOpenSslProvider && key != null) {
                    boolean gcm = keyField == GCM_KEY;
                    CONTEXT_CIPHER.set(context, gcm && NATIVE_GCM_UNAVAILABLE == null
                            ? nativeGcm(cipher, key) : new ReusedIvCipher(cipher, key, gcm));
                }
            }
            if (authKey != null && CONTEXT_MAC.get(context) != null) {
                Mac mac = new HmacSha1Mac();
                mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
                CONTEXT_MAC.set(context, mac);
            }
        } catch (ReflectiveOperationException | GeneralSecurityException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot make jitsi-srtp's context allocation-free ({}); SRTP will allocate per packet",
                        e.toString());
            }
        }
    }

    private static SrtpCipher nativeGcm(Cipher cipher, Key key) throws GeneralSecurityException {
        byte[] k = key.getEncoded();
        try {
            return new NativeGcmCipher(cipher, k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * The HMAC-SHA1 session authentication key for {@code label} (RFC 3711 section 4.3.1 with
     * key_derivation_rate 0, section 4.3.3 AES-CM PRF): the AES-CM key stream under the master key
     * with IV = (master salt XOR (label at octet 7)) * 2^16, first 20 bytes.
     */
    static byte[] deriveAuthKey(byte[] masterKey, byte[] masterSalt, byte label) throws GeneralSecurityException {
        byte[] blocks = new byte[32];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(masterSalt, 0, blocks, 16 * b, masterSalt.length);
            blocks[16 * b + 7] ^= label;
            blocks[16 * b + 15] = (byte) b; // the 16-bit block counter, after the 14-byte x
        }
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        SecretKeySpec key = new SecretKeySpec(masterKey, "AES");
        ecb.init(Cipher.ENCRYPT_MODE, key);
        byte[] stream = ecb.doFinal(blocks);
        byte[] authKey = Arrays.copyOf(stream, HMAC_SHA1_KEY_LENGTH);
        Arrays.fill(stream, (byte) 0);
        Arrays.fill(blocks, (byte) 0);
        return authKey;
    }

    /** jitsi-srtp's CTR or GCM cipher with one reused IV spec instead of one per packet. */
    static final class ReusedIvCipher extends SrtpCipher {
        private final boolean gcm;
        private Key key;
        private byte[] iv;
        private AlgorithmParameterSpec spec;

        ReusedIvCipher(Cipher cipher, Key key, boolean gcm) {
            super(cipher);
            this.key = key;
            this.gcm = gcm;
        }

        @Override
        public void init(byte[] key, byte[] saltKey) {
            this.key = getSecretKey(key);
        }

        @Override
        public void setIV(byte[] newIv, int opmode) throws GeneralSecurityException {
            if (iv == null || iv.length != newIv.length) {
                // Once per context (the IV length never changes): the spec that later packets reuse.
                iv = newIv.clone();
                spec = gcm ? new LiveGcmSpec(iv) : new LiveIvSpec(iv);
            } else {
                System.arraycopy(newIv, 0, iv, 0, iv.length);
            }
            cipher.init(opmode, key, spec);
        }

        @Override
        public void processAAD(byte[] data, int off, int len) {
            if (!gcm) {
                throw new IllegalStateException("CTR mode does not accept AAD");
            }
            cipher.updateAAD(data, off, len);
        }

        @Override
        public int process(byte[] data, int off, int len) throws GeneralSecurityException {
            return cipher.doFinal(data, off, len, data, off);
        }
    }

    /** A GCM spec (128-bit tag) whose IV is the caller's array, not a copy. */
    private static final class LiveGcmSpec extends GCMParameterSpec {
        private final byte[] live;

        LiveGcmSpec(byte[] iv) {
            super(128, iv);
            this.live = iv;
        }

        @Override
        public byte[] getIV() {
            return live;
        }
    }

    /** A CTR IV spec whose IV is the caller's array, not a copy. */
    private static final class LiveIvSpec extends IvParameterSpec {
        private final byte[] live;

        LiveIvSpec(byte[] iv) {
            super(iv);
            this.live = iv;
        }

        @Override
        public byte[] getIV() {
            return live;
        }
    }

    /** A {@link Mac} over {@link HmacSha1Spi}; the JCE lets a subclass supply its own SPI. */
    private static final class HmacSha1Mac extends Mac {
        HmacSha1Mac() throws GeneralSecurityException {
            super(new HmacSha1Spi(), null, "HmacSHA1");
        }
    }

    /**
     * HMAC-SHA1 (RFC 2104): SHA1((K ^ opad) || SHA1((K ^ ipad) || message)). {@code engineDoFinal}
     * returns the same array every time; only jitsi-srtp's context, which reads it at once, sees it.
     */
    private static final class HmacSha1Spi extends MacSpi {
        private static final int BLOCK = 64;
        private final MessageDigest sha1;
        private final byte[] ipad = new byte[BLOCK];
        private final byte[] opad = new byte[BLOCK];
        private final byte[] inner = new byte[20];
        private final byte[] tag = new byte[20];

        HmacSha1Spi() throws GeneralSecurityException {
            sha1 = MessageDigest.getInstance("SHA-1");
        }

        @Override
        protected int engineGetMacLength() {
            return tag.length;
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params) {
            byte[] k = key.getEncoded();
            if (k.length > BLOCK) {
                byte[] hashed = sha1.digest(k);
                Arrays.fill(k, (byte) 0);
                k = hashed;
            }
            for (int i = 0; i < BLOCK; i++) {
                byte b = i < k.length ? k[i] : 0;
                ipad[i] = (byte) (b ^ 0x36);
                opad[i] = (byte) (b ^ 0x5c);
            }
            Arrays.fill(k, (byte) 0);
            engineReset();
        }

        @Override
        protected void engineUpdate(byte input) {
            sha1.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            sha1.update(input, offset, len);
        }

        @Override
        protected byte[] engineDoFinal() {
            try {
                sha1.digest(inner, 0, inner.length);
                sha1.update(opad, 0, BLOCK);
                sha1.update(inner, 0, inner.length);
                sha1.digest(tag, 0, tag.length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-1 output buffer", e);
            }
            sha1.update(ipad, 0, BLOCK);
            return tag;
        }

        @Override
        protected void engineReset() {
            sha1.reset();
            sha1.update(ipad, 0, BLOCK);
        }
    }
}
