package dev.sfu.bench.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.signaling.Server;
import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.cluster.Placement;
import dev.sfu.signaling.cluster.RoomPlacement;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.ice.IceServersConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --server A,B}: two in-JVM servers on loopback whose placements say room nodes-1 lives on
 * B and room nodes-2 on A. Participant i of each room starts at server i mod 2, so in each room one
 * participant starts on the wrong node, follows the redirect, and joins where the room lives; both
 * receive each other, and the report counts, per node, who joined there and who was redirected.
 */
class LoadTestAcrossNodesTest {
    private Server a;
    private Server b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** Rooms listed in {@code elsewhere} live at that URL; every other room here. */
    private static RoomPlacement placement(String self, Map<String, String> elsewhere) {
        return new RoomPlacement() {
            @Override
            public CompletionStage<Placement> place(String room) {
                String url = elsewhere.get(room);
                return CompletableFuture.completedFuture(url == null ? Placement.here(self) : new Placement("other", url));
            }

            @Override
            public void roomClosed(String room) {
            }
        };
    }

    @Test
    @Timeout(120)
    void participantsSpreadRoundRobinFollowRedirectsAndAreReportedPerNode() throws Exception {
        Map<String, String> fromA = new ConcurrentHashMap<>();
        Map<String, String> fromB = new ConcurrentHashMap<>();
        a = Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                AccessControl.defaults(), placement("a", fromA));
        b = Server.start(ServerConfig.loopback(0), AdminConfig.open(), null, IceServersConfig.none(),
                AccessControl.defaults(), placement("b", fromB));
        String wsA = "ws://127.0.0.1:" + a.httpPort() + "/ws";
        String wsB = "ws://127.0.0.1:" + b.httpPort() + "/ws";
        fromA.put("nodes-1", wsB);
        fromB.put("nodes-2", wsA);

        LoadTestOptions o = LoadTestOptions.parse("--server", "http://127.0.0.1:" + a.httpPort() + ",http://127.0.0.1:"
                + b.httpPort(), "--rooms", "2", "--room-prefix", "nodes", "--publishers", "2", "--ramp-up", "10",
                "--video-kbps", "300", "--duration", "3", "--warmup", "0", "--quiet", "--connect-timeout", "30",
                "--max-tester-lag-ms", "1000");
        assertEquals(URI.create(wsA), o.webSocketUri(0));
        assertEquals(URI.create(wsB), o.webSocketUri(1));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        RunReport r = new LoadRun(o, out).run();
        ReportPrinter.print(r, out);
        String report = text.toString(StandardCharsets.UTF_8);

        assertEquals(List.of(), r.failures(), report);
        assertEquals(4, r.total().connected(), report);
        assertTrue(r.total().lossPercent() < 1.0, report);
        assertEquals(0, r.total().streamsNeverReceived(), "each receives the other in its room: " + report);
        assertEquals(2, r.nodes().size(), report);
        for (RunReport.Node n : r.nodes()) {
            assertEquals(2, n.joinedThere(), "one room per node, both its participants there: " + report);
            assertEquals(1, n.redirected(), "one of them after a redirect: " + report);
            assertTrue(n.figures().packetsReceived() > 0, report);
        }
        assertEquals(java.util.Set.of(wsA, wsB), r.nodes().stream().map(RunReport.Node::node)
                .collect(java.util.stream.Collectors.toSet()), report);
        assertTrue(report.contains("Per node (by the node each participant joined): 4 joins, 2 of them after a "
                + "redirect"), report);
    }
}
