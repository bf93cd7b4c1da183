package dev.sfu.core.testutil;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.ForwardingConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.forward.UpTrack;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.LeaveReason;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.core.room.Room;
import dev.sfu.core.room.RoomFullException;
import dev.sfu.core.room.RoomListener;
import dev.sfu.core.room.RoomManager;
import dev.sfu.rtp.util.BufferPool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A room manager with fake transports, a fake clock and a recording listener. */
public final class RoomHarness implements RoomListener {
    public static final long MS = 1_000_000L;
    public static final int OPUS = 111;
    public static final int VP8 = 96;
    public static final int VP8_RTX = 97;
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";

    public final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    public final BufferPool pool = ForwardingContext.newPool();
    public final MetricRegistry registry = new MetricRegistry();
    public final RoomManager manager;
    public final Map<String, FakeTransport> transports = new HashMap<>();
    public final List<String> events = new ArrayList<>();
    /** What the layer allocation told signaling: "video SUBSCRIBER paused REASON" or "video SUBSCRIBER RID", "layers PUBLISHER [rids]". */
    public final List<String> layerEvents = new ArrayList<>();

    public RoomHarness(int maxParticipants) {
        this(maxParticipants, ForwardingConfig.defaults());
    }

    /**
     * Congestion control is off: with the clock standing still a pacer would hold packets
     * forever, and these tests are about forwarding; {@code SubscriberEgressTest} turns it on.
     */
    public RoomHarness(int maxParticipants, ForwardingConfig config) {
        this(maxParticipants, config, CongestionControlConfig.disabled());
    }

    public RoomHarness(int maxParticipants, ForwardingConfig config, CongestionControlConfig congestionControl) {
        manager = new RoomManager(registry, this, maxParticipants,
                new ForwardingContext(pool, config, now::get, congestionControl));
    }

    /**
     * A three-person call in {@code room}: "a", "b" and "c" join, each publishes audio and video
     * ({@link #publishAv} 1, 2, 3) and every DownTrack is activated.
     */
    public Participant[] threeInACall(String room) throws RoomFullException {
        Participant[] ps = {join(room, "a"), join(room, "b"), join(room, "c")};
        for (int i = 0; i < ps.length; i++) {
            publishAv(ps[i], i + 1);
        }
        for (Participant p : ps) {
            p.activateDownTracks();
        }
        return ps;
    }

    public Participant join(String room, String id) throws RoomFullException {
        return manager.join(room, id, "name-" + id, participantId -> {
            FakeTransport t = new FakeTransport(participantId);
            transports.put(participantId, t);
            return t;
        });
    }

    public FakeTransport transport(String id) {
        return transports.get(id);
    }

    public static List<Codec> opusCodecs() {
        return List.of(new Codec(OPUS, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of("transport-cc"), -1));
    }

    public static List<Codec> vp8Codecs() {
        return List.of(new Codec(VP8, "VP8", 90000, 1, "", List.of("nack", "nack pli", "ccm fir", "transport-cc"), VP8_RTX));
    }

    public static List<HeaderExtension> extensions() {
        return List.of(new HeaderExtension(1, AUDIO_LEVEL), new HeaderExtension(2, ABS_SEND_TIME),
                new HeaderExtension(3, TRANSPORT_CC), new HeaderExtension(4, MID));
    }

    /** Audio SSRC of participant number n. */
    public static long audioSsrc(int n) {
        return 0x1000 + n;
    }

    public static long videoSsrc(int n) {
        return 0x2000 + n;
    }

    public static long rtxSsrc(int n) {
        return 0x3000 + n;
    }

    /** Publishes audio (mid "0") and video (mid "1") with signalled SSRCs. */
    public static void publishAv(Participant p, int n) {
        p.publish(List.of(
                new PublishedTrack("a-" + p.id(), MediaKind.AUDIO, "0", audioSsrc(n), -1, opusCodecs(), extensions()),
                new PublishedTrack("v-" + p.id(), MediaKind.VIDEO, "1", videoSsrc(n), rtxSsrc(n), vp8Codecs(), extensions())));
    }

    public void advance(long nanos) {
        now.addAndGet(nanos);
    }

    @Override
    public void participantJoined(Room room, Participant participant) {
        events.add("joined " + room.id() + " " + participant.id());
    }

    @Override
    public void participantLeft(Room room, Participant participant, LeaveReason reason) {
        events.add("left " + room.id() + " " + participant.id() + " " + reason);
    }

    @Override
    public void trackStateChanged(Room room, Participant participant, MediaKind kind, boolean muted) {
        events.add("muted " + participant.id() + " " + kind + " " + muted);
    }

    @Override
    public void receiveSetChanged(Participant subscriber) {
        events.add("renegotiate " + subscriber.id());
    }

    @Override
    public void roomClosed(Room room) {
        events.add("closed " + room.id());
    }

    @Override
    public synchronized void videoStateChanged(Participant subscriber, DownTrack track, boolean paused, String reason, String rid) {
        layerEvents.add("video " + subscriber.id() + " " + (paused ? "paused " + reason : rid));
    }

    @Override
    public synchronized void layersNeeded(Participant publisher, UpTrack track, List<String> rids) {
        layerEvents.add("layers " + publisher.id() + " " + rids);
    }
}
