package dev.sfu.core.room;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.MediaEndpoint;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.MediaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One person in a room: its id and display name, its {@link MediaTransport}, the tracks it
 * publishes, the DownTracks it receives, and its mute state. It is not on the packet path: the
 * room binds its {@link MediaEndpoint} as the transport's listener, so decrypted packets go
 * there directly, and registers {@link #transportClosed} as a close handler, so a transport that
 * ends (consent expiry, DTLS failure) makes it leave.
 */
public final class Participant {
    private static final Logger LOG = LoggerFactory.getLogger(Participant.class);

    private final String id;
    private final String displayName;
    private final Room room;
    private final RoomManager manager;
    private final MediaTransport transport;
    private final MediaEndpoint endpoint;
    /** The node a relayed participant is connected to; null for this node's own participants. */
    private final String remoteNode;
    private volatile boolean audioMuted;
    private volatile boolean videoMuted;
    private volatile List<PublishedTrack> published = List.of();

    Participant(String id, String displayName, Room room, RoomManager manager, MediaTransport transport) {
        this(id, displayName, room, manager, transport, null);
    }

    Participant(String id, String displayName, Room room, RoomManager manager, MediaTransport transport,
                String remoteNode) {
        this.remoteNode = remoteNode;
        this.id = id;
        this.displayName = displayName;
        this.room = room;
        this.manager = manager;
        this.transport = transport;
        this.endpoint = new MediaEndpoint(id, "sfu-" + id, transport, manager.context(), room.metrics(),
                new dev.sfu.core.forward.EndpointMetrics(manager.registry(), room.id(), id, manager.context().nanoClock()));
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * True for a participant of another node hosting this room, mirrored here through a relay
     * ({@link RoomManager#joinRemote}): its tracks arrive on the relay's transport, local
     * participants receive them like any other, and it receives nothing from this node (its
     * own node forwards to it what crosses the relay).
     */
    public boolean isRemote() {
        return remoteNode != null;
    }

    /** The node a remote participant is connected to, or null for a local one. */
    public String remoteNode() {
        return remoteNode;
    }

    public Room room() {
        return room;
    }

    public MediaTransport transport() {
        return transport;
    }

    /** The packet path; {@code endpoint().onRtp(...)} is the forwarding entry point. */
    public MediaEndpoint endpoint() {
        return endpoint;
    }

    /** The CNAME of this participant's streams as subscribers see them (a=ssrc ... cname:). */
    public String cname() {
        return "sfu-" + id;
    }

    /** The tracks this participant publishes, as last set by {@link #publish}. */
    public List<PublishedTrack> publishedTracks() {
        return published;
    }

    /** The server's view of its published tracks (learned SSRCs, statistics). */
    public List<UpTrack> upTracks() {
        return endpoint.upTracks();
    }

    /** What this participant receives: one DownTrack per track of every other participant. */
    public List<DownTrack> downTracks() {
        return endpoint.downTracks();
    }

    /**
     * Sets the complete list of tracks this participant publishes, from its latest offer:
     * new ones are forwarded to everyone else in the room, missing ones are withdrawn.
     */
    public void publish(List<PublishedTrack> tracks) {
        manager.publish(this, tracks);
        published = List.copyOf(tracks);
    }

    /**
     * What this participant can receive for {@code kind}, from its own offer (payload types,
     * rtcp-fb, RTX, extension ids). The server's offers to it reuse these numbers.
     */
    public void setReceiveCapabilities(MediaKind kind, List<Codec> codecs, List<HeaderExtension> extensions) {
        endpoint.setReceiveCapabilities(kind, codecs, extensions);
    }

    /**
     * Starts every DownTrack not yet active: call after this participant's answer to an offer
     * containing them was applied. Video DownTracks request a keyframe from their publisher.
     */
    public void activateDownTracks() {
        for (DownTrack d : endpoint.downTracks()) {
            d.activate();
        }
    }

    public boolean isMuted(MediaKind kind) {
        return kind == MediaKind.AUDIO ? audioMuted : videoMuted;
    }

    /** Records the microphone or camera state and tells the room. */
    public void setMuted(MediaKind kind, boolean muted) {
        boolean changed;
        if (kind == MediaKind.AUDIO) {
            changed = audioMuted != muted;
            audioMuted = muted;
        } else {
            changed = videoMuted != muted;
            videoMuted = muted;
        }
        if (changed) {
            manager.trackStateChanged(this, kind, muted);
        }
    }

    /** Leaves the room (idempotent). */
    public void leave(LeaveReason reason) {
        manager.leave(this, reason);
    }

    /** The transport's close handler (registered by the room on join): leaves the room. */
    void transportClosed(CloseReason reason, String detail) {
        LOG.info("{} in {}: transport closed ({}: {}); drops {}", id, room.id(), reason, detail, transport.dropCounts());
        manager.leave(this, LeaveReason.TRANSPORT_CLOSED);
    }

    @Override
    public String toString() {
        return "Participant[" + id + " '" + displayName + "' in " + room.id() + "]";
    }
}
