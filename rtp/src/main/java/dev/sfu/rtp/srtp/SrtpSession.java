package dev.sfu.rtp.srtp;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.util.Bytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SRTP and SRTCP protection for one DTLS-SRTP association, both directions, in place
 * (RFC 3711 AES_CM_128_HMAC_SHA1_80; RFC 7714 AEAD_AES_128_GCM), on jitsi-srtp's crypto contexts.
 *
 * <p>An SRTP packet is the RTP packet with its payload encrypted and a tag appended; SRTCP also
 * appends the E flag and a 31-bit index (RFC 3711 section 3.4, RFC 7714 section 9):
 * <pre>
 *  SRTP  (RFC 3711 section 3.1)             SRTCP, AES-CM (3.4)         SRTCP, GCM (RFC 7714 9.1)
 *  +-------------------------------+        +----------------------+    +----------------------+
 *  | RTP header, CSRCs, extension  |        | RTCP header, SSRC    |    | RTCP header, SSRC    |
 *  +-------------------------------+        +----------------------+    +----------------------+
 *  | payload (encrypted)           |        | rest (encrypted)     |    | rest (encrypted)     |
 *  +-------------------------------+        +----------------------+    +----------------------+
 *  | tag: 10 (HMAC) or 16 (GCM)    |        |E| SRTCP index (31)   |    | tag (16)             |
 *  +-------------------------------+        | tag (10)             |    |E| SRTCP index (31)   |
 *                                           +----------------------+    +----------------------+
 * </pre>
 *
 * <p>Every method takes {@code (buf, off, len)}, works in place, and returns the new length or a
 * negative {@link SrtpError#code()}; none throws on bad bytes. An encrypt needs
 * {@link #MAX_RTP_TRAILER} (RTP) or {@link #MAX_RTCP_TRAILER} (RTCP) free bytes after the packet.
 *
 * <p>Per-SSRC contexts (rollover counter, replay window, session keys derived per RFC 3711 section
 * 4.3) are made on the first packet of an SSRC and kept until {@link #close()}, up to
 * {@link #DEFAULT_MAX_SSRCS} per direction and kind. After warm-up the methods allocate nothing on
 * jitsi-srtp's native OpenSSL crypto (the default): {@link AllocationFreeJitsiCrypto} replaces the
 * parts of each context that allocated per packet. On receive, a context made for a new SSRC is kept only if that packet authenticates,
 * so forged packets cannot fill the table. A packet that fails authentication or the replay check
 * leaves the context as it was; its bytes may have been partly transformed in place (GCM providers
 * may write plaintext before checking the tag), so the caller drops it.
 *
 * <p>Threading: each of the four operations (encrypt RTP, decrypt RTP, encrypt RTCP, decrypt RTCP)
 * may run on its own thread, but each one from one thread at a time. {@link #close()} may come
 * from any thread.
 */
public final class SrtpSession implements AutoCloseable {
    /** The most bytes {@link #encryptRtp} adds: the 16-byte GCM tag (HMAC-SHA1-80 adds 10). */
    public static final int MAX_RTP_TRAILER = 16;
    /** The most bytes {@link #encryptRtcp} adds: the 4-byte E flag and index plus a 16-byte tag. */
    public static final int MAX_RTCP_TRAILER = 20;
    /**
     * Receive contexts per kind (RTP or RTCP) before new SSRCs are refused. The peer picks these
     * SSRCs, so the bound keeps forged packets from filling memory.
     */
    public static final int DEFAULT_MAX_SSRCS = 64;
    /**
     * Send contexts per kind. This side picks these SSRCs; an SFU sends one audio, one video and
     * one RTX SSRC per other participant and a new set each time a section is recycled, so 64
     * refused the streams of the 22nd and later publishers in a room (found by the load test:
     * whole video streams of a 25-publisher room never arrived). Contexts are kept until close,
     * so churn counts too: 1,024 covers a 50-person room and about 300 join/leave cycles.
     */
    public static final int DEFAULT_MAX_TX_SSRCS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SrtpSession.class);
    private static final int RTP_FIXED_HEADER = 12;
    private static final int RTCP_FIXED_HEADER = 8;

    private final SrtpProfile profile;
    private final SrtpContextFactory txFactory;
    private final SrtpContextFactory rxFactory;
    private final Side<SrtpCryptoContext> rtpTx;
    private final Side<SrtpCryptoContext> rtpRx;
    private final Side<SrtcpCryptoContext> rtcpTx;
    private final Side<SrtcpCryptoContext> rtcpRx;
    /** HMAC session keys (RFC 3711 section 4.3) for the allocation-free MAC; null for GCM. */
    private final byte[] txRtpAuthKey;
    private final byte[] rxRtpAuthKey;
    private final byte[] txRtcpAuthKey;
    private final byte[] rxRtcpAuthKey;
    private volatile boolean closed;

    /** One operation's state: its adapter over the caller's bytes and its contexts by SSRC. */
    private static final class Side<T> {
        final PacketBuffer buffer = new PacketBuffer();
        final SsrcContextTable<T> contexts;

        Side(int maxSsrcs) {
            contexts = new SsrcContextTable<>(maxSsrcs);
        }
    }

    SrtpSession(SrtpProfile profile, byte[] txKey, byte[] txSalt, byte[] rxKey, byte[] rxSalt, int maxSsrcs) {
        this(profile, txKey, txSalt, rxKey, rxSalt, maxSsrcs, maxSsrcs);
    }

    SrtpSession(SrtpProfile profile, byte[] txKey, byte[] txSalt, byte[] rxKey, byte[] rxSalt, int maxSsrcs,
                int maxTxSsrcs) {
        this.profile = Objects.requireNonNull(profile, "profile");
        checkLength("txKey", txKey, profile.keyLength());
        checkLength("txSalt", txSalt, profile.saltLength());
        checkLength("rxKey", rxKey, profile.keyLength());
        checkLength("rxSalt", rxSalt, profile.saltLength());
        JitsiSrtpBridge.chooseAesFactoryOnce();
        SrtpPolicy policy = JitsiSrtpBridge.policy(profile);
        // The factories copy the keys; the policy is only read.
        this.txFactory = new SrtpContextFactory(true, txKey, txSalt, policy, policy, JitsiLoggerBridge.INSTANCE);
        this.rxFactory = new SrtpContextFactory(false, rxKey, rxSalt, policy, policy, JitsiLoggerBridge.INSTANCE);
        this.rtpTx = new Side<>(maxTxSsrcs);
        this.rtpRx = new Side<>(maxSsrcs);
        this.rtcpTx = new Side<>(maxTxSsrcs);
        this.rtcpRx = new Side<>(maxSsrcs);
        if (profile == SrtpProfile.AES_CM_128_HMAC_SHA1_80) {
            txRtpAuthKey = authKey(txKey, txSalt, AllocationFreeJitsiCrypto.LABEL_RTP_AUTH);
            rxRtpAuthKey = authKey(rxKey, rxSalt, AllocationFreeJitsiCrypto.LABEL_RTP_AUTH);
            txRtcpAuthKey = authKey(txKey, txSalt, AllocationFreeJitsiCrypto.LABEL_RTCP_AUTH);
            rxRtcpAuthKey = authKey(rxKey, rxSalt, AllocationFreeJitsiCrypto.LABEL_RTCP_AUTH);
        } else {
            txRtpAuthKey = null;
            rxRtpAuthKey = null;
            txRtcpAuthKey = null;
            rxRtcpAuthKey = null;
        }
    }

    /** The HMAC key for a label, or null (jitsi-srtp's own MAC is then kept) if it cannot be derived. */
    private static byte[] authKey(byte[] masterKey, byte[] masterSalt, byte label) {
        try {
            return AllocationFreeJitsiCrypto.deriveAuthKey(masterKey, masterSalt, label);
        } catch (GeneralSecurityException e) {
            LOG.warn("cannot derive the SRTP authentication key here ({}); jitsi-srtp's MAC is used", e.toString());
            return null;
        }
    }

    /**
     * Keys both directions from the DTLS exporter output (label "EXTRACTOR-dtls_srtp",
     * {@link SrtpProfile#keyingMaterialLength()} bytes), laid out per RFC 5764 section 4.2 as
     * client key, server key, client salt, server salt. The DTLS client sends with the client key.
     *
     * @throws IllegalArgumentException when the material has the wrong length for the profile
     */
    public static SrtpSession fromKeyingMaterial(SrtpProfile profile, byte[] keyingMaterial, boolean localIsDtlsClient) {
        return fromKeyingMaterial(profile, keyingMaterial, localIsDtlsClient, DEFAULT_MAX_SSRCS);
    }

    /**
     * Like {@link #fromKeyingMaterial(SrtpProfile, byte[], boolean)} with a bound on receiving SSRCs
     * per kind: a peer that receives a whole room (a load-test subscriber: three SSRCs and a
     * sender report stream per publisher) needs more than the {@link #DEFAULT_MAX_SSRCS} that
     * guard a server against a publisher's forged SSRCs.
     */
    public static SrtpSession fromKeyingMaterial(SrtpProfile profile, byte[] keyingMaterial, boolean localIsDtlsClient,
                                                 int maxRxSsrcs) {
        Objects.requireNonNull(profile, "profile");
        checkLength("keyingMaterial", keyingMaterial, profile.keyingMaterialLength());
        int k = profile.keyLength();
        int s = profile.saltLength();
        byte[] clientKey = Arrays.copyOfRange(keyingMaterial, 0, k);
        byte[] serverKey = Arrays.copyOfRange(keyingMaterial, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(keyingMaterial, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(keyingMaterial, 2 * k + s, 2 * k + 2 * s);
        try {
            return localIsDtlsClient
                    ? new SrtpSession(profile, clientKey, clientSalt, serverKey, serverSalt, maxRxSsrcs,
                            DEFAULT_MAX_TX_SSRCS)
                    : new SrtpSession(profile, serverKey, serverSalt, clientKey, clientSalt, maxRxSsrcs,
                            DEFAULT_MAX_TX_SSRCS);
        } finally {
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(serverKey, (byte) 0);
            Arrays.fill(clientSalt, (byte) 0);
            Arrays.fill(serverSalt, (byte) 0);
        }
    }

    /**
     * Keys each direction from an explicit master key and salt (tests, RFC vectors, SDES).
     *
     * @throws IllegalArgumentException when a key or salt has the wrong length for the profile
     */
    public static SrtpSession fromMasterKeys(SrtpProfile profile, byte[] txKey, byte[] txSalt, byte[] rxKey, byte[] rxSalt) {
        return new SrtpSession(profile, txKey, txSalt, rxKey, rxSalt, DEFAULT_MAX_SSRCS, DEFAULT_MAX_TX_SSRCS);
    }

    /**
     * Pays jitsi-srtp's one-time start-up cost now: it loads the whole Bouncy Castle provider and
     * its own native library on the first context, which took 1.5 to 6 seconds on the 2-core test
     * machine. Call once at server start (any thread) so the first call's media does not wait.
     *
     * @return how many profiles protected an RTP and an RTCP packet ({@code SrtpProfile.values().length}
     *     when all work; the server does not need the figure, tests check it)
     */
    public static int warmUp() {
        int working = 0;
        for (SrtpProfile p : SrtpProfile.values()) {
            try (SrtpSession s = fromKeyingMaterial(p, new byte[p.keyingMaterialLength()], true)) {
                byte[] buf = new byte[RTP_FIXED_HEADER + 4 + MAX_RTCP_TRAILER];
                buf[0] = (byte) 0x80; // RTP version 2, then an RTCP-like packet of version 2
                int rtp = s.encryptRtp(buf, 0, RTP_FIXED_HEADER + 4);
                buf[0] = (byte) 0x80;
                buf[1] = (byte) 200;
                int rtcp = s.encryptRtcp(buf, 0, RTCP_FIXED_HEADER);
                if (rtp > RTP_FIXED_HEADER + 4 && rtcp > RTCP_FIXED_HEADER) {
                    working++;
                }
            }
        }
        return working;
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Protects an RTP packet in place: encrypts the payload and appends the tag.
     *
     * @return the SRTP length ({@code len} plus {@link SrtpProfile#rtpTagLength()}), or a negative
     *     {@link SrtpError} code
     */
    public int encryptRtp(byte[] buf, int off, int len) {
        if (closed) {
            return SrtpError.CLOSED.code();
        }
        int header = rtpHeaderLength(buf, off, len);
        if (header < 0) {
            return header;
        }
        if (buf.length - off - len < profile.rtpTagLength()) {
            return SrtpError.NO_TAIL_ROOM.code();
        }
        int ssrc = Bytes.s32(buf, off + 8);
        SrtpCryptoContext context = rtpTx.contexts.get(ssrc);
        if (context == null) {
            context = newTxRtpContext(ssrc);
            if (context == null) {
                return closed ? SrtpError.CLOSED.code() : SrtpError.TOO_MANY_SSRCS.code();
            }
        }
        PacketBuffer packet = rtpTx.buffer.wrap(buf, off, len);
        try {
            SrtpErrorStatus status = context.transformPacket(packet);
            return status == SrtpErrorStatus.OK ? packet.getLength() : toCode(status);
        } catch (GeneralSecurityException e) {
            LOG.warn("SRTP encrypt failed for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return SrtpError.CRYPTO_FAILURE.code();
        } catch (RuntimeException e) {
            // Hostile bytes must not escape as exceptions; our checks should make this unreachable.
            LOG.debug("SRTP encrypt refused a malformed packet for SSRC {}", ssrc & 0xFFFFFFFFL, e);
            return SrtpError.INVALID.code();
        } finally {
            packet.clear();
        }
    }

    /**
     * Authenticates, replay-checks and decrypts an SRTP packet in place.
     *
     * @return the RTP length (the tag removed), or a negative {@link SrtpError} code
     */
    public int decryptRtp(byte[] buf, int off, int len) {
        if (closed) {
            return SrtpError.CLOSED.code();
        }
        int header = rtpHeaderLength(buf, off, len);
        if (header < 0) {
            return header;
        }
        if (len < header + profile.rtpTagLength()) {
            return SrtpError.TRUNCATED.code();
        }
        int ssrc = Bytes.s32(buf, off + 8);
        SrtpCryptoContext context = rtpRx.contexts.get(ssrc);
        boolean isNew = false;
        if (context == null) {
            context = newRxRtpContext(ssrc);
            if (context == null) {
                return closed ? SrtpError.CLOSED.code() : SrtpError.TOO_MANY_SSRCS.code();
            }
            isNew = true;
        }
        PacketBuffer packet = rtpRx.buffer.wrap(buf, off, len);
        try {
            SrtpErrorStatus status = context.reverseTransformPacket(packet, false);
            if (status != SrtpErrorStatus.OK) {
                return toCode(status);
            }
            if (isNew) {
                keep(rtpRx, ssrc, context);
            }
            return packet.getLength();
        } catch (GeneralSecurityException e) {
            LOG.warn("SRTP decrypt failed for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return SrtpError.CRYPTO_FAILURE.code();
        } catch (RuntimeException e) {
            // Hostile bytes must not escape as exceptions; our checks should make this unreachable.
            LOG.debug("SRTP decrypt refused a malformed packet for SSRC {}", ssrc & 0xFFFFFFFFL, e);
            return SrtpError.INVALID.code();
        } finally {
            packet.clear();
        }
    }

    /**
     * Protects an RTCP packet (a whole compound packet) in place: encrypts everything after the
     * first sender SSRC and appends the E flag, the SRTCP index and the tag.
     *
     * @return the SRTCP length ({@code len} plus {@link SrtpProfile#rtcpTrailerLength()}), or a
     *     negative {@link SrtpError} code
     */
    public int encryptRtcp(byte[] buf, int off, int len) {
        if (closed) {
            return SrtpError.CLOSED.code();
        }
        int check = checkRtcp(buf, off, len, 0);
        if (check < 0) {
            return check;
        }
        if (buf.length - off - len < profile.rtcpTrailerLength()) {
            return SrtpError.NO_TAIL_ROOM.code();
        }
        int ssrc = Bytes.s32(buf, off + 4);
        SrtcpCryptoContext context = rtcpTx.contexts.get(ssrc);
        if (context == null) {
            context = newRtcpContext(rtcpTx, txFactory, ssrc, true);
            if (context == null) {
                return closed ? SrtpError.CLOSED.code() : SrtpError.TOO_MANY_SSRCS.code();
            }
        }
        PacketBuffer packet = rtcpTx.buffer.wrap(buf, off, len);
        try {
            SrtpErrorStatus status = context.transformPacket(packet);
            return status == SrtpErrorStatus.OK ? packet.getLength() : toCode(status);
        } catch (GeneralSecurityException e) {
            LOG.warn("SRTCP encrypt failed for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return SrtpError.CRYPTO_FAILURE.code();
        } catch (RuntimeException e) {
            // Hostile bytes must not escape as exceptions; our checks should make this unreachable.
            LOG.debug("SRTCP encrypt refused a malformed packet for SSRC {}", ssrc & 0xFFFFFFFFL, e);
            return SrtpError.INVALID.code();
        } finally {
            packet.clear();
        }
    }

    /**
     * Authenticates, replay-checks and decrypts an SRTCP packet in place.
     *
     * @return the RTCP length (index and tag removed), or a negative {@link SrtpError} code
     */
    public int decryptRtcp(byte[] buf, int off, int len) {
        if (closed) {
            return SrtpError.CLOSED.code();
        }
        int check = checkRtcp(buf, off, len, profile.rtcpTrailerLength());
        if (check < 0) {
            return check;
        }
        int ssrc = Bytes.s32(buf, off + 4);
        SrtcpCryptoContext context = rtcpRx.contexts.get(ssrc);
        boolean isNew = false;
        if (context == null) {
            context = newRtcpContext(rtcpRx, rxFactory, ssrc, false);
            if (context == null) {
                return closed ? SrtpError.CLOSED.code() : SrtpError.TOO_MANY_SSRCS.code();
            }
            isNew = true;
        }
        PacketBuffer packet = rtcpRx.buffer.wrap(buf, off, len);
        try {
            SrtpErrorStatus status = context.reverseTransformPacket(packet);
            if (status != SrtpErrorStatus.OK) {
                return toCode(status);
            }
            if (isNew) {
                keep(rtcpRx, ssrc, context);
            }
            return packet.getLength();
        } catch (GeneralSecurityException e) {
            LOG.warn("SRTCP decrypt failed for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return SrtpError.CRYPTO_FAILURE.code();
        } catch (RuntimeException e) {
            // Hostile bytes must not escape as exceptions; our checks should make this unreachable.
            LOG.debug("SRTCP decrypt refused a malformed packet for SSRC {}", ssrc & 0xFFFFFFFFL, e);
            return SrtpError.INVALID.code();
        } finally {
            packet.clear();
        }
    }

    /**
     * Forgets the sending RTP context of {@code ssrc}, once this side will never send on that SSRC
     * again (an SFU retires a subscriber's SSRCs when the publisher leaves): without this, a
     * long-lived session in a room with churn would reach the bound on sending SSRCs. Call it
     * under the same lock as {@link #encryptRtp} of this session.
     *
     * @return true when there was a context
     */
    public boolean forgetSendingSsrc(long ssrc) {
        return !closed && rtpTx.contexts.remove((int) ssrc);
    }

    /** Like {@link #forgetSendingSsrc} for the SRTCP context of a retired sender SSRC, under the lock of {@link #encryptRtcp}. */
    public boolean forgetSendingRtcpSsrc(long ssrc) {
        return !closed && rtcpTx.contexts.remove((int) ssrc);
    }

    /** The number of SSRCs with an RTP context in the sending and receiving direction (for metrics). */
    public int rtpSsrcCount(boolean sending) {
        return (sending ? rtpTx : rtpRx).contexts.size();
    }

    /** Forgets every context and wipes the master keys; later calls return {@link SrtpError#CLOSED}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rtpTx.contexts.clear();
        rtpRx.contexts.clear();
        rtcpTx.contexts.clear();
        rtcpRx.contexts.clear();
        txFactory.close();
        rxFactory.close();
        for (byte[] key : new byte[][] {txRtpAuthKey, rxRtpAuthKey, txRtcpAuthKey, rxRtcpAuthKey}) {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    // Context creation is rare (once per SSRC) and locked against close(), which wipes the keys.

    private synchronized SrtpCryptoContext newTxRtpContext(int ssrc) {
        if (closed) {
            return null;
        }
        if (rtpTx.contexts.isFull()) {
            warnTxFull(ssrc);
            return null;
        }
        try {
            SrtpCryptoContext context = txFactory.deriveContext(ssrc, 0);
            AllocationFreeJitsiCrypto.apply(context, txRtpAuthKey);
            rtpTx.contexts.put(ssrc, context);
            return context;
        } catch (GeneralSecurityException e) {
            LOG.warn("cannot make an SRTP context for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return null;
        }
    }

    private synchronized SrtpCryptoContext newRxRtpContext(int ssrc) {
        if (closed || rtpRx.contexts.isFull()) {
            return null;
        }
        try {
            SrtpCryptoContext context = rxFactory.deriveContext(ssrc, 0);
            AllocationFreeJitsiCrypto.apply(context, rxRtpAuthKey);
            return context;
        } catch (GeneralSecurityException e) {
            LOG.warn("cannot make an SRTP context for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return null;
        }
    }

    private synchronized SrtcpCryptoContext newRtcpContext(
            Side<SrtcpCryptoContext> side, SrtpContextFactory factory, int ssrc, boolean keepNow) {
        if (closed || side.contexts.isFull()) {
            return null;
        }
        try {
            SrtcpCryptoContext context = factory.deriveControlContext(ssrc);
            AllocationFreeJitsiCrypto.apply(context, factory == txFactory ? txRtcpAuthKey : rxRtcpAuthKey);
            if (keepNow) {
                side.contexts.put(ssrc, context);
            }
            return context;
        } catch (GeneralSecurityException e) {
            LOG.warn("cannot make an SRTCP context for SSRC {}: {}", ssrc & 0xFFFFFFFFL, e.toString());
            return null;
        }
    }

    private boolean warnedTxFull;

    /** Once per session: a stream of ours cannot be sent, which an operator must hear about. */
    private void warnTxFull(int ssrc) {
        if (!warnedTxFull) {
            warnedTxFull = true;
            LOG.warn("SRTP session holds its limit of {} sending SSRCs; SSRC {} and later new ones cannot be sent",
                    rtpTx.contexts.size(), ssrc & 0xFFFFFFFFL);
        }
    }

    private synchronized <T> void keep(Side<T> side, int ssrc, T context) {
        if (!closed) {
            side.contexts.put(ssrc, context);
        }
    }

    private static int toCode(SrtpErrorStatus status) {
        switch (status) {
            case AUTH_FAIL:
                return SrtpError.AUTH_FAILED.code();
            case REPLAY_FAIL:
            case REPLAY_OLD:
                return SrtpError.REPLAY.code();
            case INVALID_PACKET:
                return SrtpError.TRUNCATED.code();
            case FAIL:
                return SrtpError.CRYPTO_FAILURE.code();
            default:
                return SrtpError.INVALID.code();
        }
    }

    /**
     * The RTP header length ({@link RtpPacket#headerLength}: fixed header, CSRCs, extension; RFC
     * 3550 section 5.1) or a negative code: INVALID for a bad window or a version other than 2,
     * TRUNCATED when {@code len} cannot hold the header.
     */
    private static int rtpHeaderLength(byte[] buf, int off, int len) {
        int header = RtpPacket.headerLength(buf, off, len);
        if (header >= 0) {
            return header;
        }
        if (!RtpPacket.isWindowValid(buf, off, len)) {
            return SrtpError.INVALID.code();
        }
        if (len >= RTP_FIXED_HEADER && ((buf[off] & 0xFF) >>> 6) != 2) {
            return SrtpError.INVALID.code();
        }
        return SrtpError.TRUNCATED.code();
    }

    /** Checks an RTCP packet's bounds, minimum length (8 + trailer) and version; 0 or a negative code. */
    private static int checkRtcp(byte[] buf, int off, int len, int trailer) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return SrtpError.INVALID.code();
        }
        if (len < RTCP_FIXED_HEADER + trailer) {
            return SrtpError.TRUNCATED.code();
        }
        if (((buf[off] & 0xFF) >>> 6) != 2) {
            return SrtpError.INVALID.code();
        }
        return 0;
    }

    private static void checkLength(String name, byte[] value, int expected) {
        Objects.requireNonNull(value, name);
        if (value.length != expected) {
            throw new IllegalArgumentException(name + " must be " + expected + " bytes, not " + value.length);
        }
    }
}
