package dev.sfu.signaling.room;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.room.Participant;
import dev.sfu.core.room.PublishedTrack;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.AudioLevelExtension;
import dev.sfu.signaling.message.SignalingException;
import dev.sfu.signaling.session.UnwiredTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The room's simulcast and speaker decisions reach the right participants' signaling sessions
 * through {@link SfuRoomService}: a subscriber hiding its tile gets {@code remoteVideo} paused
 * ("hidden") for that mid, the publisher gets {@code layersNeeded} for its own mid, and a
 * dominant speaker change goes to everyone in the room.
 */
class RoomEventsReachSignalingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final SfuRoomService rooms = new SfuRoomService(10, new MetricRegistry(),
            UnwiredTransport.maker(List.of("127.0.0.1"), 9));

    @AfterEach
    void stop() {
        rooms.close();
    }

    @Test
    void hiddenTilePausesForTheSubscriberAndDynacastTellsThePublisher() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        String ida = rooms.join("r", "Ada", a).participantId();
        String idb = rooms.join("r", "Bob", b).participantId();
        rooms.publish(ida, List.of(new PublishedTrack("v", MediaKind.VIDEO, "1", -1, -1,
                List.of(new Codec(96, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1)),
                List.of(new HeaderExtension(4, "urn:ietf:params:rtp-hdrext:sdes:mid"),
                        new HeaderExtension(10, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id")),
                List.of("q", "h", "f"))));
        DownTrack d = rooms.participant(idb).downTracks().get(0);
        d.setMid("s1");
        d.activate();

        assertEquals("layersNeeded 1 [f]", a.next("layersNeeded"), "no tile size yet: the largest layer");
        rooms.videoTiles(idb, List.of(new VideoTile("s1", 320, 180, false)));
        assertEquals("remoteVideo s1 " + ida + " paused hidden null", b.next("remoteVideo"));
        assertEquals("layersNeeded 1 [q]", a.next("layersNeeded"), "nobody sees it: only the smallest layer");

        rooms.videoTiles(idb, List.of(new VideoTile("s1", 1280, 720, true)));
        assertEquals("remoteVideo s1 " + ida + " forwarded null f", b.next("remoteVideo"));
        assertEquals("layersNeeded 1 [f]", a.next("layersNeeded"), "a 720p tile needs f again");
    }

    @Test
    void trackStateMarksTheVideoAsAScreenShareForTheAllocationAndAbsentLeavesItAsItWas() throws Exception {
        String ida = rooms.join("r", "Ada", new Recorder()).participantId();
        rooms.publish(ida, List.of(new PublishedTrack("v", MediaKind.VIDEO, "1", 0x1234, -1,
                List.of(new Codec(96, "VP8", 90000, 1, "", List.of("nack", "nack pli"), -1)), List.of())));
        var video = rooms.participant(ida).upTracks().get(0);
        assertFalse(video.isScreenShare());
        rooms.trackState(ida, false, false, true);
        assertTrue(video.isScreenShare());
        rooms.trackState(ida, true, false, null);
        assertTrue(video.isScreenShare(), "absent: unchanged");
        rooms.trackState(ida, false, false, false);
        assertFalse(video.isScreenShare());
    }

    @Test
    void aDominantSpeakerChangeGoesToEveryoneInTheRoom() throws Exception {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        String ida = rooms.join("r", "Ada", a).participantId();
        rooms.join("r", "Bob", b);
        rooms.publish(ida, List.of(new PublishedTrack("a", MediaKind.AUDIO, "0", 1111, -1,
                List.of(new Codec(111, "opus", 48000, 2, "", List.of(), -1)),
                List.of(new HeaderExtension(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level")))));
        Participant p = rooms.participant(ida);
        byte[] pkt = new byte[64];
        // Ada is silent for 200 ms (her noise floor), then talks (-20 dBov, voice) in 20 ms packets,
        // paced in real time since the room's clock is the system's; the scheduler ticks by hand
        // after each 100 ms.
        for (int i = 0; i < 100 && a.events.stream().noneMatch(e -> e.startsWith("dominantSpeaker")); i++) {
            for (int k = 0; k < 5; k++) {
                int seq = i * 5 + k;
                int n = RtpPacket.writeHeader(pkt, 0, false, 111, seq, seq * 960L, 1111);
                n = AudioLevelExtension.add(pkt, 0, n, 1, i >= 2, i >= 2 ? 20 : 127);
                pkt[n] = (byte) 0xfc;
                p.endpoint().onRtp(pkt, 0, n + 1);
            }
            Thread.sleep(100);
            rooms.rooms().scheduler().tick();
        }
        assertEquals("dominantSpeaker " + ida + " [" + ida + "]", a.next("dominantSpeaker"));
        assertEquals("dominantSpeaker " + ida + " [" + ida + "]", b.next("dominantSpeaker"));
    }

    /** A signaling session that records the room's events as lines. */
    private static final class Recorder extends NoParticipantEvents {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        String next(String type) throws InterruptedException {
            long end = System.nanoTime() + WAIT.toNanos();
            String e;
            do {
                e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertNotNull(e, "no " + type + " event within " + WAIT);
            } while (!e.startsWith(type));
            return e;
        }

        @Override
        public void layersNeeded(String mid, List<String> rids) {
            events.add("layersNeeded " + mid + " " + rids);
        }

        @Override
        public void remoteVideo(String mid, String publisherId, boolean paused, String reason, String rid) {
            events.add("remoteVideo " + mid + " " + publisherId + " " + (paused ? "paused" : "forwarded") + " " + reason + " " + rid);
        }

        @Override
        public void dominantSpeaker(String speakerId, List<String> recent) {
            events.add("dominantSpeaker " + speakerId + " " + recent);
        }
    }
}
