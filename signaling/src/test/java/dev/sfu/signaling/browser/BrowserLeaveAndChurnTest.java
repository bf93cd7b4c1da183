package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proof 3 of issue 4: a participant who leaves disappears from the others' grids and their
 * inbound streams stop within 2 s; ten join/leave cycles leave each client's SDP with no more
 * m-lines than the room's peak size needs (2 own + 2 per other participant at the peak).
 */
class BrowserLeaveAndChurnTest {
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("leave-churn");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    /** packetsReceived per inbound SSRC that {@code from} published, as {@code b} sees them. */
    private static Map<Object, Long> inboundPackets(BrowserSession b, Map<Object, String> ssrcOwners, String from) {
        Map<Object, Long> out = new HashMap<>();
        for (Map<String, Object> e : b.stats().ofType("inbound-rtp")) {
            Object ssrc = e.get("ssrc");
            if (from.equals(ssrcOwners.get(ssrc))) {
                out.put(ssrc, (long) RtcStats.number(e, "packetsReceived"));
            }
        }
        return out;
    }

    private static Map<Object, String> ssrcOwners(BrowserSession b) {
        Map<Object, String> owners = new HashMap<>();
        for (Map<String, Object> e : b.stats().ofType("inbound-rtp")) {
            if (e.get("participantId") != null) {
                owners.put(e.get("ssrc"), (String) e.get("participantId"));
            }
        }
        return owners;
    }

    @Test
    void leaverTileGoesAndItsInboundStreamsStopWithinTwoSeconds() {
        try (LiveCall call = new LiveCall(sfu, "leave")) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            BrowserSession c = call.join("Cy");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String cy = call.id(c);
            Map<Object, String> ownersA = ssrcOwners(a);
            Map<Object, String> ownersB = ssrcOwners(b);
            assertEquals(2, inboundPackets(a, ownersA, cy).size(), "Ada receives Cy's audio and video\n" + a.stats());

            call.leave(c);
            long leftAt = System.nanoTime();
            for (BrowserSession x : new BrowserSession[] {a, b}) {
                Duration left = TWO_SECONDS.minusNanos(System.nanoTime() - leftAt);
                Waits.until(left.isNegative() ? Duration.ZERO : left, x.label() + ": Cy's tile removed within 2 s",
                        () -> !x.remoteTiles().contains(cy));
            }
            Waits.sleep(TWO_SECONDS.minusNanos(System.nanoTime() - leftAt));
            Map<Object, Long> a2 = inboundPackets(a, ownersA, cy);
            Map<Object, Long> b2 = inboundPackets(b, ownersB, cy);
            Waits.sleep(Duration.ofSeconds(1));
            assertEquals(a2, inboundPackets(a, ownersA, cy), "Ada receives nothing more from Cy after 2 s");
            assertEquals(b2, inboundPackets(b, ownersB, cy), "Bob receives nothing more from Cy after 2 s");
            LiveCall.assertDecodingRises(a, Set.of(call.id(b)), Duration.ofSeconds(2));
            LiveCall.assertDecodingRises(b, Set.of(call.id(a)), Duration.ofSeconds(2));
        }
    }

    @Test
    void tenJoinLeaveCyclesKeepTheSdpBoundedByThePeakRoomSize() {
        try (LiveCall call = new LiveCall(sfu, "churn")) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            BrowserSession c = call.join("Cy");
            int peak = 3;
            int bound = 2 * peak;
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            for (int cycle = 1; cycle <= 10; cycle++) {
                String old = call.id(c);
                call.leave(c);
                for (BrowserSession x : new BrowserSession[] {a, b}) {
                    Waits.until(Duration.ofSeconds(5), x.label() + ": cycle " + cycle + " leave seen",
                            () -> !x.remoteTiles().contains(old));
                }
                String fresh = call.rejoin(c);
                for (BrowserSession x : new BrowserSession[] {a, b}) {
                    Waits.until(LiveCall.MEDIA, x.label() + ": cycle " + cycle + " decodes the rejoined Cy",
                            x::stats, s -> s.framesDecoded(fresh) > 0);
                    Waits.until(LiveCall.MEDIA, x.label() + ": cycle " + cycle + " negotiation settled",
                            () -> x.state("signaling"), "stable"::equals);
                    int mLines = x.mLineCount();
                    assertTrue(mLines <= bound, x.label() + ": cycle " + cycle + " has " + mLines
                            + " m-lines, more than 2 x peak " + peak + "\n" + x.localSdp());
                }
            }
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            for (BrowserSession x : call.members()) {
                LiveCall.assertDecodingRises(x, call.othersOf(x), Duration.ofSeconds(2));
            }
        }
    }
}
