package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpError;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsTimeoutException;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's secure media pipe: ICE (ice4j), DTLS 1.2 over the ICE-validated path (bctls,
 * RFC 6347), and SRTP/SRTCP keyed from DTLS (RFC 5764).
 *
 * <p>Ingress: a datagram from the ICE socket is checked against the ICE-validated remote
 * address (anything else is dropped and counted), queued in a bounded lock-free ring (full:
 * the oldest is dropped and counted) and processed by this transport's serial task on the
 * shared pool: RFC 7983 demux by first byte, DTLS records to bctls, SRTP/SRTCP decrypted in
 * place and passed to the listener. One task at a time, so the listener, the DTLS state and the
 * decrypt contexts have one writer.
 *
 * <p>Egress: {@link #sendRtp}/{@link #sendRtcp} encrypt in place and send on the selected pair
 * from the caller's thread; a small per-direction lock guards the encrypt context and the
 * reused datagram packet (uncontended when one thread sends to a given peer).
 */
public final class IceDtlsTransport implements MediaTransport {
    private static final Logger LOG = LoggerFactory.getLogger(IceDtlsTransport.class);
    private static final int DRAIN_BATCH = 128;
    /**
     * RTP that waited longer than this in the ingress queue is dropped and counted
     * {@link DropReason#STALE}: the queue is bounded in time as well as in packets (1,024
     * packets are 9 s of a 500 kbps publisher, a delay no receiver wants).
     */
    static final long MAX_INGRESS_AGE_NANOS = 250_000_000L;
    /** SRTP packets kept while the local handshake thread finishes after the peer already sends. */
    private static final int EARLY_MEDIA_LIMIT = 16;
    private static final InetSocketAddress[] NONE = new InetSocketAddress[0];

    private final String id;
    private final TransportListener listener;
    private final TransportRuntime rt;
    private final boolean serverSide;
    private final DropCounters drops = new DropCounters();
    private final BoundedRing<Buffer> ingress;
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    /** Serial-task owned: the stamp of the packet just taken from {@link #ingress}. */
    private final long[] queuedAt = new long[1];
    /** Written by the serial task only; read by monitoring (the load tester, metrics). */
    private volatile long ingressPackets;
    private volatile long ingressWaitTotalNanos;
    private volatile long ingressWaitMaxNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean handshakeStarted = new AtomicBoolean();
    private final IceDatagramTransport dtlsIo = new IceDatagramTransport(this::sendDtls);
    private final DtlsEvents dtlsEvents = new DtlsEvents();
    private final Object rtpSendLock = new Object();
    private final Object rtcpSendLock = new Object();
    private final Object dtlsSendLock = new Object();
    private final DatagramPacket rtpPacket = new DatagramPacket(new byte[0], 0);
    private final DatagramPacket rtcpPacket = new DatagramPacket(new byte[0], 0);
    private final DatagramPacket dtlsPacket = new DatagramPacket(new byte[0], 0);
    private final byte[] dtlsScratch = new byte[IceDatagramTransport.MAX_RECORD_DATAGRAM];
    private final IceLink ice;
    private final ScheduledFuture<?> watchdog;

    private volatile InetSocketAddress[] validated = NONE;
    private volatile IceLink.Route[] validatedRoutes = new IceLink.Route[0];
    private volatile InetSocketAddress selectedRemote;
    private volatile IceLink.Route route;
    private volatile IceLink.Route preSelectionRoute;
    private volatile InetSocketAddress dtlsPeer;
    private volatile RemoteParameters remote;
    private volatile DtlsSetup agreedLocalSetup;
    private volatile SrtpSession srtp;
    private volatile SrtpProfile profile;
    private volatile boolean connected;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long iceConnectedNanos;
    private volatile String fingerprintMismatch;
    private volatile boolean closeNotifyReceived;
    private volatile SrtpProfile exportedProfile;
    private volatile byte[] exportedKeys;
    /** Owned by the serial task once the handshake completed. */
    private DTLSTransport dtls;
    /** Serial-task owned: media that arrived between the peer's and our end of the handshake. */
    private final java.util.ArrayDeque<byte[]> earlyMedia = new java.util.ArrayDeque<>();
    /**
     * Serial-task owned: DTLS datagrams from sources ICE has not validated yet. A peer's
     * ClientHello often overtakes the answer to our own check of the same pair; these are held
     * (a few, copied) until that pair validates, and dropped and counted otherwise.
     */
    private final java.util.ArrayDeque<HeldDatagram> heldDtls = new java.util.ArrayDeque<>();
    private static final int HELD_DTLS_LIMIT = 4;

    private record HeldDatagram(byte[] data, InetSocketAddress from) {
    }

    private IceDtlsTransport(String id, TransportListener listener, TransportRuntime rt, boolean serverSide,
                             IceLinkFactory factory) throws IOException {
        this.id = Objects.requireNonNull(id, "id");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.rt = rt;
        this.serverSide = serverSide;
        this.ingress = new BoundedRing<>(rt.config.ingressQueueCapacity());
        this.ice = factory.create(new IceEvents());
        long periodMs = Math.max(50, Math.min(1000, rt.config.consentTimeout().toMillis() / 4));
        this.watchdog = rt.timer.scheduleAtFixedRate(this::checkDeadlines, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @FunctionalInterface
    interface IceLinkFactory {
        IceLink create(IceLink.Events events) throws IOException;
    }

    static IceDtlsTransport create(String id, TransportListener listener, TransportRuntime rt, boolean serverSide,
                                   IceLinkFactory factory) throws IOException {
        return new IceDtlsTransport(id, listener, rt, serverSide, factory);
    }

    // ---- MediaTransport ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public String localIceUfrag() {
        return ice.localUfrag();
    }

    @Override
    public String localIcePwd() {
        return ice.localPassword();
    }

    @Override
    public List<IceCandidate> localCandidates() {
        return ice.localCandidates();
    }

    @Override
    public Fingerprint localFingerprint() {
        return rt.identity.fingerprint();
    }

    @Override
    public DtlsSetup localSetup(DtlsSetup remoteSetup) {
        DtlsSetup agreed = agreedLocalSetup;
        if (agreed != null) {
            return agreed;
        }
        if (remoteSetup == DtlsSetup.ACTIVE) {
            return DtlsSetup.PASSIVE;
        }
        if (remoteSetup == DtlsSetup.PASSIVE) {
            return DtlsSetup.ACTIVE;
        }
        // actpass (or nothing usable): the server stays DTLS server and so picks the SRTP profile.
        return serverSide ? DtlsSetup.PASSIVE : DtlsSetup.ACTIVE;
    }

    @Override
    public synchronized void setRemote(RemoteParameters params) {
        Objects.requireNonNull(params, "params");
        if (closed.get()) {
            return;
        }
        if (agreedLocalSetup == null) {
            agreedLocalSetup = localSetup(params.setup());
        }
        if (this.remote == null) {
            // ICE starts now: the deadline to connect counts from here, not from creation (a
            // server creates the transport when the participant joins, before its offer).
            lastHeardNanos = System.nanoTime();
        }
        this.remote = params;
        ice.setRemote(params.iceUfrag(), params.icePwd(), params.candidates());
    }

    @Override
    public void addRemoteCandidate(IceCandidate candidate) {
        ice.addRemoteCandidate(candidate);
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        synchronized (rtpSendLock) {
            int n = s.encryptRtp(buf, off, len);
            if (n < 0) {
                drops.increment(n == SrtpError.CLOSED.code() ? DropReason.NOT_CONNECTED : DropReason.ENCRYPT_FAILED);
                return false;
            }
            return sendOn(rtpPacket, buf, off, n);
        }
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        synchronized (rtcpSendLock) {
            int n = s.encryptRtcp(buf, off, len);
            if (n < 0) {
                drops.increment(n == SrtpError.CLOSED.code() ? DropReason.NOT_CONNECTED : DropReason.ENCRYPT_FAILED);
                return false;
            }
            return sendOn(rtcpPacket, buf, off, n);
        }
    }

    @Override
    public void close() {
        closeWith(CloseReason.LOCAL_CLOSE, "closed locally", true);
    }

    @Override
    public Map<DropReason, Long> dropCounts() {
        return drops.snapshot();
    }

    // ---- extra public API ----

    /** The drop counters of this transport. */
    public DropCounters drops() {
        return drops;
    }

    /** Datagrams taken from the ingress queue so far (media, DTLS and stale ones). */
    public long ingressPackets() {
        return ingressPackets;
    }

    /** Total time those datagrams waited in the ingress queue, in nanoseconds. */
    public long ingressWaitTotalNanos() {
        return ingressWaitTotalNanos;
    }

    /** The longest wait in the ingress queue since the last {@link #resetIngressWaitMax()}, in nanoseconds. */
    public long ingressWaitMaxNanos() {
        return ingressWaitMaxNanos;
    }

    /** Starts a new maximum (approximate when the serial task records a wait at the same time). */
    public void resetIngressWaitMax() {
        ingressWaitMaxNanos = 0;
    }

    /** Datagrams waiting in the ingress queue now. */
    public int ingressBacklog() {
        return ingress.size();
    }

    /** The negotiated SRTP profile, or null before DTLS completed. */
    public SrtpProfile srtpProfile() {
        return profile;
    }

    /** True when this side is the DTLS client (a=setup:active); null before {@link #setRemote}. */
    public Boolean isDtlsClient() {
        DtlsSetup s = agreedLocalSetup;
        return s == null ? null : s == DtlsSetup.ACTIVE;
    }

    /** The ICE-selected remote address, or null before nomination. */
    public InetSocketAddress selectedRemoteAddress() {
        return selectedRemote;
    }

    /**
     * Stops answering and sending without a DTLS close_notify, as a crashed or vanished peer
     * would (tests, load tester). The listener is told {@link CloseReason#LOCAL_CLOSE}.
     */
    public void simulateCrash() {
        closeWith(CloseReason.LOCAL_CLOSE, "simulated crash", false);
    }

    @Override
    public String toString() {
        return "IceDtlsTransport[" + id + (serverSide ? ", server" : ", client") + (connected ? ", connected" : "")
                + (closed.get() ? ", closed" : "") + "]";
    }

    // ---- ingress ----

    /**
     * Any ICE-validated remote address may send, not only the one ice4j selected: the
     * controlling peer chooses the pair it uses (Chromium prefers a non-loopback socket and may
     * switch after ice4j has completed), and RFC 8445 section 12.1 lets media flow on any valid pair.
     */
    private boolean isValidatedSource(SocketAddress from) {
        InetSocketAddress sel = selectedRemote;
        if (sel != null && sel.equals(from)) {
            return true;
        }
        for (InetSocketAddress a : validated) {
            if (a.equals(from)) {
                return true;
            }
        }
        return false;
    }

    private void ingress(Buffer b) {
        if (closed.get()) {
            drops.increment(DropReason.NOT_CONNECTED);
            PacketPool.release(b);
            return;
        }
        if (b.getLength() <= 0) {
            drops.increment(DropReason.MALFORMED);
            PacketPool.release(b);
            return;
        }
        if (!isValidatedSource(b.getRemoteAddress())) {
            int b0 = b.getBuffer()[b.getOffset()] & 0xFF;
            if (selectedRemote == null && b0 >= 20 && b0 <= 63 && b.getRemoteAddress() instanceof InetSocketAddress from) {
                byte[] copy = Arrays.copyOfRange(b.getBuffer(), b.getOffset(), b.getOffset() + b.getLength());
                post(() -> holdDtls(copy, from));
            } else {
                drops.increment(DropReason.UNVALIDATED_SOURCE);
            }
            PacketPool.release(b);
            return;
        }
        long queuedAt = System.nanoTime();
        if (!ingress.offer(b, queuedAt)) {
            Buffer oldest = ingress.poll();
            if (oldest != null) {
                PacketPool.release(oldest);
                drops.increment(DropReason.QUEUE_FULL);
            }
            if (!ingress.offer(b, queuedAt)) {
                PacketPool.release(b);
                drops.increment(DropReason.QUEUE_FULL);
                return;
            }
        }
        schedule();
    }

    private void post(Runnable r) {
        control.offer(r);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                rt.serialPool.execute(drainTask);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                drainAfterShutdown();
            }
        }
    }

    /** The serial task: control events first, then up to a batch of packets, then yield the thread. */
    private void drain() {
        try {
            for (int i = 0; i < DRAIN_BATCH; i++) {
                Runnable r = control.poll();
                if (r != null) {
                    runSafely(r);
                    continue;
                }
                Buffer b = ingress.poll(queuedAt);
                if (b == null) {
                    break;
                }
                try {
                    if (isStale(b, System.nanoTime() - queuedAt[0])) {
                        drops.increment(DropReason.STALE);
                        continue;
                    }
                    handlePacket(b.getBuffer(), b.getOffset(), b.getLength(), b.getRemoteAddress());
                } catch (RuntimeException e) {
                    drops.increment(DropReason.MALFORMED);
                    LOG.warn("{}: packet handling failed", id, e);
                } finally {
                    PacketPool.release(b);
                }
            }
        } finally {
            scheduled.set(false);
            if (!control.isEmpty() || !ingress.isEmpty()) {
                schedule();
            }
        }
    }

    /**
     * Records how long a packet waited in the ingress queue, and tells whether it is RTP that
     * waited longer than {@link #MAX_INGRESS_AGE_NANOS}: such a packet is late for any receiver,
     * and forwarding it would only delay the fresh packets queued behind it. DTLS and RTCP are
     * never stale: the handshake retransmits on its own clock, and feedback (NACK, PLI, reports)
     * is small and still useful late.
     */
    private boolean isStale(Buffer b, long waitedNanos) {
        ingressPackets++;
        ingressWaitTotalNanos += waitedNanos;
        if (waitedNanos > ingressWaitMaxNanos) {
            ingressWaitMaxNanos = waitedNanos;
        }
        if (waitedNanos <= MAX_INGRESS_AGE_NANOS || b.getLength() < 2) {
            return false;
        }
        byte[] buf = b.getBuffer();
        int b0 = buf[b.getOffset()] & 0xFF;
        int pt = buf[b.getOffset() + 1] & 0x7F;
        // RFC 7983 section 7: 128..191 is RTP/RTCP; RFC 5761 section 4: 64..95 here is RTCP.
        return b0 >= 128 && b0 <= 191 && (pt < 64 || pt > 95);
    }

    private synchronized void drainAfterShutdown() {
        Runnable r;
        while ((r = control.poll()) != null) {
            runSafely(r);
        }
        Buffer b;
        while ((b = ingress.poll()) != null) {
            PacketPool.release(b);
        }
    }

    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: event handling failed", id, e);
        }
    }

    private void holdDtls(byte[] data, InetSocketAddress from) {
        if (isValidatedSource(from)) {
            handlePacket(data, 0, data.length, from);
            return;
        }
        if (heldDtls.size() >= HELD_DTLS_LIMIT) {
            heldDtls.poll();
            drops.increment(DropReason.UNVALIDATED_SOURCE);
        }
        heldDtls.add(new HeldDatagram(data, from));
    }

    /** After a pair validated or was selected: replay what its address sent, drop what others sent. */
    private void releaseHeldDtls() {
        if (heldDtls.isEmpty()) {
            return;
        }
        boolean selected = selectedRemote != null;
        for (int i = heldDtls.size(); i > 0; i--) {
            HeldDatagram h = heldDtls.poll();
            if (isValidatedSource(h.from())) {
                handlePacket(h.data(), 0, h.data().length, h.from());
            } else if (selected) {
                drops.increment(DropReason.UNVALIDATED_SOURCE);
            } else {
                heldDtls.add(h);
            }
        }
    }

    /** RFC 7983 section 7: the first byte tells STUN, DTLS and RTP/RTCP apart. */
    private void handlePacket(byte[] buf, int off, int len, SocketAddress from) {
        if (closed.get()) {
            drops.increment(DropReason.NOT_CONNECTED);
            return;
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >= 20 && b0 <= 63) {
            handleDtls(buf, off, len, (InetSocketAddress) from);
        } else if (b0 >= 128 && b0 <= 191) {
            handleMedia(buf, off, len, (InetSocketAddress) from);
        } else {
            drops.increment(DropReason.MALFORMED);
        }
    }

    private void handleMedia(byte[] buf, int off, int len, InetSocketAddress from) {
        SrtpSession s = srtp;
        if (s == null && handshakeStarted.get() && earlyMedia.size() < EARLY_MEDIA_LIMIT) {
            // The peer finished its side of the handshake before our handshake thread returned.
            earlyMedia.add(Arrays.copyOfRange(buf, off, off + len));
            return;
        }
        if (s == null || len < 8) {
            drops.increment(s == null ? DropReason.NOT_CONNECTED : DropReason.MALFORMED);
            return;
        }
        // RFC 5761 section 4: RTCP packet types 192-223 leave 64-95 in the RTP payload-type bits.
        int pt = buf[off + 1] & 0x7F;
        boolean rtcp = pt >= 64 && pt <= 95;
        int n = rtcp ? s.decryptRtcp(buf, off, len) : s.decryptRtp(buf, off, len);
        if (n < 0) {
            drops.increment(reasonFor(n));
            return;
        }
        lastHeardNanos = System.nanoTime();
        follow(from);
        try {
            if (rtcp) {
                listener.onRtcp(this, buf, off, n);
            } else {
                listener.onRtp(this, buf, off, n);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
    }

    private static DropReason reasonFor(int code) {
        SrtpError e = SrtpError.fromCode(code);
        if (e == null) {
            return DropReason.MALFORMED;
        }
        return switch (e) {
            case AUTH_FAILED, CRYPTO_FAILURE -> DropReason.SRTP_AUTH_FAILED;
            case REPLAY -> DropReason.REPLAY;
            case CLOSED -> DropReason.NOT_CONNECTED;
            default -> DropReason.MALFORMED;
        };
    }

    private void handleDtls(byte[] buf, int off, int len, InetSocketAddress from) {
        if (len < 13 || len > IceDatagramTransport.MAX_RECORD_DATAGRAM) {
            drops.increment(DropReason.MALFORMED);
            return;
        }
        InetSocketAddress peer = dtlsPeer;
        if (peer == null) {
            dtlsPeer = from;
            preSelectionRoute = validatedRouteTo(from);
        } else if (!peer.equals(from) && selectedRemote == null) {
            // Before nomination only the first validated source may speak DTLS.
            drops.increment(DropReason.UNVALIDATED_SOURCE);
            return;
        }
        if (!dtlsIo.offer(buf, off, len)) {
            drops.increment(DropReason.QUEUE_FULL);
            return;
        }
        if (dtls != null) {
            lastHeardNanos = System.nanoTime();
            follow(from);
            pumpDtls();
        } else if (agreedLocalSetup == DtlsSetup.PASSIVE) {
            startHandshake();
        }
    }

    /**
     * Sends where the peer sends from: after an authenticated packet (SRTP that decrypted, or a
     * DTLS record once the handshake is done) from another validated address, the route
     * switches to that pair. ice4j keeps its first nominated pair after it completes, while the
     * controlling browser may move to another (RFC 8445 section 8.1.1 leaves the choice to it).
     */
    private void follow(InetSocketAddress from) {
        IceLink.Route r = route;
        if (r == null || from == null || r.remote().equals(from)) {
            return;
        }
        IceLink.Route next = validatedRouteTo(from);
        if (next != null) {
            LOG.debug("{}: the peer moved to {}; sending there", id, from);
            route = next;
            selectedRemote = from;
        }
    }

    /** Lets bctls process queued post-handshake records: alerts and retransmitted flights. */
    private void pumpDtls() {
        try {
            while (!closed.get()) {
                dtls.receive(dtlsScratch, 0, dtlsScratch.length, 1);
            }
        } catch (InterruptedIOException drained) {
            // Nothing more is queued.
        } catch (IOException e) {
            if (!closeNotifyReceived) {
                closeWith(CloseReason.DTLS_FAILED, "DTLS failed: " + e, false);
            }
        }
        if (closeNotifyReceived) {
            closeWith(CloseReason.PEER_CLOSED, "DTLS close_notify from the peer", false);
        }
    }

    // ---- DTLS ----

    private void startHandshake() {
        if (!handshakeStarted.compareAndSet(false, true) || closed.get()) {
            return;
        }
        boolean client = agreedLocalSetup == DtlsSetup.ACTIVE;
        int timeout = (int) rt.config.dtlsHandshakeTimeout().toMillis();
        try {
            rt.handshakePool.execute(() -> runHandshake(client, timeout));
        } catch (RejectedExecutionException e) {
            closeWith(CloseReason.DTLS_FAILED, "shutting down", false);
        }
    }

    private void runHandshake(boolean client, int timeoutMillis) {
        try {
            DTLSTransport t;
            if (client) {
                t = new DTLSClientProtocol().connect(new DtlsSrtpClient(rt.identity, dtlsEvents, timeoutMillis,
                        DtlsSrtpPeer.dtlsIds(rt.config.srtpProfiles())), dtlsIo);
            } else {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // The source is already ICE-validated, so the cookie round trip adds nothing.
                protocol.setVerifyRequests(false);
                t = protocol.accept(new DtlsSrtpServer(rt.identity, dtlsEvents, timeoutMillis,
                        DtlsSrtpPeer.dtlsIds(rt.config.srtpProfiles())), dtlsIo);
            }
            dtlsIo.setNonBlocking();
            post(() -> onDtlsEstablished(t, client));
        } catch (IOException | RuntimeException e) {
            if (closed.get()) {
                return;
            }
            String mismatch = fingerprintMismatch;
            if (mismatch != null) {
                closeWith(CloseReason.FINGERPRINT_MISMATCH, mismatch, false);
            } else if (e instanceof TlsTimeoutException) {
                closeWith(CloseReason.DTLS_TIMEOUT, "DTLS handshake timed out", false);
            } else {
                closeWith(CloseReason.DTLS_FAILED, "DTLS handshake failed: " + e, false);
            }
        }
    }

    private void onDtlsEstablished(DTLSTransport t, boolean client) {
        SrtpProfile p = exportedProfile;
        byte[] keys = exportedKeys;
        exportedKeys = null;
        if (closed.get() || p == null || keys == null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
            if (keys != null) {
                Arrays.fill(keys, (byte) 0);
            }
            return;
        }
        dtls = t;
        try {
            srtp = SrtpSession.fromKeyingMaterial(p, keys, client);
        } finally {
            Arrays.fill(keys, (byte) 0);
        }
        profile = p;
        connected = true;
        lastHeardNanos = System.nanoTime();
        LOG.debug("{}: DTLS-SRTP up as DTLS {}, {}", id, client ? "client" : "server", p);
        try {
            listener.onConnected(this, p);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
        byte[] early;
        while ((early = earlyMedia.poll()) != null) {
            handleMedia(early, 0, early.length, null);
        }
        pumpDtls();
    }

    private boolean sendDtls(byte[] buf, int off, int len) {
        synchronized (dtlsSendLock) {
            return sendOn(dtlsPacket, buf, off, len);
        }
    }

    private IceLink.Route validatedRouteTo(InetSocketAddress remoteAddress) {
        for (IceLink.Route r : validatedRoutes) {
            if (r.remote().equals(remoteAddress)) {
                return r;
            }
        }
        return ice.validatedRoute(remoteAddress);
    }

    /** Sends on the selected pair (or, before nomination, the validated pair DTLS came from). */
    private boolean sendOn(DatagramPacket packet, byte[] buf, int off, int len) {
        IceLink.Route r = route;
        if (r == null) {
            r = preSelectionRoute;
            InetSocketAddress peer = dtlsPeer;
            if (r == null && peer != null) {
                r = validatedRouteTo(peer);
                preSelectionRoute = r;
            }
        }
        if (r == null) {
            drops.increment(DropReason.NOT_CONNECTED);
            return false;
        }
        try {
            r.send(packet, buf, off, len);
            return true;
        } catch (IOException | RuntimeException e) {
            drops.increment(DropReason.SEND_FAILED);
            return false;
        }
    }

    // ---- deadlines and close ----

    private void checkDeadlines() {
        if (closed.get()) {
            return;
        }
        long now = System.nanoTime();
        long consent = rt.config.consentTimeout().toNanos();
        if (connected) {
            if (now - lastHeardNanos > consent) {
                closeWith(CloseReason.CONSENT_EXPIRED, "nothing heard from the peer for "
                        + rt.config.consentTimeout().toMillis() + " ms (RFC 7675)", false);
            }
        } else if (iceConnectedNanos != 0) {
            if (now - iceConnectedNanos > rt.config.dtlsHandshakeTimeout().toNanos()) {
                closeWith(CloseReason.DTLS_TIMEOUT, "DTLS did not complete within "
                        + rt.config.dtlsHandshakeTimeout().toMillis() + " ms of ICE", false);
            }
        } else if (remote != null && now - lastHeardNanos > consent) {
            closeWith(CloseReason.ICE_FAILED, "ICE did not connect within "
                    + rt.config.consentTimeout().toMillis() + " ms", false);
        }
    }

    private void closeWith(CloseReason reason, String detail, boolean sendCloseNotify) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.cancel(false);
        post(() -> teardown(reason, detail, sendCloseNotify));
    }

    private void teardown(CloseReason reason, String detail, boolean sendCloseNotify) {
        connected = false;
        DTLSTransport t = dtls;
        dtls = null;
        if (t != null && sendCloseNotify) {
            try {
                t.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: DTLS close failed", id, e);
            }
        }
        dtlsIo.close();
        SrtpSession s = srtp;
        srtp = null;
        if (s != null) {
            s.close();
        }
        byte[] keys = exportedKeys;
        if (keys != null) {
            Arrays.fill(keys, (byte) 0);
        }
        ice.close();
        earlyMedia.clear();
        drops.add(DropReason.UNVALIDATED_SOURCE, heldDtls.size());
        heldDtls.clear();
        Buffer b;
        while ((b = ingress.poll()) != null) {
            PacketPool.release(b);
        }
        if (reason == CloseReason.LOCAL_CLOSE) {
            LOG.debug("{}: closed ({})", id, detail);
        } else {
            LOG.info("{}: closed, {}: {}", id, reason, detail);
        }
        try {
            listener.onClosed(this, reason, detail);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
    }

    // ---- adapters ----

    private final class IceEvents implements IceLink.Events {
        @Override
        public void iceIngress(Buffer buffer) {
            ingress(buffer);
        }

        @Override
        public void icePairValidated(IceLink.Route r) {
            lastHeardNanos = System.nanoTime();
            InetSocketAddress remoteAddress = r.remote();
            synchronized (this) {
                InetSocketAddress[] cur = validated;
                for (InetSocketAddress a : cur) {
                    if (a.equals(remoteAddress)) {
                        return;
                    }
                }
                IceLink.Route[] routes = Arrays.copyOf(validatedRoutes, cur.length + 1);
                routes[cur.length] = r;
                validatedRoutes = routes;
                InetSocketAddress[] next = Arrays.copyOf(cur, cur.length + 1);
                next[cur.length] = remoteAddress;
                validated = next;
            }
            post(IceDtlsTransport.this::releaseHeldDtls);
        }

        @Override
        public void iceSelected(IceLink.Route r) {
            route = r;
            selectedRemote = r.remote();
            lastHeardNanos = System.nanoTime();
            if (iceConnectedNanos == 0) {
                iceConnectedNanos = System.nanoTime();
                post(IceDtlsTransport.this::onIceConnected);
            }
        }

        @Override
        public void iceFailed(String detail) {
            closeWith(connected ? CloseReason.CONSENT_EXPIRED : CloseReason.ICE_FAILED, detail, false);
        }

        @Override
        public void consentRefreshed() {
            lastHeardNanos = System.nanoTime();
        }
    }

    private void onIceConnected() {
        LOG.debug("{}: ICE connected to {}", id, selectedRemote);
        releaseHeldDtls();
        if (agreedLocalSetup == DtlsSetup.ACTIVE) {
            startHandshake();
        }
    }

    private final class DtlsEvents implements DtlsSrtpPeer.Events {
        @Override
        public List<Fingerprint> remoteFingerprints() {
            RemoteParameters r = remote;
            return r == null || r.fingerprints() == null ? List.of() : r.fingerprints();
        }

        @Override
        public void fingerprintMismatch(String detail) {
            fingerprintMismatch = detail;
        }

        @Override
        public void keysExported(SrtpProfile p, byte[] keyingMaterial) {
            exportedProfile = p;
            exportedKeys = keyingMaterial;
        }

        @Override
        public void closeNotifyReceived() {
            closeNotifyReceived = true;
        }
    }
}
