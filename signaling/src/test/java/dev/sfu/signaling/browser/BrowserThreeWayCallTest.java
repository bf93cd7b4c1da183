package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof 1 of issue 4: three Chromiums in one room, each sending exactly one audio and one video
 * RTP stream over one RTCPeerConnection and decoding both others' audio and video.
 */
class BrowserThreeWayCallTest {
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("three-way");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void threeBrowsersEachSendOneAudioOneVideoAndDecodeBothOthers() {
        try (LiveCall call = new LiveCall(sfu, "three-way")) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            BrowserSession c = call.join("Cy");
            assertEquals(3, call.ids().size(), "three distinct participant ids: " + call.ids());
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            for (BrowserSession x : call.members()) {
                LiveCall.assertOneAudioOneVideoOut(x);
                Set<String> others = call.othersOf(x);
                LiveCall.assertDecodingRises(x, others, Duration.ofSeconds(3));
                RtcStats s = x.stats();
                assertEquals(others, s.inboundByParticipant("video").keySet(), x.label() + ": video from exactly the others\n" + s);
                assertEquals(others, s.inboundByParticipant("audio").keySet(), x.label() + ": audio from exactly the others\n" + s);
                assertFalse(x.remoteTiles().contains(call.id(x)), x.label() + ": no tile for itself");
                assertEquals(1, x.elements(".tile.local").size(), x.label() + ": one local preview");
            }
            assertEquals(Set.of(call.id(b), call.id(c)), a.remoteTiles());
        }
    }
}
