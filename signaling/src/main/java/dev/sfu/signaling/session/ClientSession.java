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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The signaling state of one WebSocket connection: join, the offer/answer negotiation of its
 * single RTCPeerConnection, trickle, mute state, leave.
 * <p>
 * Negotiation is one at a time. The client makes the first offer; the server answers. The
 * server then offers whenever the set of tracks the client should receive changes; changes that
 * arrive while an offer is pending are coalesced into one follow-up offer after the answer. The
 * server is the impolite peer: a client offer while a server offer is pending gets
 * NEGOTIATION_IN_PROGRESS (the client rolls back and answers). A server offer unanswered for
 * the offer timeout is withdrawn and offered again, so a client is never left stuck.
 * <p>
 * Every method runs on one serial executor (the connection's event loop); room events arriving
 * on other threads are handed over to it.
 */
public final class ClientSession implements ParticipantEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    private static final int MAX_EARLY_CANDIDATES = 64;

    private final RoomService rooms;
    private final TransportFactory transports;
    private final ScheduledExecutorService loop;
    private final Consumer<Message> out;
    private final Consumer<Message.Error> fatal;
    private final Duration offerTimeout;

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

    /**
     * @param rooms        the room layer
     * @param transports   creates the media transport on the first offer
     * @param loop         the connection's serial executor (its Netty event loop)
     * @param out          sends one message to the client
     * @param fatal        sends an error to the client and closes the connection
     * @param offerTimeout how long a server offer may wait for its answer
     */
    public ClientSession(RoomService rooms, TransportFactory transports, ScheduledExecutorService loop,
                         Consumer<Message> out, Consumer<Message.Error> fatal, Duration offerTimeout) {
        this.rooms = rooms;
        this.transports = transports;
        this.loop = loop;
        this.out = out;
        this.fatal = fatal;
        this.offerTimeout = offerTimeout;
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

    /** Handles one validated client message; a rejection is thrown for the caller to send. */
    public void onMessage(Message m) throws SignalingException {
        if (m instanceof Message.Ping) {
            out.accept(new Message.Pong());
            return;
        }
        if (m instanceof Message.Join j) {
            join(j);
            return;
        }
        if (!(m instanceof Message.Offer || m instanceof Message.Answer || m instanceof Message.Candidate
                || m instanceof Message.TrackState || m instanceof Message.Leave || m instanceof Message.VideoTiles)) {
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
        } else {
            leave();
        }
    }

    /** The connection closed: leave the room and release everything. Idempotent. */
    public void onClose() {
        leave();
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
        out.accept(new Message.Joined(participantId, r.room(), others, grant.canPublish() ? null : Boolean.FALSE));
    }

    private void leave() {
        if (participantId == null) {
            return;
        }
        String id = participantId;
        participantId = null;
        cancelOfferTimer();
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
        DtlsSetup setup = negotiatedSetup != null ? negotiatedSetup : transport.localSetup(offer.setup(ts));
        AnswerBuilder.Answer answer;
        try {
            answer = sdp.answerOffer(offer, localTransport(setup));
        } catch (SdpParseException e) {
            throw new SignalingException(ErrorCode.BAD_SDP, e.getMessage());
        }
        negotiatedSetup = setup;
        transport.setRemote(remoteParameters(offer));
        out.accept(new Message.Answer(answer.sdp()));
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
        out.accept(new Message.Offer(offer));
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
        fatal.accept(new Message.Error(ErrorCode.TRANSPORT_CLOSED.name(), "The media connection ended (" + reason
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

    private static String typeName(Message m) {
        com.fasterxml.jackson.annotation.JsonTypeName n = m.getClass().getAnnotation(com.fasterxml.jackson.annotation.JsonTypeName.class);
        return n == null ? m.getClass().getSimpleName() : n.value();
    }

    // Room events arrive on other threads; each is handed to this session's executor.

    @Override
    public void participantJoined(ParticipantInfo participant) {
        run(() -> {
            if (participantId != null) {
                out.accept(new Message.ParticipantJoined(toMessage(participant)));
            }
        });
    }

    @Override
    public void participantLeft(String id) {
        run(() -> {
            if (participantId != null) {
                out.accept(new Message.ParticipantLeft(id));
            }
        });
    }

    @Override
    public void trackStateChanged(String id, boolean audioMuted, boolean videoMuted) {
        run(() -> {
            if (participantId != null) {
                out.accept(new Message.TrackState(id, audioMuted, videoMuted));
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
                out.accept(new Message.LayersNeeded(mid, copy));
            }
        });
    }

    @Override
    public void remoteVideo(String mid, String publisherId, boolean paused, String reason, String rid) {
        run(() -> {
            if (participantId != null) {
                out.accept(new Message.RemoteVideo(mid, publisherId, paused, reason, rid));
            }
        });
    }

    @Override
    public void dominantSpeaker(String speakerId, List<String> recent) {
        List<String> copy = List.copyOf(recent);
        run(() -> {
            if (participantId != null) {
                out.accept(new Message.DominantSpeaker(speakerId, copy));
            }
        });
    }

    private void run(Runnable r) {
        Executor e = loop;
        e.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException ex) {
                LOG.error("{} failed to handle a room event", participantId, ex);
            }
        });
    }
}
