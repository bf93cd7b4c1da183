package dev.sfu.signaling.browser;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The call page in one real browser, whichever drives it: Chromium through Selenium
 * ({@link BrowserSession}) or Firefox through puppeteer-core over WebDriver BiDi
 * ({@link FirefoxSession}), so that one test can measure both with the same assertions.
 */
public interface CallPage extends AutoCloseable {
    /** Names the browser in logs and failure messages. */
    String label();

    /** Runs a function body in the page ({@code arguments} are {@code args}); returns its JSON-like result. */
    Object js(String script, Object... args);

    /** Opens a URL and waits until the page's module has run (window.sfu exists). */
    void open(String url);

    /** Sets an input's value as typing would. */
    void type(String css, String text);

    void click(String css);

    /** Reads {@code window.sfu.pc.getStats()}, tagging inbound streams with their publisher. */
    RtcStats stats();

    /** Waits until the server has said {@code joined}; returns this participant's id. */
    default String awaitJoined(Duration timeout) {
        return Waits.until(timeout, label() + ": joined", () -> (String) js("return window.sfu.participantId"),
                id -> id != null);
    }

    /** Waits until the media connection (ICE and DTLS) is up. */
    default void awaitConnected(Duration timeout) {
        Waits.until(timeout, label() + ": RTCPeerConnection connected", () -> state("pc"), "connected"::equals);
    }

    /** One field of {@code window.sfu.state}: phase, ws, pc, ice, signaling. */
    default String state(String field) {
        return String.valueOf(js("return window.sfu.state[arguments[0]]", field));
    }

    /** The participant ids of the remote tiles now in the grid. */
    @SuppressWarnings("unchecked")
    default Set<String> remoteTiles() {
        return new java.util.LinkedHashSet<>((List<String>) js(
                "return [...document.querySelectorAll('.tile[data-participant]')].map((e) => e.getAttribute('data-participant'))"));
    }

    /** The current local SDP (empty when none). */
    default String localSdp() {
        Object sdp = js("return window.sfu.pc && window.sfu.pc.localDescription ? window.sfu.pc.localDescription.sdp : ''");
        return String.valueOf(sdp);
    }

    /** Whether the element is shown (has a layout box). */
    default boolean isDisplayed(String css) {
        return Boolean.TRUE.equals(js("const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0"
                + " && getComputedStyle(e).visibility !== 'hidden'", css));
    }

    @Override
    void close();
}
