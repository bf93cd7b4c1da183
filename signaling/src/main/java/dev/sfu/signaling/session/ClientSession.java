package dev.sfu.signaling.session;

import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.signaling.auth.Grant;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.room.ChatMessage;
import dev.sfu.signaling.room.JoinResult;
import dev.sfu.signaling.room.ParticipantEvents;
import dev.sfu.signaling.room.ParticipantInfo;
import dev.sfu.signaling.room.RemoteTrack;
import dev.sfu.signaling.room.RoomService;
import dev.sfu.signaling.room.Subscription;
import dev.sfu.signaling.room.VideoTile;
import dev.sfu.signaling.sdp.AnswerBuilder;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.SdpParseException;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SdpSession;
import dev.sfu.signaling.sdp.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The signaling state of one client: join, the offer/answer negotiation of its single
 * RTCPeerConnection, trickle, mute state, chat, leave; created by its first WebSocket connection
 * and kept across later ones that resume it.
 * <p>
 * Negotiation is one at a time. The client makes the first offer; the server answers. The
 * server then offers whenever the set of tracks the client should receive changes; changes that
 * arrive while an offer is pending are coalesced into one follow-up offer after the answer. The
 * server is the impolite peer: a client offer while a server offer is pending gets
 * NEGOTIATION_IN_PROGRESS (the client rolls back and answers). A server offer unanswered for
 * the offer timeout is withdrawn and offered again, so a client is never left stuck.
 * <p>
 * Every method runs on one serial executor (the event loop of the connection that created it);
 * room events arriving on other threads, and messages from a later connection, are handed over to
 * it ({@link #execute}).
 * <p>
 * Resume: {@code joined} carries a resume token ({@link ResumeRegistry}). When the connection
 * drops, the participant stays in its room for the grace period, its media flowing while ICE is
 * alive; a new connection that sends {@code resume} with the token takes this session over
 * ({@link #resume}): same participant id, same media transport, and a negotiation in flight is
 * completed (a pending server offer is made again). Chat messages that arrive meanwhile are kept
 * (at most {@link #MAX_MISSED_CHAT}) and sent after {@code resumed}.
 * <p>
 * ICE restart: a client offer with new ICE credentials (RFC 8445 section 9) restarts the
 * transport's ICE ({@link MediaTransport#restartIce}) and the answer carries the new local ones;
 * DTLS, SRTP and the negotiated tracks stay as they are.
 */
public final class ClientSession implements ParticipantEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    private static final int MAX_EARLY_CANDIDATES = 64;
    /** Chat messages kept for a participant whose connection dropped (as many as the room's history). */
    static final int MAX_MISSED_CHAT = 100;

    private final RoomService rooms;
    private final TransportFactory transports;
    private final ScheduledExecutorService loop;
    private final Duration offerTimeout;
    private final ResumeRegistry<ClientSession> resumes;
    private final ChatRateLimit chatLimit = new ChatRateLimit();
    /** The connection now; null while the participant waits for a resume. */
    private Connection connection;
    private String resumeToken;
    /** Chat that arrived while no connection was attached. */
    private final ArrayDeque<Message.Chat> missedChat = new ArrayDeque<>();
    /** The latest per-mid state the client was told, sent again after a resume. */
    private final Map<String, Message.RemoteVideo> remoteVideos = new HashMap<>();
    private final Map<String, Message.LayersNeeded> layers = new HashMap<>();
    private Message.DominantSpeaker lastSpeaker;
    /** The client's ICE ufrag as last applied; a different one in an offer is an ICE restart. */
    private String remoteIceUfrag;

    private String participantId;
    private String room;
    private SdpSession sdp;
    private MediaTransport transport;
    private DtlsSetup negotiatedSetup;
    private final List<IceCandidate> earlyCandidates = new ArrayList<>();
    private ScheduledFuture<?> offerTimer;
    private int offersSent;
    private int offerTimeouts;
    private Grant grant = Grant.OPEN;
    /** The cluster's live nodes' public URLs, for {@code joined} and {@code resumed}. */
    private final Supplier<List<String>> nodeUrls;

    /**
     * @param rooms        the room layer
     * @param transports   creates the media transport on the first offer
     * @param loop         the session's serial executor (the first connection's Netty event loop)
     * @param connection   the connection that created the session
     * @param offerTimeout how long a server offer may wait for its answer
     * @param resumes      the server's resume tokens
     */
    public ClientSession(RoomService rooms, TransportFactory transports, ScheduledExecutorService loop,
                         Connection connection, Duration offerTimeout, ResumeRegistry<ClientSession> resumes) {
        this(rooms, transports, loop, connection, offerTimeout, resumes, List::of);
    }

    /**
     * A session whose {@code joined} and {@code resumed} list the cluster's live nodes
     * ({@code nodeUrls}: the placement's {@code nodeUrls()}, empty on a single node, which then
     * sends no list).
     */
    public ClientSession(RoomService rooms, TransportFactory transports, ScheduledExecutorService loop,
                         Connection connection, Duration offerTimeout, ResumeRegistry<ClientSession> resumes,
                         Supplier<List<String>> nodeUrls) {
        this.nodeUrls = nodeUrls;
        this.rooms = rooms;
        this.transports = transports;
        this.loop = loop;
        this.connection = connection;
        this.offerTimeout = offerTimeout;
        this.resumes = resumes;
    }

    /** Runs {@code task} on this session's executor (at once when already on it). */
    public void execute(Runnable task) {
        if (loop instanceof io.netty.util.concurrent.EventExecutor ex && ex.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /**
     * Set by {@link #resume} on the connection's thread the moment a resume claimed this session,
     * cleared on the session's executor when the new connection is attached: a close of the old
     * connection in between must not make the participant leave.
     */
    private volatile boolean resumeClaimed;

    /** Called by the registry's timer when the grace period ran out without a resume. */
    public static void graceEnded(ClientSession s) {
        s.execute(() -> {
            if (s.connection == null && s.participantId != null && !s.resumeClaimed) {
                LOG.info("{} did not resume within {} s; leaving", s.participantId, s.resumes.grace().toSeconds());
                s.leave();
            }
        });
    }

    /** Sends to the client, or keeps chat for a resume while no connection is attached. */
    private void out(Message m) {
        Connection c = connection;
        if (c != null) {
            c.send(m);
        } else if (m instanceof Message.Chat chat) {
            if (missedChat.size() == MAX_MISSED_CHAT) {
                missedChat.pollFirst();
            }
            missedChat.addLast(chat);
        }
    }

    /** The participant id, null before join and after leave. */
    public String participantId() {
        return participantId;
    }

    /** The number of media sections negotiated with this client (tests, metrics). */
    public int mediaSectionCount() {
        return sdp == null ? 0 : sdp.mediaSectionCount();
    }

    /**
     * What the next join may do: its join token's grant, verified by the caller before it passes
     * the {@code join} on. {@link Grant#OPEN} (the default) on a server without keys.
     */
    public void grant(Grant g) {
        grant = g;
    }

    /** The grant of the current (or next) join. */
    public Grant grant() {
        return grant;
    }

    /** The media transport, null before the first offer (tests). */
    public MediaTransport transport() {
        return transport;
    }

    /**
     * Handles one validated client message from {@code from}; a rejection is thrown for the caller
     * to send. Messages from a connection that no longer holds this session are ignored.
     */
    public void onMessage(Connection from, Message m) throws SignalingException {
        if (from != connection) {
            return;
        }
        onMessage(m);
    }

    /** Handles one validated client message; a rejection is thrown for the caller to send. */
    public void onMessage(Message m) throws SignalingException {
        if (m instanceof Message.Ping) {
            out(new Message.Pong());
            return;
        }
        if (m instanceof Message.Resume) {
            throw new SignalingException(participantId != null ? ErrorCode.ALREADY_JOINED : ErrorCode.RESUME_FAILED,
                    participantId != null ? "This connection is already in a room; 'resume' must be the first message "
                            + "on a new connection." : "'resume' must be the first message on a new connection; join again.");
        }
        if (m instanceof Message.Join j) {
            join(j);
            return;
        }
        if (!(m instanceof Message.Offer || m instanceof Message.Answer || m instanceof Message.Candidate
                || m instanceof Message.TrackState || m instanceof Message.Leave || m instanceof Message.VideoTiles
                || m instanceof Message.Chat)) {
            throw new SignalingException(ErrorCode.UNKNOWN_TYPE, "The server sends '" + typeName(m)
                    + "' messages; clients do not.");
        }
        if (participantId == null) {
            throw new SignalingException(ErrorCode.NOT_JOINED, "Send 'join' first; '" + typeName(m)
                    + "' needs a room.");
        }
        if (m instanceof Message.Offer o) {
            offer(o.sdp());
        } else if (m instanceof Message.Answer a) {
            answer(a.sdp());
        } else if (m instanceof Message.Candidate c) {
            candidate(c);
        } else if (m instanceof Message.TrackState t) {
            if (t.participantId() != null && !t.participantId().equals(participantId)) {
                throw new SignalingException(ErrorCode.INVALID_FIELD, "The field 'participantId' must be absent or your own id.");
            }
            rooms.trackState(participantId, t.audioMuted(), t.videoMuted(), t.screenShare());
        } else if (m instanceof Message.VideoTiles v) {
            List<VideoTile> tiles = new ArrayList<>(v.tiles().size());
            for (Message.Tile t : v.tiles()) {
                tiles.add(new VideoTile(t.mid(), t.width(), t.height(), t.visible()));
            }
            rooms.videoTiles(participantId, tiles);
        } else if (m instanceof Message.Chat c) {
            if (c.participantId() != null || c.name() != null || c.ts() != null) {
                throw new SignalingException(ErrorCode.INVALID_FIELD, "The fields 'participantId', 'name' and 'ts' of "
                        + "'chat' are set by the server; send only 'text'.");
            }
            chat(c.text());
        } else {
            leave();
        }
    }

    /** The connection is closed by the server after an error: leave the room at once. Idempotent. */
    public void onClose() {
        leave();
    }

    /** The server closes {@code from} after an error (frame too large): its participant leaves at once. */
    public void connectionClosedAfterError(Connection from) {
        if (from == connection) {
            connection = null;
            leave();
        }
    }

    /**
     * {@code from} closed. When it was this session's connection and the participant is in a room,
     * the participant waits for a resume for the grace period (it leaves at once when resuming is
     * off); otherwise nothing changes.
     */
    public void connectionClosed(Connection from) {
        execute(() -> {
            if (from != connection) {
                return;
            }
            connection = null;
            if (participantId == null) {
                return;
            }
            if (resumes.park(resumeToken)) {
                LOG.info("{} lost its connection; waiting up to {} s for a resume", participantId,
                        resumes.grace().toSeconds());
            } else if (resumeClaimed) {
                // A new connection already claimed the token (the old one's close arrived late, as
                // after a network outage): it attaches on this executor next, the participant stays.
                LOG.info("{}: its old connection closed after a resume claimed the session", participantId);
            } else {
                leave();
            }
        });
    }

    /**
     * {@code to} took this session over with a valid resume token (already claimed from the
     * registry): the previous connection, if still open, is closed, and the client gets
     * {@code resumed}, the chat it missed, the latest per-mid state, and the server's offer
     * again when one was waiting for an answer.
     */
    public void resume(Connection to) {
        resumeClaimed = true;
        execute(() -> {
            resumeClaimed = false;
            Connection previous = connection;
            connection = to;
            if (previous != null && previous != to) {
                previous.close();
            }
            if (participantId == null) {
                to.send(new Message.Error(ErrorCode.RESUME_FAILED.name(), "You have already left the room (your media "
                        + "connection ended); join again."));
                return;
            }
            List<ParticipantInfo> now = rooms.others(participantId);
            if (now == null) {
                leave();
                to.send(new Message.Error(ErrorCode.RESUME_FAILED.name(), "You are no longer in the room; join again."));
                return;
            }
            resumeToken = resumes.issue(participantId, this);
            List<Message.Participant> others = new ArrayList<>();
            for (ParticipantInfo p : now) {
                others.add(toMessage(p));
            }
            LOG.info("{} resumed on a new connection ({} others)", participantId, others.size());
            to.send(new Message.Resumed(participantId, room, others, resumeToken, nodes()));
            Message.Chat c;
            while ((c = missedChat.pollFirst()) != null) {
                to.send(c);
            }
            layers.values().forEach(to::send);
            remoteVideos.values().forEach(to::send);
            if (lastSpeaker != null) {
                to.send(lastSpeaker);
            }
            if (transport != null && sdp.hasPendingOffer()) {
                // The offer or its answer may have been lost with the old connection: offer again.
                cancelOfferTimer();
                sdp.rollbackOffer();
            }
            maybeOffer();
        });
    }

    private void chat(String text) throws SignalingException {
        long now = System.currentTimeMillis();
        if (!chatLimit.tryAcquire(now)) {
            long wait = chatLimit.retryAfterMillis(now);
            throw new SignalingException(ErrorCode.CHAT_RATE_LIMITED, "Too many chat messages (at most "
                    + ChatRateLimit.BURST + " in a row, then one per second); this one was not sent. Send it again in "
                    + Math.max(1, (wait + 999) / 1000) + " s.");
        }
        rooms.chat(participantId, text);
    }

    private void join(Message.Join j) throws SignalingException {
        if (participantId != null) {
            throw new SignalingException(ErrorCode.ALREADY_JOINED, "This connection is already in room '" + room
                    + "' as " + participantId + "; send 'leave' before joining again.");
        }
        String name = grant.name() != null ? grant.name() : j.name();
        JoinResult r = rooms.join(j.room(), name, this);
        participantId = r.participantId();
        room = r.room();
        sdp = new SdpSession(participantId);
        sdp.setRemoteTracks(grant.canSubscribe() ? r.remoteTracks() : List.of());
        List<Message.Participant> others = new ArrayList<>();
        for (ParticipantInfo p : r.others()) {
            others.add(toMessage(p));
        }
        if (grant.identity() != null) {
            LOG.info("{} joined room {} as '{}' (identity '{}'{}{}; {} others)", participantId, r.room(), name,
                    grant.identity(), grant.canPublish() ? "" : ", receive only", grant.canSubscribe() ? "" : ", publish only",
                    others.size());
        } else {
            LOG.info("{} joined room {} as '{}' ({} others)", participantId, r.room(), name, others.size());
        }
        resumeToken = resumes.issue(participantId, this);
        out(new Message.Joined(participantId, r.room(), others, grant.canPublish() ? null : Boolean.FALSE, resumeToken,
                nodes()));
        if (!r.chatHistory().isEmpty()) {
            List<Message.Chat> history = new ArrayList<>(r.chatHistory().size());
            for (ChatMessage c : r.chatHistory()) {
                history.add(toMessage(c));
            }
            out(new Message.ChatHistory(history));
        }
    }

    /** The node list for {@code joined}/{@code resumed}: null (left out) when there is none. */
    private List<String> nodes() {
        List<String> n = nodeUrls.get();
        return n == null || n.isEmpty() ? null : List.copyOf(n);
    }

    private void leave() {
        if (participantId == null) {
            return;
        }
        String id = participantId;
        participantId = null;
        cancelOfferTimer();
        resumes.revoke(resumeToken);
        resumeToken = null;
        missedChat.clear();
        remoteVideos.clear();
        layers.clear();
        lastSpeaker = null;
        remoteIceUfrag = null;
        rooms.leave(id);
        if (transport != null) {
            transport.close();
            transport = null;
        }
        sdp = null;
        negotiatedSetup = null;
        earlyCandidates.clear();
        LOG.info("{} left", id);
    }

    private void offer(String text) throws SignalingException {
        SessionDescription offer = parse(text);
        if (!grant.canPublish()) {
            refusePublishing(offer);
        }
        if (sdp.hasPendingOffer()) {
            throw new SignalingException(ErrorCode.NEGOTIATION_IN_PROGRESS, "The server's offer is waiting for your "
                    + "answer; roll back your offer, answer the server's, then offer again.");
        }
        try {
            AnswerBuilder.validateTransport(offer);
        } catch (SdpParseException e) {
            throw new SignalingException(ErrorCode.BAD_SDP, e.getMessage());
        }
        MediaDescription ts = offer.transportSection();
        if (transport == null) {
            String id = participantId;
            transport = transports.create(id, (reason, detail) -> loop.execute(() -> transportClosed(id, reason, detail)));
            for (IceCandidate c : earlyCandidates) {
                transport.addRemoteCandidate(c);
            }
            earlyCandidates.clear();
        }
        String ufrag = offer.iceUfrag(ts);
        if (remoteIceUfrag != null && ufrag != null && !ufrag.equals(remoteIceUfrag)) {
            LOG.info("{} restarts ICE (new ufrag in its offer)", participantId);
            transport.restartIce();
        }
        DtlsSetup setup = negotiatedSetup != null ? negotiatedSetup : transport.localSetup(offer.setup(ts));
        AnswerBuilder.Answer answer;
        try {
            answer = sdp.answerOffer(offer, localTransport(setup));
        } catch (SdpParseException e) {
            throw new SignalingException(ErrorCode.BAD_SDP, e.getMessage());
        }
        negotiatedSetup = setup;
        transport.setRemote(remoteParameters(offer));
        remoteIceUfrag = ufrag;
        out(new Message.Answer(answer.sdp()));
        rooms.publish(participantId, answer.tracks());
        rooms.subscribed(participantId, sdp.subscriptions());
        maybeOffer();
    }

    /** A receive-only session's offer may send nothing: every audio/video m-line recvonly or inactive. */
    private static void refusePublishing(SessionDescription offer) throws SignalingException {
        for (MediaDescription m : offer.media()) {
            if (m.kind() != null && !m.isRejected() && m.direction() != null && m.direction().sends()) {
                throw new SignalingException(ErrorCode.PUBLISH_NOT_ALLOWED, "Your join token lets you receive only"
                        + " (canPublish is false), but m-line " + (m.mid() == null ? "?" : m.mid()) + " sends "
                        + m.type() + "; offer recvonly (or ask for a token that may publish).");
            }
        }
    }

    private void answer(String text) throws SignalingException {
        if (!sdp.hasPendingOffer()) {
            throw new SignalingException(ErrorCode.NO_PENDING_OFFER, "The server has no offer waiting for an answer; "
                    + "send 'offer' to change your media.");
        }
        SessionDescription answer = parse(text);
        List<Subscription> subs;
        try {
            subs = sdp.applyAnswer(answer);
        } catch (SdpParseException e) {
            throw new SignalingException(ErrorCode.BAD_SDP, e.getMessage());
        }
        cancelOfferTimer();
        offerTimeouts = 0;
        if (answer.transportSection() != null && answer.iceUfrag(answer.transportSection()) != null
                && !answer.fingerprints(answer.transportSection()).isEmpty()) {
            transport.setRemote(remoteParameters(answer));
            remoteIceUfrag = answer.iceUfrag(answer.transportSection());
        }
        rooms.subscribed(participantId, subs);
        maybeOffer();
    }

    private void candidate(Message.Candidate c) throws SignalingException {
        if (c.candidate() == null || c.candidate().isBlank()) {
            return;
        }
        IceCandidate ic = IceCandidate.parse(c.candidate());
        if (ic == null) {
            throw new SignalingException(ErrorCode.INVALID_FIELD, "The field 'candidate' is not an ICE candidate "
                    + "line (candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>).");
        }
        if (transport != null) {
            transport.addRemoteCandidate(ic);
        } else if (earlyCandidates.size() < MAX_EARLY_CANDIDATES) {
            earlyCandidates.add(ic);
        }
    }

    /** Offers the pending changes when no negotiation is under way. */
    private void maybeOffer() {
        if (participantId == null || transport == null || !sdp.needsOffer()) {
            return;
        }
        String offer = sdp.createOffer(localTransport(negotiatedSetup));
        offersSent++;
        out(new Message.Offer(offer));
        int serial = offersSent;
        offerTimer = loop.schedule(() -> offerTimedOut(serial), offerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void offerTimedOut(int serial) {
        if (participantId == null || serial != offersSent || !sdp.hasPendingOffer()) {
            return;
        }
        offerTimeouts++;
        LOG.warn("{} did not answer the server's offer within {} ms; offering again ({} in a row)", participantId,
                offerTimeout.toMillis(), offerTimeouts);
        sdp.rollbackOffer();
        offerTimer = null;
        maybeOffer();
    }

    private void cancelOfferTimer() {
        if (offerTimer != null) {
            offerTimer.cancel(false);
            offerTimer = null;
        }
    }

    private void transportClosed(String id, CloseReason reason, String detail) {
        if (!id.equals(participantId)) {
            return;
        }
        LOG.info("{} media transport closed: {} {}", id, reason, detail);
        transport = null;
        leave();
        Connection c = connection;
        if (c == null) {
            return;
        }
        c.sendAndClose(new Message.Error(ErrorCode.TRANSPORT_CLOSED.name(), "The media connection ended (" + reason
                + (detail == null || detail.isEmpty() ? "" : ": " + detail) + "); join again."));
    }

    private LocalTransport localTransport(DtlsSetup setup) {
        return new LocalTransport(transport.localIceUfrag(), transport.localIcePwd(), transport.localFingerprint(),
                setup, transport.localCandidates());
    }

    private static RemoteParameters remoteParameters(SessionDescription sd) {
        MediaDescription t = sd.transportSection();
        List<IceCandidate> candidates = new ArrayList<>();
        for (IceCandidate c : t.candidates()) {
            if (c.component() == 1 && c.transport().equals("udp")) {
                candidates.add(c);
            }
        }
        return new RemoteParameters(sd.iceUfrag(t), sd.icePwd(t), sd.fingerprints(t), sd.setup(t), candidates);
    }

    private static SessionDescription parse(String text) throws SignalingException {
        try {
            return SdpParser.parse(text);
        } catch (SdpParseException e) {
            throw new SignalingException(ErrorCode.BAD_SDP, e.getMessage());
        }
    }

    private static Message.Participant toMessage(ParticipantInfo p) {
        List<Message.Track> tracks = new ArrayList<>();
        for (PublishedTrack t : p.tracks()) {
            tracks.add(new Message.Track(t.trackId(), t.kind() == MediaKind.AUDIO ? "audio" : "video"));
        }
        return new Message.Participant(p.id(), p.name(), p.audioMuted(), p.videoMuted(), tracks);
    }

    private static Message.Chat toMessage(ChatMessage c) {
        return new Message.Chat(c.text(), c.participantId(), c.name(), c.timestamp());
    }

    private static String typeName(Message m) {
        com.fasterxml.jackson.annotation.JsonTypeName n = m.getClass().getAnnotation(com.fasterxml.jackson.annotation.JsonTypeName.class);
        return n == null ? m.getClass().getSimpleName() : n.value();
    }

    // Room events arrive on other threads; each is handed to this session's executor.

    @Override
    public void participantJoined(ParticipantInfo participant) {
        run(() -> {
            if (participantId != null) {
                out(new Message.ParticipantJoined(toMessage(participant)));
            }
        });
    }

    @Override
    public void participantLeft(String id) {
        run(() -> {
            if (participantId != null) {
                out(new Message.ParticipantLeft(id));
            }
        });
    }

    @Override
    public void trackStateChanged(String id, boolean audioMuted, boolean videoMuted) {
        run(() -> {
            if (participantId != null) {
                out(new Message.TrackState(id, audioMuted, videoMuted));
            }
        });
    }

    @Override
    public void remoteTracksChanged(List<RemoteTrack> tracks) {
        List<RemoteTrack> copy = List.copyOf(tracks);
        run(() -> {
            if (participantId != null && grant.canSubscribe()) {
                sdp.setRemoteTracks(copy);
                maybeOffer();
            }
        });
    }

    @Override
    public void layersNeeded(String mid, List<String> rids) {
        List<String> copy = List.copyOf(rids);
        run(() -> {
            if (participantId != null) {
                sdp.setActiveRids(mid, copy);
                Message.LayersNeeded m = new Message.LayersNeeded(mid, copy);
                layers.put(mid, m);
                out(m);
            }
        });
    }

    @Override
    public void remoteVideo(String mid, String publisherId, boolean paused, String reason, String rid) {
        run(() -> {
            if (participantId != null) {
                Message.RemoteVideo m = new Message.RemoteVideo(mid, publisherId, paused, reason, rid);
                remoteVideos.put(mid, m);
                out(m);
            }
        });
    }

    @Override
    public void dominantSpeaker(String speakerId, List<String> recent) {
        List<String> copy = List.copyOf(recent);
        run(() -> {
            if (participantId != null) {
                lastSpeaker = new Message.DominantSpeaker(speakerId, copy);
                out(lastSpeaker);
            }
        });
    }

    @Override
    public void chat(ChatMessage message) {
        run(() -> {
            if (participantId != null) {
                out(toMessage(message));
            }
        });
    }

    private void run(Runnable r) {
        Executor e = loop;
        try {
            e.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException ex) {
                    LOG.error("{} failed to handle a room event", participantId, ex);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // The server is shutting down and the session's executor is gone: nobody to tell.
            LOG.debug("{}: room event after the session's executor stopped", participantId);
        }
    }
}
