package dev.sfu.core.transport;

import dev.sfu.rtp.PacketDemux;
import dev.sfu.rtp.PacketKind;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.bouncycastle.tls.DTLSTransport;
import org.ice4j.util.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's secure media pipe: ICE (ice4j), DTLS 1.2 over the ICE-validated path (bctls,
 * RFC 6347), and SRTP/SRTCP keyed from DTLS (RFC 5764).
 *
 * <p>Ingress: a datagram from the ICE socket is checked against the ICE-validated remote
 * addresses ({@link PeerRoutes}; anything else is dropped and counted), queued on this
 * transport's {@link SerialLane} and processed by its serial task: RFC 7983 demux
 * ({@link dev.sfu.rtp.PacketDemux}), DTLS records to bctls ({@link DtlsHandshake} drives the
 * handshake), SRTP/SRTCP decrypted in place and passed straight to the bound
 * {@link TransportListener} (the participant's {@code MediaEndpoint} on the server). One task at
 * a time, so the listener, the DTLS state and the decrypt contexts have one writer.
 *
 * <p>Close: the close handlers ({@link #addCloseHandler}) run on the serial task after teardown.
 *
 * <p>Egress: {@link #sendRtp}/{@link #sendRtcp} encrypt in place and send on the selected pair
 * from the caller's thread ({@link TransportEgress}: a small per-direction lock guards the
 * encrypt context and the reused datagram packet, uncontended when one thread sends to a given
 * peer).
 *
 * <p>Its parts: {@link PeerRoutes} (where packets may come from and go to), {@link HeldDtls}
 * (DTLS from a source ICE has not validated yet), {@link DtlsHandshake} (the handshake thread),
 * {@link TransportEgress} (the send path) and {@link ConnectionDeadlines} (the watchdog's
 * deadlines). What stays here is the serial task's state machine: demux, decrypt, the DTLS pump,
 * media that arrives before the local end of the handshake, ICE restarts and teardown.
 */
public final class IceDtlsTransport implements MediaTransport {
    private static final Logger LOG = LoggerFactory.getLogger(IceDtlsTransport.class);
    /** SRTP packets kept while the local handshake thread finishes after the peer already sends. */
    private static final int EARLY_MEDIA_LIMIT = 16;

    private final String id;
    /** Set once by {@link #bind}; read by the serial task for every packet. */
    private volatile TransportListener listener;
    private final CloseHandlers closeHandlers;
    private final TransportRuntime rt;
    private final boolean serverSide;
    private final DropCounters drops = new DropCounters();
    private final SerialLane lane;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final IceDatagramTransport dtlsIo = new IceDatagramTransport(this::sendDtls);
    private final DtlsHandshake handshake;
    private final byte[] dtlsScratch = new byte[IceDatagramTransport.MAX_RECORD_DATAGRAM];
    /** The ICE agent now; replaced by {@link #restartIce}. */
    private volatile IceChannel ice;
    /** The agent an ICE restart replaced, closed once the new one selects a pair; guarded by this. */
    private IceChannel retiring;
    /** When the last ICE restart began; guarded by this. */
    private long restartNanos;
    private final IceLinkFactory iceFactory;
    private final PeerRoutes routes;
    private final TransportEgress egress;
    private final HeldDtls heldDtls;
    private final ConnectionDeadlines deadlines;
    private final ScheduledFuture<?> watchdog;

    private volatile RemoteParameters remote;
    private volatile DtlsSetup agreedLocalSetup;
    private volatile SrtpSession srtp;
    private volatile SrtpProfile profile;
    private volatile boolean connected;
    /** Serial-task owned: the listener was told {@code onConnected}. */
    private boolean connectAnnounced;
    /** Owned by the serial task once the handshake completed. */
    private DTLSTransport dtls;
    /** Serial-task owned: media that arrived between the peer's and our end of the handshake. */
    private final java.util.ArrayDeque<byte[]> earlyMedia = new java.util.ArrayDeque<>();

    private IceDtlsTransport(String id, TransportRuntime rt, boolean serverSide, IceLinkFactory factory)
            throws IOException {
        this.id = Objects.requireNonNull(id, "id");
        this.closeHandlers = new CloseHandlers(id);
        this.rt = rt;
        this.serverSide = serverSide;
        this.lane = new SerialLane(id, rt.config.ingressQueueCapacity(), rt.config.ingressMaxAge().toNanos(), rt.workers,
                drops, this::handlePacket);
        this.handshake = new DtlsHandshake(id, rt, dtlsIo, this::remoteFingerprints, new HandshakeOutcome());
        this.routes = new PeerRoutes(id, this::iceValidatedRoute);
        this.egress = new TransportEgress(routes, drops);
        this.heldDtls = new HeldDtls(routes, drops);
        this.deadlines = new ConnectionDeadlines(rt.config);
        this.iceFactory = factory;
        IceEvents events = new IceEvents();
        this.ice = factory.create(events);
        events.link = this.ice;
        long periodMs = Math.max(50, Math.min(1000, rt.config.consentTimeout().toMillis() / 4));
        this.watchdog = rt.timer.scheduleAtFixedRate(this::checkDeadlines, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @FunctionalInterface
    interface IceLinkFactory {
        IceChannel create(IceLink.Events events) throws IOException;
    }

    /** A transport with no listener bound yet ({@link #bind}). */
    static IceDtlsTransport create(String id, TransportRuntime rt, boolean serverSide, IceLinkFactory factory)
            throws IOException {
        return new IceDtlsTransport(id, rt, serverSide, factory);
    }

    /**
     * Raises (or lowers) how many receiving SSRCs per kind the SRTP session will accept, before
     * the handshake keys it: a relay to another node receives every stream of the far side's
     * publishers, far more than the bound that guards against one browser's forged SSRCs.
     */
    void setMaxReceiveSsrcs(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max receive SSRCs must be positive: " + max);
        }
        handshake.maxReceiveSsrcs = max;
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
            deadlines.heard();
        }
        this.remote = params;
        ice.setRemote(params.iceUfrag(), params.icePwd(), params.candidates());
    }

    /**
     * A new ice4j agent (new ufrag and password, registered on the same shared port) replaces the
     * current one; the DTLS association, the SRTP contexts and the validated routes stay, so
     * media flows again as soon as the new checks validate a pair, with no new handshake. The
     * previous agent keeps answering until then and is closed when the new one selects a pair.
     */
    @Override
    public synchronized boolean restartIce() {
        if (closed.get()) {
            return false;
        }
        IceEvents events = new IceEvents();
        IceChannel next;
        try {
            next = iceFactory.create(events);
        } catch (IOException e) {
            LOG.warn("{}: ICE restart failed, keeping the current agent: {}", id, e.toString());
            return false;
        }
        events.link = next;
        if (retiring != null) {
            retiring.close();
        }
        retiring = ice;
        ice = next;
        restartNanos = System.nanoTime();
        LOG.info("{}: ICE restart, new local ufrag {}", id, next.localUfrag());
        return true;
    }

    /** The new agent selected a pair: the one it replaced can go. */
    private synchronized void retirePrevious(IceChannel current) {
        if (retiring != null && ice == current) {
            retiring.close();
            retiring = null;
            LOG.info("{}: ICE restart done, {} ms after it began; media goes to {}", id,
                    (System.nanoTime() - restartNanos) / 1_000_000, routes.selectedRemote());
            lane.post(this::announceRouteChanged);
        }
    }

    /** On the serial task: tells the bound listener that the path changed. */
    private void announceRouteChanged() {
        TransportListener l = listener;
        if (l == null || closed.get()) {
            return;
        }
        try {
            l.onRouteChanged();
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
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
    public void bind(TransportListener l) {
        Objects.requireNonNull(l, "listener");
        synchronized (this) {
            if (listener != null) {
                throw new IllegalStateException(id + ": a listener is already bound");
            }
            listener = l;
        }
        // Connected already (not in practice: ICE starts after binding): tell it on the serial task.
        lane.post(this::announceConnected);
    }

    @Override
    public void addCloseHandler(BiConsumer<CloseReason, String> handler) {
        closeHandlers.add(handler);
    }

    @Override
    public void setAffinityGroup(String group) {
        lane.joinGroup(group);
    }

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        return egress.sendRtp(srtp, buf, off, len);
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return egress.sendRtcp(srtp, buf, off, len);
    }

    @Override
    public void retireSendingSsrc(long ssrc) {
        egress.retireSendingSsrc(srtp, ssrc);
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
        return lane.packetsTaken();
    }

    /** Total time those datagrams waited in the ingress queue, in nanoseconds. */
    public long ingressWaitTotalNanos() {
        return lane.waitTotalNanos();
    }

    /** The longest wait in the ingress queue since the last {@link #resetIngressWaitMax()}, in nanoseconds. */
    public long ingressWaitMaxNanos() {
        return lane.waitMaxNanos();
    }

    /** Starts a new maximum (approximate when the serial task records a wait at the same time). */
    public void resetIngressWaitMax() {
        lane.resetWaitMax();
    }

    /** Datagrams waiting in the ingress queue now. */
    public int ingressBacklog() {
        return lane.backlog();
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
        return routes.selectedRemote();
    }

    /**
     * Stops answering and sending without a DTLS close_notify, as a crashed or vanished peer
     * would (tests, load tester). The close handlers are told {@link CloseReason#LOCAL_CLOSE}.
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
        if (!routes.isValidatedSource(b.getRemoteAddress())) {
            if (routes.selectedRemote() == null && b.getRemoteAddress() instanceof InetSocketAddress from
                    && PacketDemux.classify(b.getBuffer(), b.getOffset(), b.getLength()) == PacketKind.DTLS) {
                byte[] copy = Arrays.copyOfRange(b.getBuffer(), b.getOffset(), b.getOffset() + b.getLength());
                lane.post(() -> heldDtls.hold(copy, from, this::handlePacket));
            } else {
                drops.increment(DropReason.UNVALIDATED_SOURCE);
            }
            PacketPool.release(b);
            return;
        }
        lane.offer(b);
    }

    /** RFC 7983 section 7 ({@link PacketDemux}): DTLS to bctls, RTP and RTCP to SRTP; STUN never gets here. */
    @Override
    public long receivedAtNanos() {
        return lane.receivedAtNanos();
    }

    private void handlePacket(byte[] buf, int off, int len, SocketAddress from) {
        if (closed.get()) {
            drops.increment(DropReason.NOT_CONNECTED);
            return;
        }
        switch (PacketDemux.classify(buf, off, len)) {
            case DTLS -> handleDtls(buf, off, len, (InetSocketAddress) from);
            case RTP -> handleMedia(buf, off, len, (InetSocketAddress) from, false);
            case RTCP -> handleMedia(buf, off, len, (InetSocketAddress) from, true);
            default -> drops.increment(DropReason.MALFORMED);
        }
    }

    private void handleMedia(byte[] buf, int off, int len, InetSocketAddress from, boolean rtcp) {
        SrtpSession s = srtp;
        if (s == null && handshake.isStarted() && earlyMedia.size() < EARLY_MEDIA_LIMIT) {
            // The peer finished its side of the handshake before our handshake thread returned.
            earlyMedia.add(Arrays.copyOfRange(buf, off, off + len));
            return;
        }
        if (s == null || len < 8) {
            drops.increment(s == null ? DropReason.NOT_CONNECTED : DropReason.MALFORMED);
            return;
        }
        int n = rtcp ? s.decryptRtcp(buf, off, len) : s.decryptRtp(buf, off, len);
        if (n < 0) {
            drops.increment(DropReason.ofSrtpError(n));
            return;
        }
        deadlines.heard();
        routes.follow(from);
        TransportListener l = listener;
        if (l == null) {
            drops.increment(DropReason.NOT_BOUND);
            return;
        }
        try {
            if (rtcp) {
                l.onRtcp(buf, off, n);
            } else {
                l.onRtp(buf, off, n);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
    }

    private void handleDtls(byte[] buf, int off, int len, InetSocketAddress from) {
        if (len < 13 || len > IceDatagramTransport.MAX_RECORD_DATAGRAM) {
            drops.increment(DropReason.MALFORMED);
            return;
        }
        // DTLS is answered where it came from. Every source here is ICE-validated, so all of them
        // are the peer's; Chromium may speak DTLS on a pair other than the one ice4j selected (and
        // stop listening on that one), so replying on the selected pair could stall the handshake.
        routes.dtlsFrom(from);
        if (dtls == null && LOG.isDebugEnabled()) {
            LOG.debug("{}: DTLS in from {}: {}", id, from, DtlsHandshake.describeRecord(buf, off, len));
        }
        if (!dtlsIo.offer(buf, off, len)) {
            drops.increment(DropReason.QUEUE_FULL);
            return;
        }
        if (dtls != null) {
            deadlines.heard();
            pumpDtls();
        } else if (agreedLocalSetup == DtlsSetup.PASSIVE) {
            startHandshake();
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
            if (!handshake.closeNotifyReceived()) {
                closeWith(CloseReason.DTLS_FAILED, "DTLS failed: " + e, false);
            }
        }
        if (handshake.closeNotifyReceived()) {
            closeWith(CloseReason.PEER_CLOSED, "DTLS close_notify from the peer", false);
        }
    }

    // ---- DTLS ----

    private void startHandshake() {
        if (!closed.get()) {
            handshake.start(agreedLocalSetup == DtlsSetup.ACTIVE);
        }
    }

    private List<Fingerprint> remoteFingerprints() {
        RemoteParameters r = remote;
        return r == null || r.fingerprints() == null ? List.of() : r.fingerprints();
    }

    /** The handshake's outcome, on its thread: the established state moves to the serial task. */
    private final class HandshakeOutcome implements DtlsHandshake.Outcome {
        @Override
        public void established(DTLSTransport t, boolean client, SrtpSession session) {
            lane.post(() -> onDtlsEstablished(t, client, session));
        }

        @Override
        public void failed(CloseReason reason, String detail) {
            closeWith(reason, detail, false);
        }
    }

    private void onDtlsEstablished(DTLSTransport t, boolean client, SrtpSession session) {
        if (closed.get() || session == null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
            if (session != null) {
                session.close();
            }
            return;
        }
        dtls = t;
        srtp = session;
        SrtpProfile p = session.profile();
        profile = p;
        connected = true;
        deadlines.heard();
        LOG.debug("{}: DTLS-SRTP up as DTLS {}, {}", id, client ? "client" : "server", p);
        announceConnected();
        byte[] early;
        while ((early = earlyMedia.poll()) != null) {
            handlePacket(early, 0, early.length, null);
        }
        pumpDtls();
    }

    /** On the serial task: tells the bound listener once that SRTP is keyed. */
    private void announceConnected() {
        TransportListener l = listener;
        if (connectAnnounced || l == null || !connected || closed.get()) {
            return;
        }
        connectAnnounced = true;
        try {
            l.onConnected(profile);
        } catch (RuntimeException e) {
            LOG.warn("{}: listener failed", id, e);
        }
    }

    private boolean sendDtls(byte[] buf, int off, int len) {
        if (dtls == null && LOG.isDebugEnabled()) {
            LOG.debug("{}: DTLS out to {}: {}", id, routes.dtlsTarget(), DtlsHandshake.describeRecord(buf, off, len));
        }
        return egress.sendDtls(buf, off, len);
    }

    private IceLink.Route iceValidatedRoute(InetSocketAddress remoteAddress) {
        return ice.validatedRoute(remoteAddress);
    }

    // ---- deadlines and close ----

    private void checkDeadlines() {
        if (closed.get()) {
            return;
        }
        ConnectionDeadlines.Expired e = deadlines.expired(connected, handshake.isDone(), remote != null);
        if (e != null) {
            closeWith(e.reason(), e.detail(), false);
        }
    }

    private void closeWith(CloseReason reason, String detail, boolean sendCloseNotify) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.cancel(false);
        lane.post(() -> teardown(reason, detail, sendCloseNotify));
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
        handshake.wipe();
        ice.close();
        synchronized (this) {
            if (retiring != null) {
                retiring.close();
                retiring = null;
            }
        }
        earlyMedia.clear();
        heldDtls.discard();
        lane.discardPackets();
        lane.release();
        if (reason == CloseReason.LOCAL_CLOSE) {
            LOG.debug("{}: closed ({})", id, detail);
        } else {
            LOG.info("{}: closed, {}: {}", id, reason, detail);
        }
        closeHandlers.fire(reason, detail);
    }

    // ---- adapters ----

    private final class IceEvents implements IceLink.Events {
        /** The agent these events come from (set right after it is created). */
        volatile IceChannel link;

        private boolean current() {
            IceChannel l = link;
            return l == null || l == ice;
        }

        @Override
        public void iceIngress(Buffer buffer) {
            ingress(buffer);
        }

        @Override
        public void icePairValidated(IceLink.Route r) {
            deadlines.heard();
            if (routes.addValidated(r)) {
                lane.post(IceDtlsTransport.this::releaseHeldDtls);
            }
        }

        @Override
        public void iceSelected(IceLink.Route r) {
            if (!current()) {
                return;
            }
            routes.select(r);
            IceChannel l = link;
            if (l != null) {
                // Off ice4j's thread: closing an agent from its own callback could wait on its locks.
                rt.timer.execute(() -> retirePrevious(l));
            }
            deadlines.heard();
            if (deadlines.iceConnected()) {
                lane.post(IceDtlsTransport.this::onIceConnected);
            }
        }

        @Override
        public void iceFailed(String detail) {
            if (!current()) {
                return;
            }
            closeWith(connected ? CloseReason.CONSENT_EXPIRED : CloseReason.ICE_FAILED, detail, false);
        }

        @Override
        public void consentRefreshed() {
            deadlines.heard();
        }
    }

    /** After a pair validated or was selected: replay the DTLS its address sent while unvalidated. */
    private void releaseHeldDtls() {
        heldDtls.release(this::handlePacket);
    }

    private void onIceConnected() {
        LOG.debug("{}: ICE connected to {}", id, routes.selectedRemote());
        releaseHeldDtls();
        if (agreedLocalSetup == DtlsSetup.ACTIVE) {
            startHandshake();
        }
    }
}
