package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Browsers in one room of a {@link LiveSfu}: join, wait for media, and measure it. Closing it
 * closes every browser it started, even when a test fails half-way.
 */
public final class LiveCall implements AutoCloseable {
    /** Joining includes a cold Chromium, getUserMedia, ICE and DTLS on a loaded machine. */
    public static final Duration JOIN = Duration.ofSeconds(30);
    public static final Duration MEDIA = Duration.ofSeconds(20);

    private final LiveSfu sfu;
    private final String room;
    private final Function<String, BrowserSession> launcher;
    private final Map<String, BrowserSession> byId = new LinkedHashMap<>();
    private final List<BrowserSession> all = new ArrayList<>();

    public LiveCall(LiveSfu sfu, String room) {
        this(sfu, room, BrowserSession::start);
    }

    /** A call whose browsers are started by {@code launcher} (given the participant's name). */
    public LiveCall(LiveSfu sfu, String room, Function<String, BrowserSession> launcher) {
        this.sfu = sfu;
        this.room = room;
        this.launcher = launcher;
    }

    /** Starts a browser, joins the room as {@code name}, and waits until joined; returns it. */
    public BrowserSession join(String name, String... initScripts) {
        // A 640x360 camera (two simulcast layers at most) keeps several browsers affordable on two cores.
        return joinWithQuery(name, "&capture=640x360", initScripts);
    }

    /**
     * Like {@link #join}, but with the page's default camera (1280x720, published as three
     * simulcast layers q/h/f), as a user's browser joins: for tests where the bitrate matters.
     */
    public BrowserSession joinWithPageDefaults(String name) {
        return joinWithQuery(name, "");
    }

    private BrowserSession joinWithQuery(String name, String query, String... initScripts) {
        BrowserSession b = launcher.apply(name);
        all.add(b);
        for (String s : initScripts) {
            b.addInitScript(s);
        }
        b.open(sfu.baseUrl() + "?room=" + room + query);
        b.type("#name", name);
        b.click("#join");
        byId.put(b.awaitJoined(JOIN), b);
        return b;
    }

    /** Rejoins with a browser that left (the landing page still has the name and room). */
    public String rejoin(BrowserSession b) {
        byId.values().remove(b);
        Waits.until(JOIN, b.label() + ": back on the landing page", () -> b.element("#join").isDisplayed());
        b.click("#join");
        String id = b.awaitJoined(JOIN);
        byId.put(id, b);
        return id;
    }

    /** Clicks Leave in {@code b}; it stays open on the landing page. */
    public void leave(BrowserSession b) {
        byId.values().remove(b);
        b.click("#leave");
    }

    public String id(BrowserSession b) {
        return byId.entrySet().stream().filter(e -> e.getValue() == b).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError(b.label() + " is not in the room"));
    }

    public Set<String> ids() {
        return Set.copyOf(byId.keySet());
    }

    public List<BrowserSession> members() {
        return List.copyOf(byId.values());
    }

    public Set<String> othersOf(BrowserSession b) {
        String own = id(b);
        return byId.keySet().stream().filter(id -> !id.equals(own)).collect(Collectors.toSet());
    }

    /** Waits until every member is connected, shows a tile for each other member and decodes their video. */
    public void awaitEveryoneDecodingEveryone(Duration timeout) {
        for (BrowserSession b : members()) {
            b.awaitConnected(timeout);
            Set<String> others = othersOf(b);
            Waits.until(timeout, b.label() + ": tiles for " + others, b::remoteTiles, others::equals);
            Waits.until(timeout, b.label() + ": video decoded from " + others, b::stats,
                    s -> others.stream().allMatch(id -> s.framesDecoded(id) > 0));
        }
    }

    /**
     * Asserts that {@code b} decodes each of {@code from}: framesDecoded and totalAudioEnergy both
     * rise over {@code window}.
     */
    public static void assertDecodingRises(BrowserSession b, Set<String> from, Duration window) {
        RtcStats before = b.stats();
        Waits.sleep(window);
        RtcStats after = b.stats();
        for (String id : from) {
            assertTrue(after.framesDecoded(id) > before.framesDecoded(id),
                    b.label() + ": framesDecoded from " + id + " rising over " + window.toMillis() + " ms: "
                            + before.framesDecoded(id) + " -> " + after.framesDecoded(id) + "\n" + after);
            assertTrue(after.totalAudioEnergy(id) > before.totalAudioEnergy(id),
                    b.label() + ": totalAudioEnergy from " + id + " rising: "
                            + before.totalAudioEnergy(id) + " -> " + after.totalAudioEnergy(id) + "\n" + after);
        }
    }

    /**
     * Asserts exactly one outbound audio stream and one outbound video track (one m-line: its
     * simulcast encodings, when the server accepts them, are streams of that one track), both sending.
     */
    public static void assertOneAudioOneVideoOut(BrowserSession b) {
        RtcStats s = Waits.until(MEDIA, b.label() + ": outbound audio and video bytes", b::stats,
                x -> x.bytesSent("audio") > 0 && x.bytesSent("video") > 0);
        assertEquals(1, s.outbound("audio").size(), b.label() + ": outbound audio streams\n" + s);
        assertEquals(1, s.outboundMids("video").size(), b.label() + ": outbound video m-lines\n" + s);
    }

    /** The average colour of a remote participant's tile video, as [r, g, b] 0-255. */
    @SuppressWarnings("unchecked")
    public static List<Number> tileColour(BrowserSession b, String participantId) {
        return (List<Number>) b.js("""
                const v = document.querySelector(`.tile[data-participant="${arguments[0]}"] video`);
                if (!v || v.videoWidth === 0) return [0, 0, 0];
                const c = document.createElement('canvas'); c.width = 32; c.height = 24;
                const g = c.getContext('2d'); g.drawImage(v, 0, 0, 32, 24);
                const d = g.getImageData(0, 0, 32, 24).data; const sum = [0, 0, 0];
                for (let i = 0; i < d.length; i += 4) { sum[0] += d[i]; sum[1] += d[i + 1]; sum[2] += d[i + 2]; }
                return sum.map((x) => Math.round(x / (d.length / 4)));
                """, participantId);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (BrowserSession b : all) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
