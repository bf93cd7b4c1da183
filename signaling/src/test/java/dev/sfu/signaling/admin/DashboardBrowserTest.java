package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.forward.VideoConstraints;
import dev.sfu.core.room.Participant;
import dev.sfu.signaling.browser.BrowserSession;
import dev.sfu.signaling.browser.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /dashboard} in headless Chromium while rooms carry traffic of a known bitrate: synthetic
 * publishers push RTP through the real forwarding path (sfu-core rooms, transports without
 * sockets). The page must show each room's bitrate within 20 % of what is sent, sort rooms by
 * bitrate, draw the charts, and open a room to its participants, with the simulcast layers a
 * publisher sends and the layer each subscriber gets. Saves docs/images/dashboard.png.
 */
class DashboardBrowserTest {
    private static final long STANDUP_BPS = 1_200_000;
    /** design-review: carol sends q at 100 kbit/s and h at 200 kbit/s, not f; dave gets h, erin's tile is hidden. */
    private static final long DESIGN_Q_BPS = 100_000;
    private static final long DESIGN_H_BPS = 200_000;
    private static final long DESIGN_BPS = DESIGN_Q_BPS + DESIGN_H_BPS;

    /** Parses what a table cell shows ("1.20 Mbit/s", "300 kbit/s") back into bits/s. */
    static double shownBitrate(String text) {
        String[] p = text.strip().split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "Gbit/s" -> v * 1e9;
            case "Mbit/s" -> v * 1e6;
            case "kbit/s" -> v * 1e3;
            default -> v;
        };
    }

    private static boolean within20(double shown, double sent) {
        return Math.abs(shown - sent) <= 0.2 * sent;
    }

    @Test
    void dashboardShowsRoomBitratesWithin20PercentOfWhatIsSent() throws Exception {
        BrowserSession.assumeAvailable();
        try (AdminServer s = new AdminServer(AdminConfig.open())) {
            Participant alice = s.rooms.join("standup", "alice");
            SyntheticRooms.publishVideo(alice, 0x1111);
            s.rooms.join("standup", "bob");
            Participant carol = s.rooms.join("design-review", "carol");
            SyntheticRooms.publishSimulcast(carol);
            Participant dave = s.rooms.join("design-review", "dave");
            dave.downTracks().get(0).setConstraints(new VideoConstraints(640, 360, true));
            Participant erin = s.rooms.join("design-review", "erin");
            erin.downTracks().get(0).setConstraints(new VideoConstraints(320, 180, false));
            s.rooms.join("lobby", "frank");
            s.rooms.manager.scheduler().start(); // Layer allocation, as on a server.
            List<SyntheticRooms.Layer> layers = List.of(new SyntheticRooms.Layer("q", 0x2222, 320, 180),
                    new SyntheticRooms.Layer("h", 0x2223, 640, 360));
            try (SyntheticRooms.Pump p1 = new SyntheticRooms.Pump(alice, 0x1111, STANDUP_BPS, 1100);
                 SyntheticRooms.Pump p2 = new SyntheticRooms.Pump(carol, layers, new long[] {DESIGN_Q_BPS, DESIGN_H_BPS}, 800);
                 BrowserSession b = BrowserSession.start("dashboard", "--window-size=1440,900")) {
                b.driver().get(s.base() + "/dashboard");
                String row = "#rooms tbody tr[data-room=\"standup\"]";
                Double in = Waits.until(Duration.ofSeconds(20), "standup's bitrate in on the dashboard",
                        () -> shownBitrate(b.element(row + " td.in").getText()), v -> within20(v, STANDUP_BPS));
                // The table is redrawn every second: read it in one script, not element by element.
                double out = shownBitrate((String) b.js("return document.querySelector(arguments[0]).textContent;", row + " td.out"));
                assertTrue(within20(out, STANDUP_BPS), "one subscriber receives it all: " + out);
                Waits.until(Duration.ofSeconds(10), "design-review at 300 kbit/s in, 200 out (dave gets h, erin nothing)",
                        () -> b.element("#rooms tbody tr[data-room=\"design-review\"] td.out").getText(),
                        t -> within20(shownBitrate(t), DESIGN_H_BPS) && within20(shownBitrate(
                                b.element("#rooms tbody tr[data-room=\"design-review\"] td.in").getText()), DESIGN_BPS));
                long exact = Long.parseLong((String) b.js("return document.querySelector(arguments[0]).dataset.bitrateIn;", row));
                assertTrue(within20(exact, STANDUP_BPS), "data-bitrate-in " + exact);
                System.out.printf("dashboard: standup sent %d bit/s, shown %.0f bit/s (%.1f %%)%n",
                        STANDUP_BPS, in, 100.0 * (in - STANDUP_BPS) / STANDUP_BPS);

                assertEquals(List.of("standup", "design-review", "lobby"), b.js(
                        "return [...document.querySelectorAll('#rooms tbody tr')].map(r => r.dataset.room);"), "sorted by bitrate");

                Waits.until(Duration.ofSeconds(10), "the nodes table: this node alone, live, with its 6 participants",
                        () -> b.js("const r = document.querySelectorAll('#nodes tbody tr');"
                                + "return r.length === 1 ? [r[0].dataset.node, r[0].dataset.state, r[0].children[3].textContent] : null;"),
                        List.of(AdminServer.NODE + " (this node)", "live", "6")::equals);

                Waits.until(Duration.ofSeconds(10), "both charts drawing every room with traffic",
                        () -> b.js("const c = Chart.getChart(document.getElementById('chart-in'));"
                                + "return c ? c.data.datasets.length : 0;"), n -> ((Number) n).intValue() >= 2);
                assertTrue(((Number) b.js("return window.dashboardState.events;")).intValue() >= 1);

                b.js("document.querySelector(arguments[0]).click();", row);
                Waits.until(Duration.ofSeconds(10), "alice's up bitrate in the room view",
                        () -> b.element("#participants tbody tr[data-participant=\"alice\"] td.up").getText(),
                        t -> within20(shownBitrate(t), STANDUP_BPS));
                Waits.until(Duration.ofSeconds(5), "bob's down bitrate in the room view",
                        () -> b.element("#participants tbody tr[data-participant=\"bob\"] td.down").getText(),
                        t -> within20(shownBitrate(t), STANDUP_BPS));
                assertEquals("connected", b.js("return document.querySelector("
                        + "'#participants tbody tr[data-participant=\"bob\"] td:nth-child(2)').textContent;"));

                // The simulcast room: carol's layers with their bitrates, what dave and erin get.
                b.js("document.querySelector('#rooms tbody tr[data-room=\"design-review\"]').click();");
                String carolQ = "#participants tr[data-media-of=\"carol\"] .layer[data-rid=\"q\"]";
                Waits.until(Duration.ofSeconds(10), "carol's q layer near 100 kbit/s, 320x180",
                        () -> b.element(carolQ).getText(),
                        t -> t.startsWith("q ") && t.endsWith("320×180")
                                && within20(shownBitrate(t.substring(2, t.lastIndexOf(' '))), DESIGN_Q_BPS));
                assertEquals(List.of("q", "h", "f"), b.js("return [...document.querySelectorAll("
                        + "'#participants tr[data-media-of=\"carol\"] .layer')].map(e => e.dataset.rid);"));
                assertEquals("f off", b.js("return document.querySelector("
                        + "'#participants tr[data-media-of=\"carol\"] .layer[data-rid=\"f\"]').textContent;"));
                Waits.until(Duration.ofSeconds(5), "dave receives h",
                        () -> b.js("return document.querySelector('#participants tr[data-media-of=\"dave\"] .recv').dataset.rid;"),
                        "h"::equals);
                assertEquals("paused (hidden)", b.js("return document.querySelector("
                        + "'#participants tr[data-media-of=\"erin\"] .recv .badge.paused').textContent;"));
                // The downlink chart: dave's allocation and what he was sent, one point per snapshot.
                b.js("document.querySelector('#participants tbody tr[data-participant=\"dave\"]').click();");
                Waits.until(Duration.ofSeconds(10), "dave's downlink charted: allocated and sent near 200 kbit/s",
                        () -> b.js("const c = Chart.getChart(document.getElementById('chart-downlink'));"
                                + "if (!c || document.getElementById('downlink-who').textContent !== 'dave') return null;"
                                + "const at = (l) => c.data.datasets.find(d => d.label === l)?.data.at(-1);"
                                + "return [at('allocated'), at('sent')];"),
                        v -> v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number a
                                && l.get(1) instanceof Number sent && a.doubleValue() > 0
                                && within20(sent.doubleValue(), DESIGN_H_BPS));
                assertEquals("–", b.js("return document.querySelector("
                        + "'#participants tbody tr[data-participant=\"dave\"] td.estimate').textContent;"),
                        "no transport-cc from a synthetic subscriber: no estimate");
                // Let the charts gather a few more seconds before the picture.
                Waits.sleep(Duration.ofSeconds(6));
                b.screenshot(BrowserSession.docsScreenshot("dashboard.png"));
            }
        }
    }
}
