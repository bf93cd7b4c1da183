package dev.sfu.core.room;

import static dev.sfu.core.testutil.RoomHarness.MS;
import static dev.sfu.core.testutil.RoomHarness.OPUS;
import static dev.sfu.core.testutil.RoomHarness.audioSsrc;
import static dev.sfu.core.testutil.RoomHarness.videoSsrc;
import static dev.sfu.core.testutil.RtpFixtures.OPUS_PAYLOAD;
import static dev.sfu.core.testutil.RtpFixtures.rtp;
import static dev.sfu.core.testutil.RtpFixtures.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.LayerAllocator;
import dev.sfu.core.testutil.RoomHarness;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Last-N (sfu.rooms.last-n): each subscriber receives the video of only the N others who spoke
 * most recently; before anyone spoke the earliest joiners fill the places; a new dominant speaker
 * enters and the least recent leaves; audio is never paused.
 */
class LastNTest {
    private final RoomHarness h = new RoomHarness(10);

    @Test
    void onlyTheMostRecentSpeakersVideoIsForwardedAndAudioAlwaysFlows() throws Exception {
        Participant[] call = h.threeInACall("r");
        Participant a = call[0];
        Participant b = call[1];
        Participant c = call[2];
        h.manager.scheduler().configure(1.0, true, 1);
        Room room = h.manager.room("r");
        h.manager.scheduler().allocate(room);
        assertEquals(Map.of("a", "b", "b", "a", "c", "a"), forwardedVideo(room), "nobody spoke: the earliest joiner other than oneself");

        h.advance(1000 * MS); // Past the PLI rate limit of the activation's requests.
        h.transport("c").rtcp.clear();
        speak(c, 3);
        assertEquals("c", room.dominantSpeaker());
        assertTrue(h.transport("c").rtcp(206, 1).stream().anyMatch(pli -> u32(pli, 8) == videoSsrc(3)),
                "c entering the last N of a and b starts with a keyframe: a PLI on c's video");
        assertEquals(Map.of("a", "c", "b", "c", "c", "a"), forwardedVideo(room), "c spoke: everyone else now gets c");
        for (Participant p : room.participants()) {
            for (DownTrack d : p.downTracks()) {
                if (d.kind() == MediaKind.AUDIO) {
                    assertTrue(!d.isPaused(), p.id() + " hears " + d.streamId());
                } else if (d.isPaused()) {
                    assertEquals(LayerAllocator.LAST_N, d.pauseReason());
                }
            }
        }
        assertTrue(h.layerEvents.contains("video a paused lastN"), h.layerEvents.toString());

        speak(b, 2);
        assertEquals("b", room.dominantSpeaker());
        assertEquals(Map.of("a", "b", "b", "c", "c", "b"), forwardedVideo(room), "b is the most recent; b itself keeps c");
    }

    /** 3 s of speech from {@code p} (RFC 6464 level -20 dBov), the others silent, ticking the scheduler. */
    private void speak(Participant speaker, int n) {
        Room room = speaker.room();
        for (int i = 0; i < 150; i++) {
            for (Participant p : room.participants()) {
                int k = p == speaker ? n : p.id().charAt(0) - 'a' + 1;
                byte[] pkt = rtp(OPUS, seq++, seq * 960L, audioSsrc(k), new int[] {1}, OPUS_PAYLOAD);
                pkt[17] = (byte) (p == speaker && i >= 10 ? 20 : 127);
                p.endpoint().onRtp(pkt, 0, pkt.length);
            }
            h.advance(20 * MS);
            if (i % 5 == 4) {
                h.manager.scheduler().tick();
            }
        }
        h.manager.scheduler().allocate(room);
    }

    private int seq = 100;

    /** Subscriber id -> the one publisher whose video it receives (last-N = 1). */
    private static Map<String, String> forwardedVideo(Room room) {
        Map<String, String> out = new TreeMap<>();
        for (Participant p : room.participants()) {
            for (DownTrack d : p.downTracks()) {
                if (d.kind() == MediaKind.VIDEO && !d.isPaused()) {
                    out.merge(p.id(), d.streamId(), (x, y) -> x + "," + y);
                }
            }
        }
        return out;
    }
}
