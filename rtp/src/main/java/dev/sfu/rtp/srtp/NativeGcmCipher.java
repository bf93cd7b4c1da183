package dev.sfu.rtp.srtp;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import dev.sfu.rtp.ffi.Downcalls;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;
import org.jitsi.srtp.crypto.SrtpCipher;

/**
 * AES-GCM for SRTP/SRTCP (RFC 7714) straight on OpenSSL's EVP interface through the JDK 17
 * foreign linker, in place of jitsi-srtp's JNI cipher behind {@code javax.crypto.Cipher}: the
 * same library and the same calls per packet (set the IV, add the AAD, encrypt or decrypt, get
 * or check the tag), without the JCA's checks and the JNI array pinning around each of them.
 *
 * <p>Each instance owns one {@code EVP_CIPHER_CTX} keyed once; packets pass through a per-thread
 * native scratch area (a copy in and a copy out), so nothing is allocated per packet. The
 * context is freed when the cipher becomes unreachable.
 *
 * <p>Used by {@link AllocationFreeJitsiCrypto} when {@link Calls} initialises: the JVM
 * runs with {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}, the
 * process has mapped OpenSSL's libcrypto (jitsi-srtp loads it), and {@code -Dsfu.srtp.native-gcm}
 * is not false. Otherwise contexts keep the JCA cipher.
 */
final class NativeGcmCipher extends SrtpCipher {
    private static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    private static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    static final int TAG = 16;
    static final int IV = 12;
    /** The largest packet part (AAD or data) a scratch area takes. */
    private static final int MAX_PART = 65_536;
    private static final Cleaner CLEANER = Cleaner.create();

    /** OpenSSL's functions; the class fails to initialise where they cannot be reached. */
    static final class Calls {
        static final MethodHandle CTX_NEW;
        static final MethodHandle CTX_FREE;
        static final MethodHandle AES_128_GCM;
        static final MethodHandle AES_256_GCM;
        static final MethodHandle CIPHER_INIT;
        static final MethodHandle CIPHER_UPDATE;
        static final MethodHandle CIPHER_FINAL;
        static final MethodHandle CTX_CTRL;

        static {
            if (!Boolean.parseBoolean(System.getProperty("sfu.srtp.native-gcm", "true"))) {
                throw new UnsupportedOperationException("turned off with -Dsfu.srtp.native-gcm=false");
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.startsWith("linux")) {
                throw new UnsupportedOperationException("native GCM is for Linux, not " + os);
            }
            // The libcrypto jitsi-srtp already uses, so both agree on one OpenSSL.
            String lib = mappedLibcrypto();
            System.load(lib);
            SymbolLookup crypto = SymbolLookup.loaderLookup();
            Class<?> a = long.class; // a pointer, as its address (see Downcalls)
            CTX_NEW = Downcalls.of(crypto, "EVP_CIPHER_CTX_new", a);
            CTX_FREE = Downcalls.of(crypto, "EVP_CIPHER_CTX_free", void.class, a);
            AES_128_GCM = Downcalls.of(crypto, "EVP_aes_128_gcm", a);
            AES_256_GCM = Downcalls.of(crypto, "EVP_aes_256_gcm", a);
            CIPHER_INIT = Downcalls.of(crypto, "EVP_CipherInit_ex", int.class, a, a, a, a, a, int.class);
            CIPHER_UPDATE = Downcalls.of(crypto, "EVP_CipherUpdate", int.class, a, a, a, a, int.class);
            CIPHER_FINAL = Downcalls.of(crypto, "EVP_CipherFinal_ex", int.class, a, a, a);
            CTX_CTRL = Downcalls.of(crypto, "EVP_CIPHER_CTX_ctrl", int.class, a, int.class, int.class, a);
        }

        private static String mappedLibcrypto() {
            // jitsi-srtp's provider loads its JNI library, which links libcrypto.
            if (!org.jitsi.srtp.crypto.JitsiOpenSslProvider.isLoaded()) {
                throw new UnsupportedOperationException("jitsi-srtp's OpenSSL library is not loaded");
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.US_ASCII)) {
                    int at = line.indexOf('/');
                    if (at >= 0 && line.substring(at).matches(".*/libcrypto\\.so\\.3(\\.[0-9.]+)?$")) {
                        return line.substring(at);
                    }
                }
            } catch (IOException e) {
                throw new UnsupportedOperationException("cannot read /proc/self/maps: " + e);
            }
            throw new UnsupportedOperationException("no OpenSSL 3 libcrypto mapped in this process");
        }

        private Calls() {
        }
    }

    // One thread's scratch area: IV, output length, tag, AAD, data. Every address is made once:
    // making one per packet would allocate.
    private static final int IV_AT = 0;
    private static final int OUT_LENGTH_AT = 16;
    private static final int TAG_AT = 32;
    private static final int AAD_AT = 64;
    private static final int DATA_AT = AAD_AT + MAX_PART + TAG;

    /** One thread's native copy of the packet part being processed. */
    private static final class Scratch {
        final MemorySegment memory = MemorySegment.allocateNative(DATA_AT + MAX_PART + TAG, 16,
                ResourceScope.newImplicitScope());
        final ByteBuffer view = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        final long base = memory.address().toRawLongValue();
        final long iv = base + IV_AT;
        final long outLength = base + OUT_LENGTH_AT;
        final long tag = base + TAG_AT;
        final long aad = base + AAD_AT;
        final long data = base + DATA_AT;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The EVP_CIPHER_CTX, freed by the cleaner. */
    private static final class Context implements Runnable {
        final long ctx;

        Context(long ctx) {
            this.ctx = ctx;
        }

        @Override
        public void run() {
            try {
                Calls.CTX_FREE.invokeExact(ctx);
            } catch (Throwable t) {
                // Nothing more to do while being cleaned.
            }
        }
    }

    private final long ctx;
    private boolean encrypting;

    /**
     * @param cipher the JCA cipher it replaces (kept by {@link SrtpCipher}, not used)
     * @param key    a 16- or 32-byte AES key
     */
    NativeGcmCipher(Cipher cipher, byte[] key) throws GeneralSecurityException {
        super(cipher);
        long c;
        try {
            c = (long) Calls.CTX_NEW.invokeExact();
        } catch (Throwable t) {
            throw new GeneralSecurityException("EVP_CIPHER_CTX_new failed", t);
        }
        if (c == 0) {
            throw new GeneralSecurityException("EVP_CIPHER_CTX_new returned NULL");
        }
        this.ctx = c;
        CLEANER.register(this, new Context(c));
        init(key, null);
    }

    @Override
    public void init(byte[] key, byte[] saltKey) throws GeneralSecurityException {
        MethodHandle type = key.length == 16 ? Calls.AES_128_GCM : key.length == 32 ? Calls.AES_256_GCM : null;
        if (type == null) {
            throw new GeneralSecurityException("AES-GCM key of " + key.length + " bytes");
        }
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment k = MemorySegment.allocateNative(key.length, scope);
            k.asByteBuffer().put(key);
            long evp = (long) type.invokeExact();
            int ok = (int) Calls.CIPHER_INIT.invokeExact(ctx, evp, 0L, k.address().toRawLongValue(), 0L, 1);
            k.fill((byte) 0);
            if (ok != 1) {
                throw new GeneralSecurityException("EVP_CipherInit_ex (key) failed");
            }
        } catch (GeneralSecurityException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new GeneralSecurityException(t);
        }
    }

    @Override
    public void setIV(byte[] iv, int opmode) throws GeneralSecurityException {
        if (iv.length != IV) {
            throw new GeneralSecurityException("GCM IV of " + iv.length + " bytes, not " + IV);
        }
        encrypting = opmode == Cipher.ENCRYPT_MODE;
        Scratch s = SCRATCH.get();
        s.view.put(IV_AT, iv, 0, IV);
        int ok;
        try {
            ok = (int) Calls.CIPHER_INIT.invokeExact(ctx, 0L, 0L, 0L,
                    s.iv, encrypting ? 1 : 0);
        } catch (Throwable t) {
            throw new GeneralSecurityException(t);
        }
        if (ok != 1) {
            throw new GeneralSecurityException("EVP_CipherInit_ex (IV) failed");
        }
    }

    @Override
    public void processAAD(byte[] data, int off, int len) throws GeneralSecurityException {
        if (len > MAX_PART) {
            throw new GeneralSecurityException("AAD of " + len + " bytes");
        }
        Scratch s = SCRATCH.get();
        s.view.put(AAD_AT, data, off, len);
        int ok;
        try {
            ok = (int) Calls.CIPHER_UPDATE.invokeExact(ctx, 0L, s.outLength, s.aad, len);
        } catch (Throwable t) {
            throw new GeneralSecurityException(t);
        }
        if (ok != 1) {
            throw new GeneralSecurityException("EVP_CipherUpdate (AAD) failed");
        }
    }

    /**
     * Encrypts {@code len} bytes in place and appends the 16-byte tag (returns {@code len + 16}),
     * or checks the tag that ends the {@code len} bytes and decrypts the rest in place (returns
     * {@code len - 16}; {@link AEADBadTagException} when the tag is wrong, leaving the data as it was).
     */
    @Override
    public int process(byte[] data, int off, int len) throws GeneralSecurityException {
        Scratch s = SCRATCH.get();
        ByteBuffer v = s.view;
        try {
            if (encrypting) {
                if (len > MAX_PART) {
                    throw new GeneralSecurityException("payload of " + len + " bytes");
                }
                if (data.length - off - len < TAG) {
                    throw new ShortBufferException("no room for the " + TAG + "-byte tag");
                }
                v.put(DATA_AT, data, off, len);
                if ((int) Calls.CIPHER_UPDATE.invokeExact(ctx, s.data, s.outLength, s.data, len) != 1
                        || (int) Calls.CIPHER_FINAL.invokeExact(ctx, s.tag, s.outLength) != 1
                        || (int) Calls.CTX_CTRL.invokeExact(ctx, EVP_CTRL_AEAD_GET_TAG, TAG, s.tag) != 1) {
                    throw new GeneralSecurityException("AES-GCM encryption failed");
                }
                v.get(DATA_AT, data, off, len);
                v.get(TAG_AT, data, off + len, TAG);
                return len + TAG;
            }
            if (len < TAG || len > MAX_PART + TAG) {
                throw new AEADBadTagException("ciphertext of " + len + " bytes");
            }
            int plain = len - TAG;
            v.put(DATA_AT, data, off, plain);
            v.put(TAG_AT, data, off + plain, TAG);
            if ((int) Calls.CTX_CTRL.invokeExact(ctx, EVP_CTRL_AEAD_SET_TAG, TAG, s.tag) != 1
                    || (int) Calls.CIPHER_UPDATE.invokeExact(ctx, s.data, s.outLength, s.data, plain) != 1) {
                throw new GeneralSecurityException("AES-GCM decryption failed");
            }
            if ((int) Calls.CIPHER_FINAL.invokeExact(ctx, s.tag, s.outLength) != 1) {
                throw new AEADBadTagException("tag mismatch");
            }
            v.get(DATA_AT, data, off, plain);
            return plain;
        } catch (GeneralSecurityException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new GeneralSecurityException(t);
        }
    }
}
