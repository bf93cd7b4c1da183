package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * Issue 13's browser proof, with a real bottleneck: three Chromiums in a call (simulcast on, as
 * the page publishes by default), one of them (Cy) in a network namespace whose downlink a token
 * bucket limits to 800 kbit/s ({@link BottleneckLink}). Cy must decode every remote video
 * smoothly (at least 15 fps, under 1 s frozen, under 5 % loss over a 20 s window), while Ada and
 * Bob still receive each other's high layer (the one their tiles ask for, as without a limit);
 * when the limit is lifted, Cy is back within 15 s on the layer its tiles ask for (the top one).
 * Every browser publishes the page's default 1280x720 camera as three layers (q/h/f), as users'
 * browsers do; Cy's full-HD window asks for two top layers, which do not fit 800 kbit/s.
 * Everything is read from getStats(); the figures of every browser, in both directions, and the
 * bottleneck's own drop counters are printed so that a failure says what broke. Before congestion
 * control this fails as issue 13 measured (docs/testing.md, "A real bottleneck").
 */
class BrowserBandwidthLimitTest {
    private static final int LIMIT_KBIT = 800;
    /**
     * Cy's window: a full-HD desktop, whose tiles ask for the top layer (1280x720), as the issue's
     * user on a slow link would see it. Two top layers of the page's camera (about 0.6-0.8 Mbit/s
     * each with Chromium's fake camera) do not fit 800 kbit/s; two middle layers do. Ada and Bob
     * keep the 1280x800 default, whose tiles ask for the middle layer (640x360), which keeps three
     * browsers affordable on a small machine.
     */
    private static final Dimension CY_WINDOW = new Dimension(1920, 1080);
    private static final Duration SWITCH = Duration.ofSeconds(20);
    /** Time the server is given to fit the limit before the measurement starts. */
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final Duration SAMPLE = Duration.ofSeconds(2);
    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final Duration RECOVERY = Duration.ofSeconds(15);
    private static final double MIN_FPS = 15;
    private static final double MAX_FROZEN_SECONDS = 1.0;
    private static final double MAX_LOSS_PERCENT = 5;

    private static BottleneckLink link;
    private static LiveSfu sfu;

    @BeforeAll
    static void startServerBehindLink() {
        // In the suite; -Dsfu.test.bottleneck=false leaves it out (it takes 60-80 s).
        org.junit.jupiter.api.Assumptions.assumeFalse("false".equals(System.getProperty("sfu.test.bottleneck")),
                "the 800 kbit/s bottleneck browser test is left out with -Dsfu.test.bottleneck=false");
        link = BottleneckLink.create("bandwidth");
        sfu = LiveSfu.startBoundTo("bandwidth", link.hostAddress());
    }

    @AfterAll
    static void stopServerAndDeleteLink() {
        try {
            if (sfu != null) {
                sfu.close();
            }
        } finally {
            if (link != null) {
                link.close();
            }
        }
    }

    /**
     * One call, and a second with fresh browsers only when the first fails; both failures are
     * reported. Three Chromiums each encoding three layers share this machine's two cores with
     * the server: in 1 of 17 runs (2026-12-06) the publishers' encoders fell to 640x360 at 16 fps
     * with a key frame every 1.2 s, and every browser, the two unlimited ones included, froze
     * for 4 s of the window. The test fails when the second call fails too.
     */
    @Test
    void browserBehind800KbitDecodesEveryVideoSmoothlyOthersKeepHighLayerAndItRecoversWhenLifted() {
        try {
            oneCall("bottleneck");
            return;
        } catch (AssertionError first) {
            System.out.println("first call failed; a second call, with fresh browsers:\n" + first.getMessage());
            link.lift();
            try {
                oneCall("bottleneck-again");
            } catch (AssertionError second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private void oneCall(String room) {
        String secure = sfu.secureOriginFlag();
        try (LiveCall call = new LiveCall(sfu, room, name -> name.equals("Cy")
                ? link.startBrowser(name, secure, "--window-size=" + CY_WINDOW.width + "," + CY_WINDOW.height)
                : BrowserSession.start(name, secure))) {
            BrowserSession ada = call.joinWithPageDefaults("Ada");
            BrowserSession bob = call.joinWithPageDefaults("Bob");
            BrowserSession cy = call.joinWithPageDefaults("Cy");
            cy.driver().manage().window().setSize(CY_WINDOW);
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            String adaId = call.id(ada);
            String bobId = call.id(bob);
            Set<String> cyRemotes = call.othersOf(cy);

            // Unlimited, everyone gets the layer their tiles ask for: the starting point.
            for (BrowserSession b : call.members()) {
                Set<String> from = call.othersOf(b);
                try {
                    Waits.until(SWITCH, b.label() + " (unlimited): every remote video on the layer its tile asks for",
                            () -> widths(b, from), w -> onWantedLayers(b, publishers(call), w));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nserver:\n" + sfu.downlinks(room), e);
                }
            }

            link.limitDownlink(LIMIT_KBIT);
            List<String> failures = new ArrayList<>();
            StringBuilder report = new StringBuilder("\n=== Bottleneck " + LIMIT_KBIT + " kbit/s toward Cy ("
                    + link.hostInterface() + ": tbf burst " + BottleneckLink.TBF_BURST + " latency "
                    + BottleneckLink.TBF_LATENCY + ") ===\n");
            // Cy's video fits once every remote video decodes smoothly over a short sample; if it
            // never does, the window below measures (and reports) what Cy gets instead.
            long limitedAt = System.nanoTime();
            try {
                Waits.until(SETTLE, "Cy: every remote video smooth over " + SAMPLE.toSeconds() + " s behind the limit",
                        () -> sample(cy, cyRemotes), BrowserBandwidthLimitTest::smooth);
                report.append(String.format("settled after %.1f s%n", (System.nanoTime() - limitedAt) / 1e9));
            } catch (AssertionError e) {
                report.append("did not settle in ").append(SETTLE.toSeconds()).append(" s: ").append(e.getMessage()).append('\n');
            }

            // Rates come from each report's own timestamps; the bottleneck's counters are read
            // right next to Cy's stats, so both cover the same time.
            Map<BrowserSession, RtcStats> start = read(call, cy, true);
            BottleneckLink.TbfCounters tbfStart = link.counters();
            long windowStart = System.nanoTime();
            Waits.sleep(WINDOW);
            BottleneckLink.TbfCounters tbf = link.counters().minus(tbfStart);
            double tbfSeconds = (System.nanoTime() - windowStart) / 1e9;
            Map<BrowserSession, RtcStats> end = read(call, cy, false);
            report.append(String.format("bottleneck over %.1f s: %s, %.0f kbit/s passed%n", tbfSeconds, tbf,
                    tbf.bytes() * 8 / 1000.0 / tbfSeconds));
            report.append(figures(call, start, end));
            report.append("server:\n").append(sfu.downlinks(room));
            report.append("Cy's tiles: ").append(cy.js("return JSON.stringify(window.sfu.lastVideoTiles)"))
                    .append(", asking for widths ").append(wantedWidths(cy, call)).append('\n');

            for (String from : cyRemotes) {
                StatsWindow.InboundVideo v = StatsWindow.inbound(start.get(cy), end.get(cy), from);
                if (v.fps() < MIN_FPS) {
                    failures.add(String.format("Cy decodes %s at %.1f fps behind the limit (want >= %.0f; %s)",
                            from, v.fps(), MIN_FPS, encodeRate(start, end, call, from)));
                }
                if (v.frozenSeconds() >= MAX_FROZEN_SECONDS) {
                    failures.add(String.format("Cy: %s frozen %.2f s in %d freezes over %d s (want < %.1f s)",
                            from, v.frozenSeconds(), v.freezes(), WINDOW.toSeconds(), MAX_FROZEN_SECONDS));
                }
                if (v.lossPercent() >= MAX_LOSS_PERCENT) {
                    failures.add(String.format("Cy: %s loses %.1f %% of its packets (want < %.0f %%)", from, v.lossPercent(), MAX_LOSS_PERCENT));
                }
            }
            checkWantedLayer(ada, bob, bobId, start, end, failures);
            checkWantedLayer(bob, ada, adaId, start, end, failures);

            link.lift();
            long liftedAt = System.nanoTime();
            Map<String, Long> framesAtLift = frames(cy, cyRemotes);
            try {
                Waits.until(RECOVERY, "Cy (limit lifted): every remote video back on the layer its tile asks for, decoding",
                        () -> widths(cy, cyRemotes), w -> onWantedLayers(cy, publishers(call), w) && decodedSince(cy, framesAtLift));
                report.append(String.format("limit lifted: Cy back on the wanted layers after %.1f s: %s%n",
                        (System.nanoTime() - liftedAt) / 1e9, widths(cy, cyRemotes)));
            } catch (AssertionError e) {
                failures.add("limit lifted: " + e.getMessage() + "; tiles " + cy.js("return JSON.stringify(window.sfu.lastVideoTiles)"));
            }
            System.out.println(report);
            assertTrue(failures.isEmpty(), String.join("\n", failures) + "\n" + report);
        }
    }

    private static Map<String, Integer> wantedWidths(BrowserSession b, LiveCall call) {
        Map<String, Integer> out = new LinkedHashMap<>();
        publishers(call).forEach((id, p) -> {
            if (p != b) {
                out.put(id, wantedWidth(b, id, p));
            }
        });
        return out;
    }

    private static Map<String, BrowserSession> publishers(LiveCall call) {
        Map<String, BrowserSession> out = new LinkedHashMap<>();
        for (BrowserSession b : call.members()) {
            out.put(call.id(b), b);
        }
        return out;
    }

    /**
     * Records a failure unless {@code receiver} decoded {@code publisher}'s video over the window
     * on the layer its tile asks for (the high layer for a desktop window's tile), at 15 fps or,
     * where the publisher's machine cannot encode that fast, at 3/4 of what it encodes: the limit
     * toward Cy must change nothing for the others, but a busy CPU is not the server's doing.
     */
    private static void checkWantedLayer(BrowserSession receiver, BrowserSession publisher, String publisherId,
                                         Map<BrowserSession, RtcStats> start, Map<BrowserSession, RtcStats> end,
                                         List<String> failures) {
        StatsWindow.InboundVideo v = StatsWindow.inbound(start.get(receiver), end.get(receiver), publisherId);
        int wanted = wantedWidth(receiver, publisherId, publisher);
        double encoded = StatsWindow.outbound(start.get(publisher), end.get(publisher)).stream()
                .mapToDouble(StatsWindow.OutboundLayer::fps).max().orElse(0);
        double minFps = Math.min(MIN_FPS, 0.75 * encoded);
        if (v.width() < wanted || wanted == 0 || v.fps() < minFps || v.fps() == 0) {
            failures.add(String.format("%s receives %s at %dx%d %.1f fps during the limit (want the layer its tile asks for, "
                            + "%d wide, >= %.1f fps; %s)", receiver.label(), publisher.label(), v.width(), v.height(), v.fps(),
                    wanted, minFps, encodeRate(start, end, publisher)));
        }
    }

    /** How fast a publisher encoded each layer over the window, to tell a starved CPU from a starved link. */
    private static String encodeRate(Map<BrowserSession, RtcStats> start, Map<BrowserSession, RtcStats> end, BrowserSession publisher) {
        return publisher.label() + " encodes " + StatsWindow.outbound(start.get(publisher), end.get(publisher)).stream()
                .filter(l -> l.kbps() > 0).map(l -> String.format("%s at %.1f fps", l.rid(), l.fps()))
                .collect(Collectors.joining(", "));
    }

    private static String encodeRate(Map<BrowserSession, RtcStats> start, Map<BrowserSession, RtcStats> end,
                                     LiveCall call, String publisherId) {
        return call.members().stream().filter(b -> call.id(b).equals(publisherId)).findFirst()
                .map(p -> encodeRate(start, end, p)).orElse("publisher unknown");
    }

    /** Cy's received videos over a short sample. */
    private static List<StatsWindow.InboundVideo> sample(BrowserSession b, Set<String> from) {
        RtcStats before = b.stats();
        Waits.sleep(SAMPLE);
        RtcStats after = b.stats();
        return from.stream().map(id -> StatsWindow.inbound(before, after, id)).toList();
    }

    private static boolean smooth(List<StatsWindow.InboundVideo> videos) {
        return videos.stream().allMatch(v -> v.fps() >= MIN_FPS && v.lossPercent() < MAX_LOSS_PERCENT && v.frozenSeconds() == 0);
    }

    /** Every member's stats, {@code limited}'s last (at a window's start) or first (at its end). */
    private static Map<BrowserSession, RtcStats> read(LiveCall call, BrowserSession limited, boolean limitedLast) {
        Map<BrowserSession, RtcStats> out = new LinkedHashMap<>();
        if (!limitedLast) {
            out.put(limited, limited.stats());
        }
        for (BrowserSession b : call.members()) {
            if (b != limited) {
                out.put(b, b.stats());
            }
        }
        if (limitedLast) {
            out.put(limited, limited.stats());
        }
        return out;
    }

    /** Every browser's figures over the window, both directions. */
    private static String figures(LiveCall call, Map<BrowserSession, RtcStats> start, Map<BrowserSession, RtcStats> end) {
        StringBuilder out = new StringBuilder();
        for (BrowserSession b : call.members()) {
            RtcStats s = start.get(b);
            RtcStats e = end.get(b);
            out.append(b.label()).append(" (").append(call.id(b)).append("): ").append(StatsWindow.estimates(e)).append('\n');
            for (StatsWindow.OutboundLayer l : StatsWindow.outbound(s, e)) {
                out.append("  sends    ").append(l).append('\n');
            }
            for (String from : call.othersOf(b)) {
                out.append("  receives ").append(StatsWindow.inbound(s, e, from)).append('\n');
            }
        }
        return out.toString();
    }

    private static Map<String, Integer> widths(BrowserSession b, Set<String> from) {
        RtcStats s = b.stats();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String id : from) {
            out.put(id, width(s, id));
        }
        return out;
    }

    private static Map<String, Long> frames(BrowserSession b, Set<String> from) {
        RtcStats s = b.stats();
        Map<String, Long> out = new LinkedHashMap<>();
        for (String id : from) {
            out.put(id, s.framesDecoded(id));
        }
        return out;
    }

    /** Whether {@code b} decoded at least a second's worth of frames of each video since {@code before}. */
    private static boolean decodedSince(BrowserSession b, Map<String, Long> before) {
        RtcStats s = b.stats();
        return before.entrySet().stream().allMatch(e -> s.framesDecoded(e.getKey()) >= e.getValue() + (long) MIN_FPS);
    }

    /** Whether every received width is at least that of the layer its tile asks for. */
    private static boolean onWantedLayers(BrowserSession b, Map<String, BrowserSession> publishers, Map<String, Integer> widths) {
        return widths.entrySet().stream().allMatch(e -> {
            int wanted = wantedWidth(b, e.getKey(), publishers.get(e.getKey()));
            return wanted > 0 && e.getValue() >= wanted;
        });
    }

    /**
     * The width {@code b} should decode of {@code publisherId}'s video without a limit: the layer
     * the server picks for the tile the page last sent (LayerAllocator: the smallest layer whose
     * width or height covers the tile's, else the largest), at the width the publisher encodes
     * that layer now (a busy machine makes Chromium scale its camera down, 1280 to 960 say);
     * 0 while the tile or the layers are unknown.
     */
    @SuppressWarnings("unchecked")
    private static int wantedWidth(BrowserSession b, String publisherId, BrowserSession publisher) {
        List<Number> tile = (List<Number>) b.js("""
                const video = window.sfu.remoteTracks().find((t) => t.participantId === arguments[0] && t.kind === 'video');
                const tiles = window.sfu.lastVideoTiles || [];
                const t = video && tiles.find((x) => x.mid === video.mid);
                return t ? [t.width, t.height] : [];
                """, publisherId);
        List<List<Object>> layers = publishedLayers(publisher);
        if (tile.size() < 2 || layers.isEmpty()) {
            return 0;
        }
        List<Object> wanted = layers.get(layers.size() - 1);
        for (List<Object> layer : layers) {
            if (((Number) layer.get(1)).intValue() >= tile.get(0).intValue()
                    || ((Number) layer.get(2)).intValue() >= tile.get(1).intValue()) {
                wanted = layer;
                break;
            }
        }
        String rid = String.valueOf(wanted.get(0));
        int nominal = ((Number) wanted.get(1)).intValue();
        int encoded = publisher.stats().outbound("video").stream().filter(e -> rid.equals(String.valueOf(e.get("rid"))))
                .mapToInt(e -> (int) RtcStats.number(e, "frameWidth")).max().orElse(0);
        return encoded > 0 ? Math.min(encoded, nominal) : nominal;
    }

    /**
     * Every simulcast layer the publisher's camera is configured to send, as [rid, width,
     * height] at the camera's size, whether or not dynacast has switched it off just now,
     * smallest first.
     */
    @SuppressWarnings("unchecked")
    private static List<List<Object>> publishedLayers(BrowserSession publisher) {
        return (List<List<Object>>) publisher.js("""
                const s = window.sfu.pc && window.sfu.pc.getSenders().find((x) => x.track && x.track.kind === 'video');
                if (!s) return [];
                const st = s.track.getSettings();
                return s.getParameters().encodings.map((e) => [String(e.rid), Math.round(st.width / (e.scaleResolutionDownBy || 1)),
                  Math.round(st.height / (e.scaleResolutionDownBy || 1))]).sort((a, b) => a[1] - b[1]);
                """);
    }

    private static int width(RtcStats s, String participantId) {
        return s.inbound(participantId, "video").map(e -> (int) RtcStats.number(e, "frameWidth")).orElse(0);
    }
}
