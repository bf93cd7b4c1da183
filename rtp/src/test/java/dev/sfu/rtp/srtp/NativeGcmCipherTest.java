package dev.sfu.rtp.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL's AES-GCM through the foreign linker, checked against an independent implementation
 * (the JDK's own SunJCE AES/GCM) on random keys, IVs, AADs and payloads, and refusing any
 * altered byte of tag, ciphertext or AAD without touching the buffer (RFC 5116 section 2.2).
 */
class NativeGcmCipherTest {
    private final SplittableRandom random = new SplittableRandom(7714);

    private static NativeGcmCipher cipher(byte[] key) throws Exception {
        return new NativeGcmCipher(Cipher.getInstance("AES/GCM/NoPadding"), key);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** SunJCE's AES-GCM: ciphertext followed by the 16-byte tag. */
    private static byte[] jdkSeal(byte[] key, byte[] iv, byte[] aad, byte[] plain) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        return c.doFinal(plain);
    }

    @Test
    void theTestJvmUsesNativeGcm() {
        assertNull(AllocationFreeJitsiCrypto.NATIVE_GCM_UNAVAILABLE, "the test runner passes the foreign-linker flags");
    }

    @Test
    void sealingMatchesTheJdksAesGcmAndOpensBackForRandomPackets() throws Exception {
        for (int round = 0; round < 400; round++) {
            byte[] key = bytes(round % 2 == 0 ? 16 : 32);
            NativeGcmCipher c = cipher(key);
            for (int p = 0; p < 5; p++) {
                byte[] iv = bytes(NativeGcmCipher.IV);
                byte[] aad = bytes(12 + random.nextInt(60));
                byte[] plain = bytes(random.nextInt(1400));
                int off = random.nextInt(8);
                byte[] buf = new byte[off + aad.length + plain.length + NativeGcmCipher.TAG + random.nextInt(4)];
                System.arraycopy(aad, 0, buf, off, aad.length);
                System.arraycopy(plain, 0, buf, off + aad.length, plain.length);

                c.setIV(iv, Cipher.ENCRYPT_MODE);
                c.processAAD(buf, off, aad.length);
                int sealed = c.process(buf, off + aad.length, plain.length);
                assertEquals(plain.length + NativeGcmCipher.TAG, sealed);
                byte[] expected = jdkSeal(key, iv, aad, plain);
                assertArrayEquals(expected, Arrays.copyOfRange(buf, off + aad.length, off + aad.length + sealed),
                        "round " + round + " packet " + p);

                c.setIV(iv, Cipher.DECRYPT_MODE);
                c.processAAD(buf, off, aad.length);
                int opened = c.process(buf, off + aad.length, sealed);
                assertEquals(plain.length, opened);
                assertArrayEquals(plain, Arrays.copyOfRange(buf, off + aad.length, off + aad.length + opened));
            }
        }
    }

    @Test
    void anyAlteredByteOfTagCiphertextOrAadIsRefusedAndTheBufferLeftAsItWas() throws Exception {
        byte[] key = bytes(16);
        NativeGcmCipher c = cipher(key);
        byte[] iv = bytes(NativeGcmCipher.IV);
        byte[] aad = bytes(20);
        byte[] plain = bytes(300);
        byte[] sealed = jdkSeal(key, iv, aad, plain);
        for (int flip : new int[] {0, 150, sealed.length - 17, sealed.length - 16, sealed.length - 1, -1, -20}) {
            byte[] a = aad.clone();
            byte[] s = sealed.clone();
            if (flip >= 0) {
                s[flip] ^= 0x01;
            } else {
                a[-flip - 1] ^= (byte) 0x80;
            }
            byte[] before = s.clone();
            c.setIV(iv, Cipher.DECRYPT_MODE);
            c.processAAD(a, 0, a.length);
            assertThrows(AEADBadTagException.class, () -> c.process(s, 0, s.length), "flip at " + flip);
            assertArrayEquals(before, s, "nothing written on a refused packet");
        }
        // Too short to hold a tag.
        c.setIV(iv, Cipher.DECRYPT_MODE);
        c.processAAD(aad, 0, aad.length);
        assertThrows(AEADBadTagException.class, () -> c.process(new byte[15], 0, 15));
        // And the cipher still works after the refusals.
        c.setIV(iv, Cipher.DECRYPT_MODE);
        c.processAAD(aad, 0, aad.length);
        byte[] ok = sealed.clone();
        assertEquals(plain.length, c.process(ok, 0, ok.length));
        assertArrayEquals(plain, Arrays.copyOf(ok, plain.length));
    }

    @Test
    void sealingWithoutRoomForTheTagIsRefused() throws Exception {
        NativeGcmCipher c = cipher(bytes(16));
        c.setIV(bytes(NativeGcmCipher.IV), Cipher.ENCRYPT_MODE);
        byte[] buf = new byte[100];
        assertThrows(ShortBufferException.class, () -> c.process(buf, 0, 90));
    }

    @Test
    void keysOtherThan128Or256BitsAndIvsOtherThan96BitsAreRefused() throws Exception {
        assertThrows(java.security.GeneralSecurityException.class, () -> cipher(bytes(24 + 1)));
        NativeGcmCipher c = cipher(bytes(16));
        assertThrows(java.security.GeneralSecurityException.class, () -> c.setIV(bytes(16), Cipher.ENCRYPT_MODE));
    }
}
