package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.core.transport.IceDtlsTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.sdp.LocalMediaSection;
import dev.sfu.signaling.sdp.SdpParseException;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One synthetic participant: a WebSocket to the server's {@code /ws}, join, its own SDP offer
 * (what a browser with a microphone and a camera offers), trickle, the server's offers answered,
 * a client-role transport (ICE controlling, DTLS client, SRTP), then media: its streams are
 * paced by a shared {@link SendScheduler}, what it receives is measured by its
 * {@link MediaReceiver}, and the server's NACK, PLI and FIR are answered
 * ({@link PublisherRtcpHandler}).
 *
 * <p>With {@code --simulcast} the offer carries three layers ({@link SimulcastSdp}); the
 * answer decides what the camera sends ({@link PublisherVideo}). With {@code --subscribe-layer}
 * every answer to a server offer is followed by a {@code videoTiles} message sizing each remote
 * video at that layer ({@link RemoteVideoState}). {@code layersNeeded} drives dynacast;
 * {@code remoteVideo} pauses are counted; other server messages it does not use are ignored.
 *
 * <p>A {@code redirect} (a cluster node that does not host the room) is followed: the participant
 * connects to the given node and sends the same join there, at most {@link #MAX_REDIRECTS} times in
 * a row; {@link #node()} is the node it joined.
 *
 * <p>A failure (server unreachable, room full, ICE/DTLS failure, the server stopping) is
 * recorded once with its reason; the participant then stops and the rest of the run goes on.
 */
public final class SyntheticParticipant implements SignalingClient.Handler, TransportListener, MediaSink {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticParticipant.class);
    /** Redirects followed in a row for one join; one more fails the participant (a redirect loop). */
    static final int MAX_REDIRECTS = 3;

    /** Where a participant is in its life. */
    public enum State { NEW, SIGNALING, JOINED, CONNECTED, FAILED, STOPPED }

    /** What went wrong, with the server's or the transport's words. */
    public record Failure(FailureReason reason, String detail, long atNanos) {
    }

    private final RunContext ctx;
    /** participantLeft ids received (signaling thread writes; any thread reads). */
    private final java.util.Set<String> left = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final int index;
    private final int slot;
    private final int roomIndex;
    private final String room;
    private final String name;
    private final boolean publish;
    private final boolean receive;
    private final Random random;
    private final MediaReceiver receiver;
    /** The receiver's NACKs and reports (RFC 4585, RFC 3550), sent from this participant's send thread. */
    private final ReceiverFeedback feedback;
    private final SendScheduler.Ticker feedbackTicker = this::sendFeedback;
    /** The SSRC this participant's receiver RTCP is sent from. */
    private final long rtcpSsrc;
    /** Transport-wide congestion control feedback, when the server negotiates it. */
    private final TransportCcReceiver transportCc;
    /** The capped downlink of a receive-only subscriber (--subscriber-kbps), else null. */
    private final DownlinkBottleneck bottleneck;
    /** What a received RTP packet goes through: the cap, transport-cc, the receiver. */
    private final DownlinkReceivePath downlink;
    /** Bytes on the wire around a decrypted RTP / RTCP packet: IP, UDP and the SRTP(C) trailer. */
    private volatile int rtpOverhead = DownlinkBottleneck.IP_UDP_OVERHEAD;
    private volatile int rtcpOverhead = DownlinkBottleneck.IP_UDP_OVERHEAD;
    private final Map<Long, String> ssrcPublishers = new ConcurrentHashMap<>();
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final AtomicInteger transportSeq = new AtomicInteger();
    private final PublisherRtcpHandler rtcp = new PublisherRtcpHandler(this::streamFor, this::onReportBlock);
    private final RemoteVideoState remoteVideo;
    private final long sessionId;
    private volatile State state = State.NEW;
    private volatile boolean stopping;
    private volatile SignalingClient signaling;
    private volatile IceDtlsTransport transport;
    private volatile AudioSender audio;
    private volatile PublisherVideo camera;
    private volatile boolean simulcastOffered;
    private Map<String, LocalMediaSection> ownSections = Map.of();
    private long sdpVersion = 1;
    private boolean roomHadMedia;
    private volatile long startNanos;
    private volatile long joinedNanos;
    private volatile long connectedNanos;
    private volatile String serverId;
    private volatile long offersAnswered;
    /** The WebSocket URI of the current connection (after redirects). */
    private volatile java.net.URI signalingUri;
    /** The node's WebSocket URI once joined, else null. */
    private volatile java.net.URI node;
    /** Redirects followed for this participant's join. */
    private volatile int redirects;

    /**
     * @param slot the participant's place in its room (publishers take the first slots), which
     *             decides when a publisher speaks ({@link SpeakingSchedule})
     */
    public SyntheticParticipant(RunContext ctx, int index, int roomIndex, int slot, String room, String name,
                                boolean publish, boolean receive) {
        this.ctx = ctx;
        this.index = index;
        this.slot = slot;
        this.roomIndex = roomIndex;
        this.room = room;
        this.name = name;
        this.publish = publish;
        this.receive = receive;
        this.random = new Random(0x5F0 + index * 7919L);
        this.sessionId = 1 + (random.nextLong() & 0x3FFFFFFFFFFFFFFFL);
        this.receiver = new MediaReceiver(ctx.ids(), ctx.streamCount(), this::checkFor, ctx.options.layerReport());
        this.rtcpSsrc = random.nextInt() & 0xFFFFFFFFL;
        this.feedback = new ReceiverFeedback(rtcpSsrc, ctx.streamCount());
        this.transportCc = new TransportCcReceiver(rtcpSsrc);
        this.bottleneck = !publish && receive && ctx.options.capped()
                ? new DownlinkBottleneck(ctx.options.subscriberKbps(), ctx.options.subscriberQueueMs()) : null;
        this.downlink = new DownlinkReceivePath(bottleneck, transportCc, receiver);
        this.remoteVideo = new RemoteVideoState(receive ? ctx.options.subscribeLayer() : null);
    }

    // ---------------------------------------------------------------- life cycle

    /** Opens the WebSocket and joins; returns at once. */
    public void start() {
        startNanos = System.nanoTime();
        state = State.SIGNALING;
        connectAndJoin(ctx.options.webSocketUri(slot));
    }

    /** Opens a WebSocket to {@code uri} and sends the join on it. */
    private void connectAndJoin(java.net.URI uri) {
        signalingUri = uri;
        Duration timeout = Duration.ofMillis((long) (ctx.options.connectTimeoutSeconds() * 1000));
        SignalingClient.connect(ctx.http, uri, timeout, this).whenComplete((c, e) -> {
            if (e != null) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                fail(FailureReason.SERVER_UNREACHABLE, "cannot open " + uri + ": " + cause);
                return;
            }
            signaling = c;
            if (stopping) {
                c.close();
                return;
            }
            c.send(new Message.Join(room, name));
        });
    }

    /**
     * The room is hosted by another node: leave this WebSocket (closed locally, so the server's
     * close is not a failure) and join at the given node.
     */
    private void redirected(Message.Redirect r) {
        if (state != State.SIGNALING) {
            return;
        }
        if (redirects >= MAX_REDIRECTS) {
            fail(FailureReason.SIGNALING_ERROR, "redirected " + (redirects + 1) + " times in a row (last to node "
                    + r.nodeId() + " at " + r.url() + "): a redirect loop");
            return;
        }
        java.net.URI next;
        try {
            java.net.URI given = java.net.URI.create(r.url());
            if (given.getHost() == null || given.getScheme() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            next = LoadTestOptions.webSocketUri(given);
        } catch (RuntimeException e) {
            fail(FailureReason.SIGNALING_ERROR, "redirect to an unusable URL '" + r.url() + "': " + e.getMessage());
            return;
        }
        redirects++;
        LOG.debug("{}: room {} is on node {}; joining at {}", name, r.room(), r.nodeId(), next);
        SignalingClient old = signaling;
        signaling = null;
        if (old != null) {
            old.close();
        }
        connectAndJoin(next);
    }

    /** Checks the connect deadline; called about once per second by the run. */
    public void checkDeadline(long now) {
        State s = state;
        if ((s == State.SIGNALING || s == State.JOINED)
                && now - startNanos > (long) (ctx.options.connectTimeoutSeconds() * 1e9)) {
            fail(FailureReason.CONNECT_TIMEOUT, s == State.SIGNALING ? "no 'joined' from the server within "
                    + ctx.options.connectTimeoutSeconds() + " s" : "ICE + DTLS not connected within "
                    + ctx.options.connectTimeoutSeconds() + " s of join");
        }
    }

    /** Stops sending (the end of the run); media still arriving is measured. */
    public void stopSending() {
        stopping = true;
        unschedule();
    }

    /** Leaves the room and closes everything. */
    public void leave() {
        stopping = true;
        unschedule();
        if (state != State.FAILED) {
            state = State.STOPPED;
        }
        SignalingClient c = signaling;
        if (c != null) {
            c.send(new Message.Leave());
            c.close();
        }
        IceDtlsTransport t = transport;
        if (t != null) {
            t.close();
        }
    }

    private void unschedule() {
        SendScheduler s = ctx.schedulerFor(index);
        for (OutboundStream o : outbound()) {
            s.remove(o);
        }
        s.removeTicker(feedbackTicker);
    }

    private void fail(FailureReason reason, String detail) {
        if (stopping && reason != FailureReason.INTERNAL) {
            return;
        }
        if (!failure.compareAndSet(null, new Failure(reason, detail, System.nanoTime()))) {
            return;
        }
        LOG.info("{} failed: {} ({})", name, reason, detail);
        state = State.FAILED;
        stopping = true;
        unschedule();
        SignalingClient c = signaling;
        if (c != null) {
            c.close();
        }
        IceDtlsTransport t = transport;
        if (t != null) {
            t.close();
        }
    }

    // ---------------------------------------------------------------- signaling

    @Override
    public void onMessage(Message m) {
        try {
            if (m instanceof Message.Joined j) {
                joined(j);
            } else if (m instanceof Message.Redirect r) {
                redirected(r);
            } else if (m instanceof Message.Answer a) {
                answer(a.sdp());
            } else if (m instanceof Message.Offer o) {
                serverOffer(o.sdp());
            } else if (m instanceof Message.Candidate c) {
                IceCandidate ic = c.candidate() == null ? null : IceCandidate.parse(c.candidate());
                IceDtlsTransport t = transport;
                if (ic != null && t != null) {
                    t.addRemoteCandidate(ic);
                }
            } else if (m instanceof Message.Error e) {
                serverError(e);
            } else if (m instanceof Message.LayersNeeded n) {
                PublisherVideo v = camera;
                if (v != null) {
                    v.onLayersNeeded(n.mid(), n.rids());
                }
            } else if (m instanceof Message.RemoteVideo rv) {
                remoteVideo.onRemoteVideo(rv);
            } else if (m instanceof Message.ParticipantLeft l) {
                left.add(l.participantId());
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: handling {} failed", name, m.getClass().getSimpleName(), e);
            fail(FailureReason.INTERNAL, "handling " + m.getClass().getSimpleName() + ": " + e);
        }
    }

    private void joined(Message.Joined j) {
        joinedNanos = System.nanoTime();
        node = signalingUri;
        serverId = j.participantId();
        ctx.setServerId(index, serverId);
        for (Message.Participant p : j.participants()) {
            if (p.tracks() != null && !p.tracks().isEmpty()) {
                roomHadMedia = true;
            }
        }
        state = State.JOINED;
        IceDtlsTransport t = (IceDtlsTransport) ctx.transports.createTransport(name, this);
        t.addCloseHandler(this::transportClosed);
        transport = t;
        long audioSsrc = random.nextInt() & 0xFFFFFFFFL;
        long videoSsrc = random.nextInt() & 0xFFFFFFFFL;
        long rtxSsrc = random.nextInt() & 0xFFFFFFFFL;
        ClientSdp.Sources sources = new ClientSdp.Sources(name, audioSsrc, videoSsrc, rtxSsrc, "cname-" + name);
        simulcastOffered = publish && ctx.options.simulcast();
        List<LocalMediaSection> own = ClientSdp.ownSections(sources, publish, ctx.options.audioOnly(),
                simulcastOffered);
        Map<String, LocalMediaSection> byMid = new LinkedHashMap<>();
        for (LocalMediaSection s : own) {
            byMid.put(s.mid(), s);
        }
        ownSections = byMid;
        if (publish) {
            long start = System.nanoTime() + 5_000_000L + random.nextInt(20_000_000);
            String cname = sources.cname();
            audio = new AudioSender(this, new OutboundStream.StreamInfo(ctx.ids().audio(index),
                    (int) audioSsrc, ClientSdp.OPUS_PT, ClientSdp.AUDIO_MID), ClientSdp.EXTENSION_IDS, cname, start,
                    random, ctx.speakingSchedule(slot));
            if (!ctx.options.audioOnly()) {
                camera = new PublisherVideo(this, ctx.options, ctx.ids(), index, sources, start, random);
            }
        }
        signaling.send(new Message.Offer(ClientSdp.offer(sessionId, sdpVersion++, t, own, simulcastOffered)));
        // Trickle the host candidate as well, as a browser does (it is also in the offer).
        for (IceCandidate c : t.localCandidates()) {
            signaling.send(new Message.Candidate("candidate:" + c.toSdp(), own.get(0).mid(), 0));
        }
    }

    private void answer(String sdp) {
        SessionDescription a = parse(sdp, "answer");
        if (a == null) {
            return;
        }
        RemoteParameters rp = ClientSdp.remoteParameters(a);
        if (rp == null) {
            fail(FailureReason.SIGNALING_ERROR, "the server's answer rejected every media section");
            return;
        }
        PublisherVideo v = camera;
        if (v != null) {
            v.onAnswer(a);
        }
        AudioSender au = audio;
        if (au != null) {
            au.setDtx(ClientSdp.asksForDtx(a));
        }
        transport.setRemote(rp);
    }

    private void serverOffer(String sdp) {
        SessionDescription o = parse(sdp, "offer");
        IceDtlsTransport t = transport;
        if (o == null || t == null) {
            return;
        }
        if (receive) {
            transportCc.negotiate(ClientSdp.transportCcId(o, ownSections));
        }
        ClientSdp.Answer answer = ClientSdp.answer(o, sessionId, sdpVersion++,
                ClientSdp.localTransport(t, t.localSetup(DtlsSetup.ACTPASS)), ownSections, receive, simulcastOffered);
        for (ClientSdp.RemoteStream s : answer.streams()) {
            for (int pt : s.rtxPayloadTypes()) {
                receiver.addRtxPayloadType(pt);
            }
            if (s.ssrc() >= 0 && s.publisherId() != null) {
                ssrcPublishers.put(s.ssrc(), s.publisherId());
            }
        }
        signaling.send(new Message.Answer(answer.sdp()));
        offersAnswered++;
        Message.VideoTiles tiles = remoteVideo.tilesFor(answer.streams());
        if (tiles != null) {
            signaling.send(tiles);
        }
    }

    private void serverError(Message.Error e) {
        String detail = e.code() + ": " + e.message();
        if (ErrorCode.ROOM_FULL.name().equals(e.code())) {
            fail(FailureReason.ROOM_FULL, detail);
        } else if (ErrorCode.TRANSPORT_CLOSED.name().equals(e.code())) {
            fail(state == State.CONNECTED ? FailureReason.SERVER_STOPPED : FailureReason.ICE_DTLS_FAILED, detail);
        } else {
            fail(FailureReason.SIGNALING_ERROR, detail);
        }
    }

    private SessionDescription parse(String sdp, String what) {
        try {
            return SdpParser.parse(sdp);
        } catch (SdpParseException e) {
            fail(FailureReason.SIGNALING_ERROR, "the server's " + what + " does not parse: " + e.getMessage());
            return null;
        }
    }

    @Override
    public void onClosed(int statusCode, String reason, Throwable error) {
        fail(FailureReason.SERVER_STOPPED, "signaling WebSocket closed by the server"
                + (statusCode >= 0 ? " (" + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"
                : ": " + reason));
    }

    // ---------------------------------------------------------------- transport

    @Override
    public void onConnected(SrtpProfile profile) {
        if (stopping) {
            return;
        }
        connectedNanos = System.nanoTime();
        rtpOverhead = DownlinkBottleneck.IP_UDP_OVERHEAD + profile.rtpTagLength();
        rtcpOverhead = DownlinkBottleneck.IP_UDP_OVERHEAD + profile.rtcpTrailerLength();
        state = State.CONNECTED;
        SendScheduler s = ctx.schedulerFor(index);
        for (OutboundStream o : outbound()) {
            s.add(o);
        }
        if (receive) {
            receiver.feedTo(feedback);
            s.addTicker(feedbackTicker);
        }
    }

    /**
     * On the send thread: the receiver RTCP due now, if any; transport-cc feedback joins the
     * same compound, after an empty receiver report when nothing else is due (RFC 3550 section
     * 6.1: a compound starts with SR or RR); feedback too long for one message follows in
     * datagrams of its own.
     */
    private void sendFeedback(long now, byte[] scratch) {
        int room = scratch.length - SrtpSession.MAX_RTCP_TRAILER;
        int n = feedback.tick(now, scratch, room);
        if (transportCc.enabled()) {
            int at = n > 0 ? n : ReceiverReport.write(scratch, 0, room, rtcpSsrc, 0);
            int t = at > 0 ? transportCc.tick(now, scratch, at, room - at) : 0;
            if (t > 0) {
                n = at + t;
            }
        }
        if (n > 0) {
            sendRtcp(scratch, 0, n);
        }
        while (transportCc.hasMore()) {
            int at = ReceiverReport.write(scratch, 0, room, rtcpSsrc, 0);
            int t = at > 0 ? transportCc.tick(now, scratch, at, room - at) : 0;
            if (t <= 0) {
                break;
            }
            sendRtcp(scratch, 0, at + t);
        }
    }

    /** The capped downlink of this receive-only subscriber, or null (uncapped). */
    public DownlinkBottleneck bottleneck() {
        return bottleneck;
    }

    /** The measured window begins now, for {@link #deliveryCounts} ({@link ReceiverFeedback#markWindowStart}). */
    void markDeliveryWindowStart(long nowNanos) {
        feedback.markWindowStart(nowNanos);
    }

    /** What the server sent this participant and what arrived, on RTP sequence numbers ({@link ReceiverFeedback#deliveryCounts}). */
    long[] deliveryCounts() {
        return feedback.deliveryCounts();
    }

    /** This participant's transport-cc feedback (sends nothing unless the server negotiated it). */
    TransportCcReceiver transportCc() {
        return transportCc;
    }

    /** NACKed sequence numbers this participant's receiver sent (each retry counted). */
    public long nacksSent() {
        return feedback.nacksSent();
    }

    /** A decrypted RTP packet: through the capped link, if any, to transport-cc and the receiver. */
    @Override
    public void onRtp(byte[] buf, int off, int len) {
        if (receive) {
            downlink.onRtp(buf, off, len, rtpOverhead, System.nanoTime());
        } else {
            receiver.onForeign();
        }
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (downlink.admitRtcp(len + rtcpOverhead, System.nanoTime())) {
            rtcp.onRtcp(buf, off, len);
        }
    }

    private OutboundStream streamFor(long ssrc) {
        PublisherVideo c = camera;
        VideoSender v = c == null ? null : c.bySsrc(ssrc);
        if (v != null) {
            return v;
        }
        AudioSender a = audio;
        if (a != null && (a.info().ssrc() & 0xFFFFFFFFL) == ssrc) {
            return a;
        }
        return null;
    }

    /** The server reports on {@code ssrc}: a simulcast layer then stops sending mid and rid there. */
    private void onReportBlock(long ssrc) {
        PublisherVideo c = camera;
        if (c != null) {
            c.onReportBlock(ssrc);
        }
    }

    /** The transport's close handler. */
    private void transportClosed(CloseReason reason, String detail) {
        if (reason == CloseReason.LOCAL_CLOSE) {
            return;
        }
        fail(state == State.CONNECTED ? FailureReason.SERVER_STOPPED : FailureReason.ICE_DTLS_FAILED,
                reason + ": " + detail);
    }

    // ---------------------------------------------------------------- MediaSink

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        IceDtlsTransport t = transport;
        return t != null && !stopping && t.sendRtp(buf, off, len);
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        IceDtlsTransport t = transport;
        return t != null && !stopping && t.sendRtcp(buf, off, len);
    }

    @Override
    public int nextTransportSequence() {
        return transportSeq.getAndIncrement() & 0xFFFF;
    }

    @Override
    public boolean active() {
        return !stopping;
    }

    // ---------------------------------------------------------------- routing check

    private MediaReceiver.StreamCheck checkFor(int streamId) {
        String publisher = ctx.serverId(ctx.ids().publisherOf(streamId));
        if (publisher == null) {
            return null;
        }
        return ssrc -> {
            String announced = ssrcPublishers.get(ssrc & 0xFFFFFFFFL);
            return announced == null || announced.equals(publisher);
        };
    }

    // ---------------------------------------------------------------- readings

    public int index() {
        return index;
    }

    /** The WebSocket URI of the node this participant joined, or null before (or without) a join. */
    public java.net.URI node() {
        return node;
    }

    /** Redirects this participant followed before its join was accepted. */
    public int redirects() {
        return redirects;
    }

    public int roomIndex() {
        return roomIndex;
    }

    public String room() {
        return room;
    }

    public String name() {
        return name;
    }

    /** The id the server gave this participant, or null before its join. */
    public String serverId() {
        return serverId;
    }

    public boolean publishes() {
        return publish;
    }

    public boolean receives() {
        return receive;
    }

    /** The server ids of the participants the server announced as gone from the room (participantLeft). */
    public java.util.Set<String> participantsLeft() {
        return java.util.Set.copyOf(left);
    }

    public State state() {
        return state;
    }

    public Failure failure() {
        return failure.get();
    }

    public MediaReceiver receiver() {
        return receiver;
    }

    public AudioSender audio() {
        return audio;
    }

    /** The single video stream (no simulcast, or the server declined it), or null. */
    public VideoSender video() {
        PublisherVideo c = camera;
        return c == null ? null : c.single();
    }

    /** The simulcast layers when the server accepted them, else null. */
    public SimulcastPublisher simulcast() {
        PublisherVideo c = camera;
        return c == null ? null : c.simulcast();
    }

    /** Every stream this participant sends: audio, the single video or the layers. */
    public List<OutboundStream> outbound() {
        List<OutboundStream> out = new ArrayList<>(4);
        AudioSender a = audio;
        if (a != null) {
            out.add(a);
        }
        out.addAll(videoSenders());
        return out;
    }

    /** Every video encoding this participant sends: the single one or the layers. */
    public List<VideoSender> videoSenders() {
        PublisherVideo c = camera;
        return c == null ? List.of() : c.senders();
    }

    /** True when this publisher offered simulcast (--simulcast). */
    public boolean simulcastOffered() {
        return simulcastOffered;
    }

    /** The videoTiles sent and the server's remoteVideo states. */
    RemoteVideoState remoteVideo() {
        return remoteVideo;
    }

    /** Whether others already published when this one joined (its join-to-first-media is meaningful). */
    public boolean roomHadMedia() {
        return roomHadMedia;
    }

    public long startNanos() {
        return startNanos;
    }

    public long joinedNanos() {
        return joinedNanos;
    }

    public long connectedNanos() {
        return connectedNanos;
    }

    public long offersAnswered() {
        return offersAnswered;
    }

    public long rtcpFeedback() {
        return rtcp.feedback();
    }

    /** Datagrams this participant's transport took from its ingress queue so far (0 before it exists). */
    public long receiveQueuePackets() {
        IceDtlsTransport t = transport;
        return t == null ? 0 : t.ingressPackets();
    }

    /** Total time those datagrams waited in this tester's own ingress queue, in nanoseconds. */
    public long receiveQueueWaitNanos() {
        IceDtlsTransport t = transport;
        return t == null ? 0 : t.ingressWaitTotalNanos();
    }

    /** The longest wait in this tester's own ingress queue since the previous call, in nanoseconds. */
    public long takeReceiveQueueMaxNanos() {
        IceDtlsTransport t = transport;
        if (t == null) {
            return 0;
        }
        long max = t.ingressWaitMaxNanos();
        t.resetIngressWaitMax();
        return max;
    }

    /** Drops counted by the transport so far (send and receive), by reason. */
    public Map<String, Long> transportDrops() {
        IceDtlsTransport t = transport;
        Map<String, Long> out = new LinkedHashMap<>();
        if (t != null) {
            t.dropCounts().forEach((k, v) -> out.put(k.name(), v));
        }
        return out;
    }
}
