package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.room.Participant;
import dev.sfu.core.room.Room;
import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.Placement;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, a page that joins through a node that does not host the room: two in-JVM servers on
 * loopback, A and B, whose placement says room {@value #ROOM} lives on B. Chromium Ada loads A's
 * page and joins there; A answers {@code redirect} and the page, unnoticed, joins on B (its
 * WebSocket crosses origins: page from A, socket to B). Chromium Bob joins on B directly. Each
 * decodes the other's video and hears the other's audio; A holds nobody, B both.
 */
class BrowserRedirectToHostingNodeTest {
    private static final String ROOM = "hosted-on-b";
    private static Server a;
    private static Server b;

    /** Every room on this node, except {@link #ROOM}, which lives at {@code url}. */
    private static RoomPlacement roomOn(String url) {
        return new RoomPlacement() {
            @Override
            public CompletionStage<Placement> place(String room) {
                return CompletableFuture.completedFuture(ROOM.equals(room) ? new Placement("node-b", url)
                        : Placement.here("node-a"));
            }

            @Override
            public void roomClosed(String room) {
            }
        };
    }

    @BeforeAll
    static void startNodes() throws Exception {
        BrowserSession.assumeAvailable();
        b = Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                AccessControl.defaults(), RoomPlacement.SINGLE_NODE);
        a = Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                AccessControl.defaults(), roomOn("ws://127.0.0.1:" + b.httpPort() + "/ws"));
    }

    @AfterAll
    static void stopNodes() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static List<String> participants(Server node) {
        Room r = node.rooms().rooms().room(ROOM);
        return r == null ? List.of() : r.participants().stream().map(Participant::id).toList();
    }

    private static BrowserSession joinThrough(Server node, String name) {
        BrowserSession s = BrowserSession.start(name);
        s.open("http://127.0.0.1:" + node.httpPort() + "/?room=" + ROOM + "&capture=640x360");
        s.type("#name", name);
        s.click("#join");
        return s;
    }

    @Test
    void aPageJoiningThroughAnotherNodeIsRedirectedToTheHostingNodeAndDecodesTheOthers() {
        try (BrowserSession ada = joinThrough(a, "Ada"); BrowserSession bob = joinThrough(b, "Bob")) {
            String adaId = ada.awaitJoined(LiveCall.JOIN);
            String bobId = bob.awaitJoined(LiveCall.JOIN);
            assertEquals(Set.of(adaId, bobId), Set.copyOf(participants(b)), "B hosts both");
            assertEquals(List.of(), participants(a), "A hosts nobody");

            Number redirects = (Number) ada.counters().get("redirects");
            assertEquals(1, redirects.intValue(), "Ada's page followed one redirect");
            assertEquals(0, ((Number) bob.counters().get("redirects")).intValue());
            assertEquals("ws://127.0.0.1:" + b.httpPort() + "/ws", ada.js("return window.sfu.call.url"),
                    "Ada's WebSocket is B's");
            assertEquals(List.of(), ada.counters().get("errors"), "no error on the way");
            List<String> console = ada.consoleLog();
            assertTrue(console.stream().anyMatch(l -> l.contains("hosted by node node-b")),
                    "the redirect is logged to the console: " + console);

            for (BrowserSession s : List.of(ada, bob)) {
                s.awaitConnected(LiveCall.MEDIA);
                String other = s == ada ? bobId : adaId;
                Waits.until(LiveCall.MEDIA, s.label() + ": video decoded from " + other, s::stats,
                        st -> st.framesDecoded(other) > 0);
            }
            LiveCall.assertDecodingRises(ada, Set.of(bobId), Duration.ofSeconds(2));
            LiveCall.assertDecodingRises(bob, Set.of(adaId), Duration.ofSeconds(2));
            assertEquals(List.of(), participants(a), "still nobody on A");
        }
    }
}
