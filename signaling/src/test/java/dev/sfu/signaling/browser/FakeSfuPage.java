package dev.sfu.signaling.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The call page with the fake SFU of {@code browser/fake-sfu.js} installed (the page's WebSocket
 * replaced, a second RTCPeerConnection in the page answering it): joining, and reading what the
 * page sent. For the {@code Page*} tests, which need no server.
 */
final class FakeSfuPage {
    private static final String SCRIPT = load();

    private FakeSfuPage() {
    }

    private static String load() {
        try (InputStream in = FakeSfuPage.class.getResourceAsStream("/browser/fake-sfu.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fake SFU's source, to install with {@link BrowserSession#addInitScript}. */
    static String script() {
        return SCRIPT;
    }

    /**
     * Starts a browser, opens {@code web}'s page at {@code ?room=fake-room} plus {@code query}
     * (e.g. {@code "&capture=640x360"}), runs {@code setup} after the fake is installed, joins as
     * "Me" and waits for {@code joined}.
     */
    static BrowserSession join(StaticWebServer web, String label, String query, String setup, Duration timeout) {
        BrowserSession b = BrowserSession.start(label);
        try {
            b.addInitScript(SCRIPT + "\n" + setup);
            b.open(web.baseUrl() + "?room=fake-room" + query);
            b.type("#name", "Me");
            b.click("#join");
            b.awaitJoined(timeout);
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    /** How many messages of {@code type} the page sent. */
    static long count(BrowserSession b, String type) {
        return ((Number) b.js("return window.__fakeSfu.sentOfType(arguments[0]).length", type)).longValue();
    }

    /** The last message of {@code type} the page sent, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> lastSent(BrowserSession b, String type) {
        return (Map<String, Object>) b.js("const l = window.__fakeSfu.sentOfType(arguments[0]); return l[l.length - 1] || null;", type);
    }

    /** Every message of {@code type} the page sent, oldest first. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> allSent(BrowserSession b, String type) {
        return (List<Map<String, Object>>) b.js("return window.__fakeSfu.sentOfType(arguments[0])", type);
    }

    /** Delivers one server message (a JavaScript object literal) to the page. */
    static void deliver(BrowserSession b, String messageLiteral) {
        b.js("window.__fakeSfu.deliver(" + messageLiteral + ")");
    }

    /** The fake server offers the page {@code id}'s synthetic audio and video; waits for the page's answer. */
    static void publish(BrowserSession b, String id, String name) {
        Object state = b.asyncJs("window.__fakeSfu.publish(arguments[0], arguments[1]).then(arguments[arguments.length - 1])", id, name);
        if (!"stable".equals(state)) {
            throw new AssertionError(b.label() + ": publishing " + id + " left the fake server " + state);
        }
    }
}
