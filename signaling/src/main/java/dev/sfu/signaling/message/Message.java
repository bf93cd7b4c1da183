package dev.sfu.signaling.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Every message of the signaling protocol (docs/signaling.md): one record per {@code type}.
 * Records used in both directions ({@code offer}, {@code answer}, {@code candidate},
 * {@code trackState}) share one type; fields that only one direction fills are null in the
 * other and left out of the JSON. {@link #validate()} checks what a client sent.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(Message.Join.class), @JsonSubTypes.Type(Message.Joined.class),
    @JsonSubTypes.Type(Message.Offer.class), @JsonSubTypes.Type(Message.Answer.class),
    @JsonSubTypes.Type(Message.Candidate.class), @JsonSubTypes.Type(Message.ParticipantJoined.class),
    @JsonSubTypes.Type(Message.ParticipantLeft.class), @JsonSubTypes.Type(Message.TrackState.class),
    @JsonSubTypes.Type(Message.Leave.class), @JsonSubTypes.Type(Message.Ping.class),
    @JsonSubTypes.Type(Message.Pong.class), @JsonSubTypes.Type(Message.Error.class),
    @JsonSubTypes.Type(Message.VideoTiles.class), @JsonSubTypes.Type(Message.LayersNeeded.class),
    @JsonSubTypes.Type(Message.RemoteVideo.class), @JsonSubTypes.Type(Message.DominantSpeaker.class),
    @JsonSubTypes.Type(Message.Resume.class), @JsonSubTypes.Type(Message.Resumed.class),
    @JsonSubTypes.Type(Message.Chat.class), @JsonSubTypes.Type(Message.ChatHistory.class),
    @JsonSubTypes.Type(Message.Redirect.class)
})
public sealed interface Message {
    /** Room names: 1-64 of A-Z a-z 0-9 _ -. */
    Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The most characters of an SDP in a message (the frame limit is 64 KiB anyway). */
    int MAX_SDP = 60 * 1024;
    /** The most characters of a join token. */
    int MAX_TOKEN = 8 * 1024;

    /** Checks the fields a client must send; throws INVALID_FIELD naming the field. */
    default void validate() throws SignalingException {
    }

    /**
     * Client: join a room, creating it when it does not exist. Must be the first message.
     * {@code token}: the join token (JWT) when the server needs one and the WebSocket URL had
     * no {@code ?token=}.
     */
    @JsonTypeName("join")
    record Join(String room, String name, String token) implements Message {
        public Join(String room, String name) {
            this(room, name, null);
        }

        @Override
        public void validate() throws SignalingException {
            if (room == null || !ROOM.matcher(room).matches()) {
                throw invalid("room", "must be 1 to 64 characters among A-Z, a-z, 0-9, _ and -");
            }
            if (name == null || name.isBlank() || name.length() > 64) {
                throw invalid("name", "must be 1 to 64 characters, not only spaces");
            }
            for (int i = 0; i < name.length(); i++) {
                if (Character.isISOControl(name.charAt(i))) {
                    throw invalid("name", "must not contain control characters");
                }
            }
            if (token != null && token.length() > MAX_TOKEN) {
                throw invalid("token", "must be at most " + MAX_TOKEN + " characters");
            }
        }

        /** Leaves the token out of the record's text, so that logging a message never logs it. */
        @Override
        public String toString() {
            return "Join[room=" + room + ", name=" + name + ", token=" + (token == null ? "none" : "(hidden)") + "]";
        }
    }

    /**
     * Server: the client is in the room; the others as of now. {@code canPublish} is false for a
     * receive-only session (its join token has {@code canPublish: false}): the client offers
     * recvonly only. Absent (null) means true. {@code resumeToken} lets a new WebSocket take this
     * participant over after the connection drops ({@link Resume}). {@code nodes} (cluster mode
     * only, else null) are the public WebSocket URLs of the cluster's live nodes, this one
     * included: where the client may join again if this node dies.
     */
    @JsonTypeName("joined")
    record Joined(String participantId, String room, List<Participant> participants, Boolean canPublish,
                  String resumeToken, List<String> nodes) implements Message {
        public Joined(String participantId, String room, List<Participant> participants) {
            this(participantId, room, participants, null, null, null);
        }

        public Joined(String participantId, String room, List<Participant> participants, Boolean canPublish) {
            this(participantId, room, participants, canPublish, null, null);
        }

        public Joined(String participantId, String room, List<Participant> participants, Boolean canPublish,
                      String resumeToken) {
            this(participantId, room, participants, canPublish, resumeToken, null);
        }
    }

    /**
     * Client: the first message on a new WebSocket after the previous one dropped: take over the
     * participant that {@code resumeToken} (from the last {@code joined} or {@code resumed}) was
     * issued for, with its media connection and negotiation state, instead of joining anew.
     */
    @JsonTypeName("resume")
    record Resume(String participantId, String resumeToken) implements Message {
        @Override
        public void validate() throws SignalingException {
            if (participantId == null || participantId.isEmpty() || participantId.length() > 64) {
                throw invalid("participantId", "must be the id from 'joined' (1 to 64 characters)");
            }
            if (resumeToken == null || resumeToken.isEmpty() || resumeToken.length() > 128) {
                throw invalid("resumeToken", "must be the token from the last 'joined' or 'resumed' (1 to 128 characters)");
            }
        }
    }

    /**
     * Server: the participant was resumed on this connection: same id, same media connection.
     * {@code participants} are the others as of now (the client reconciles what it missed);
     * {@code resumeToken} replaces the one just used, which no longer works. {@code nodes}: as in
     * {@link Joined}, the cluster's live nodes as of now (null on a single node).
     */
    @JsonTypeName("resumed")
    record Resumed(String participantId, String room, List<Participant> participants, String resumeToken,
                   List<String> nodes) implements Message {
        public Resumed(String participantId, String room, List<Participant> participants, String resumeToken) {
            this(participantId, room, participants, resumeToken, null);
        }
    }

    /** The most characters (Unicode code points) of one chat message. */
    int MAX_CHAT_CHARS = 2000;

    /**
     * Both: a chat message in the room. The client sends {@code text} only; the server fans it
     * out to everyone in the room (the sender too) with the sender's id and name and its own
     * timestamp {@code ts} (milliseconds since the epoch). The text is plain text, never markup.
     */
    @JsonTypeName("chat")
    record Chat(String text, String participantId, String name, Long ts) implements Message {
        public Chat(String text) {
            this(text, null, null, null);
        }

        @Override
        public void validate() throws SignalingException {
            if (text == null || text.isBlank()) {
                throw invalid("text", "must be a non-empty string, not only spaces");
            }
            if (text.codePointCount(0, text.length()) > MAX_CHAT_CHARS) {
                throw invalid("text", "must be at most " + MAX_CHAT_CHARS + " characters");
            }
        }
    }

    /** Server: the room's last chat messages (at most 100), oldest first, sent after {@code joined}. */
    @JsonTypeName("chatHistory")
    record ChatHistory(List<Chat> messages) implements Message {
    }

    /** Both: an SDP offer. */
    @JsonTypeName("offer")
    record Offer(String sdp) implements Message {
        @Override
        public void validate() throws SignalingException {
            checkSdp(sdp);
        }
    }

    /** Both: an SDP answer to the other side's last offer. */
    @JsonTypeName("answer")
    record Answer(String sdp) implements Message {
        @Override
        public void validate() throws SignalingException {
            checkSdp(sdp);
        }
    }

    /**
     * Both: one trickled ICE candidate (RFC 8838); null or "" candidate means end of candidates.
     */
    @JsonTypeName("candidate")
    record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex) implements Message {
        @Override
        public void validate() throws SignalingException {
            if (candidate != null && candidate.length() > 1024) {
                throw invalid("candidate", "must be at most 1024 characters");
            }
            if (sdpMid == null && sdpMLineIndex == null) {
                throw invalid("sdpMid", "or sdpMLineIndex must be given");
            }
            if (sdpMLineIndex != null && sdpMLineIndex < 0) {
                throw invalid("sdpMLineIndex", "must not be negative");
            }
        }
    }

    /** Server: someone joined the room. */
    @JsonTypeName("participantJoined")
    record ParticipantJoined(Participant participant) implements Message {
    }

    /** Server: someone left (leave, closed WebSocket, ICE consent expiry). */
    @JsonTypeName("participantLeft")
    record ParticipantLeft(String participantId) implements Message {
    }

    /**
     * Both: mute state. From the client, participantId is absent; from the server, it names
     * the participant whose state changed. {@code screenShare} (client, optional): the video it
     * sends now is a screen, which the bandwidth allocation serves before cameras; absent
     * leaves it as it was.
     */
    @JsonTypeName("trackState")
    record TrackState(String participantId, Boolean audioMuted, Boolean videoMuted, Boolean screenShare) implements Message {
        public TrackState(String participantId, Boolean audioMuted, Boolean videoMuted) {
            this(participantId, audioMuted, videoMuted, null);
        }

        @Override
        public void validate() throws SignalingException {
            if (audioMuted == null) {
                throw invalid("audioMuted", "must be true or false");
            }
            if (videoMuted == null) {
                throw invalid("videoMuted", "must be true or false");
            }
        }
    }

    /** Client: leave the room; the server closes the media transport. */
    @JsonTypeName("leave")
    record Leave() implements Message {
    }

    /** Client: keep-alive; the server replies pong. */
    @JsonTypeName("ping")
    record Ping() implements Message {
    }

    /** Server: reply to ping. */
    @JsonTypeName("pong")
    record Pong() implements Message {
    }

    /**
     * Server: something was rejected. {@code retryAfterMs} is set with {@code RATE_LIMITED}: how
     * long to wait before sending again.
     */
    @JsonTypeName("error")
    record Error(String code, String message, Long retryAfterMs) implements Message {
        public Error(String code, String message) {
            this(code, message, null);
        }
    }

    /**
     * Server (cluster mode): the room of the {@code join} is hosted by another node; connect to
     * {@code url} (that node's WebSocket URL) and send the same {@code join} there. The server
     * closes this connection after it. {@code nodeId} names the node, for logs.
     */
    @JsonTypeName("redirect")
    record Redirect(String room, String url, String nodeId) implements Message {
    }

    /** The most tiles one {@code videoTiles} message may describe. */
    int MAX_TILES = 256;

    /**
     * Client: how each remote video is shown now, so the server forwards the simulcast layer that
     * fits (the smallest at least as large as the tile) and pauses videos nobody can see. The
     * list replaces the previous one; a receive m-line not listed keeps the server's default
     * (visible, the highest layer). Clients send it debounced, when a tile is resized, hidden or
     * shown.
     */
    @JsonTypeName("videoTiles")
    record VideoTiles(List<Tile> tiles) implements Message {
        @Override
        public void validate() throws SignalingException {
            if (tiles == null) {
                throw invalid("tiles", "must be a list of {mid, width, height, visible}");
            }
            if (tiles.size() > MAX_TILES) {
                throw invalid("tiles", "must list at most " + MAX_TILES + " tiles");
            }
            for (Tile t : tiles) {
                if (t == null || t.mid() == null || t.mid().isEmpty() || t.mid().length() > 32) {
                    throw invalid("tiles[].mid", "must be the mid (1 to 32 characters) of a receive m-line");
                }
                if (t.width() < 0 || t.width() > 16384 || t.height() < 0 || t.height() > 16384) {
                    throw invalid("tiles[].width", "and height must be device pixels between 0 and 16384");
                }
            }
        }
    }

    /**
     * One remote video as the page shows it.
     *
     * @param mid     the receive m-line carrying the video
     * @param width   rendered width in device pixels (CSS pixels times devicePixelRatio)
     * @param height  rendered height in device pixels
     * @param visible false when the tile is off screen or the page is hidden
     */
    record Tile(String mid, int width, int height, boolean visible) {
    }

    /**
     * Server (dynacast): which simulcast encodings of the client's own track on {@code mid}
     * somebody receives now. The client sets {@code active = false} on the others and back to
     * true when they are listed again.
     */
    @JsonTypeName("layersNeeded")
    record LayersNeeded(String mid, List<String> rids) implements Message {
    }

    /**
     * Server: whether the remote video on the client's receive m-line {@code mid} is forwarded.
     * A paused video shows the person's avatar, not a frozen frame.
     *
     * @param participantId the publisher
     * @param paused        true while nothing is forwarded
     * @param reason        why it is paused: "hidden" (no visible tile), "lastN" (not among
     *                      the last N speakers), "bandwidth" (the subscriber's downlink cannot
     *                      carry even its lowest layer); null when not paused
     * @param rid           the simulcast layer forwarded now, null when paused or not simulcast
     */
    @JsonTypeName("remoteVideo")
    record RemoteVideo(String mid, String participantId, boolean paused, String reason, String rid) implements Message {
    }

    /**
     * Server: the room's dominant speaker changed (at most every 300 ms).
     *
     * @param participantId the speaker now
     * @param recent        the most recent speakers, the current one first
     */
    @JsonTypeName("dominantSpeaker")
    record DominantSpeaker(String participantId, List<String> recent) implements Message {
    }

    /**
     * A participant as the others see it.
     *
     * @param id         the participant id (also the msid stream id of its media)
     * @param name       the display name
     * @param audioMuted the microphone is muted
     * @param videoMuted the camera is off
     * @param tracks     the tracks it publishes now
     */
    record Participant(String id, String name, boolean audioMuted, boolean videoMuted, List<Track> tracks) {
    }

    /**
     * A published track.
     *
     * @param trackId the msid track id
     * @param kind    "audio" or "video"
     */
    record Track(String trackId, String kind) {
    }

    private static SignalingException invalid(String field, String rule) {
        return new SignalingException(ErrorCode.INVALID_FIELD, "The field '" + field + "' " + rule + ".");
    }

    private static void checkSdp(String sdp) throws SignalingException {
        if (sdp == null || sdp.isBlank()) {
            throw invalid("sdp", "must be a non-empty SDP string");
        }
        if (sdp.length() > MAX_SDP) {
            throw invalid("sdp", "must be at most " + MAX_SDP + " characters");
        }
    }
}
