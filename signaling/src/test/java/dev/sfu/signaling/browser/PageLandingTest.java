package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The landing page in headless Chromium, served by {@link StaticWebServer} with no SFU behind it:
 * the form, the shareable link, room codes, the remembered name, and the messages shown when the
 * camera is denied or the server cannot be reached.
 */
class PageLandingTest {
    private static StaticWebServer web;

    @BeforeAll
    static void startWeb() throws Exception {
        BrowserSession.assumeAvailable();
        web = StaticWebServer.start();
    }

    @AfterAll
    static void stopWeb() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void landingShowsTheFormWithTheTestHooks() {
        try (BrowserSession b = BrowserSession.start("landing")) {
            b.open(web.baseUrl());
            for (String hook : new String[] {"#name", "#room", "#join", "#create"}) {
                assertTrue(b.element(hook).isDisplayed(), hook + " visible on the landing page");
            }
            assertFalse(b.element("#call").isDisplayed(), "the call view is hidden before joining");
            assertEquals("", b.element("#room").getAttribute("value"));
            assertEquals("idle", b.state("phase"));
            b.screenshot(BrowserSession.docsScreenshot("call-page-landing.png"));
        }
    }

    @Test
    void roomQueryParameterPrefillsTheRoomField() {
        try (BrowserSession b = BrowserSession.start("prefill")) {
            b.open(web.baseUrl() + "?room=abc");
            assertEquals("abc", b.element("#room").getAttribute("value"));
        }
    }

    @Test
    void createRoomGeneratesAReadableCodeAndAShareableLink() {
        try (BrowserSession b = BrowserSession.start("create")) {
            b.open(web.baseUrl());
            b.type("#name", "Ada");
            b.click("#create");
            String code = Waits.until(Duration.ofSeconds(10), "a generated room code",
                    () -> b.element("#room").getAttribute("value"), v -> !v.isEmpty());
            assertTrue(code.matches("[a-z]+-[a-z]+-[1-9][0-9]"), "readable code like brave-otter-42: " + code);
            Waits.until(Duration.ofSeconds(10), "the address bar to carry ?room=" + code,
                    () -> b.driver().getCurrentUrl(), u -> u.endsWith("?room=" + code));
            assertEquals(code, b.element("#room-code").getText());
            assertTrue(b.element("#share-link").getText().endsWith("/?room=" + code), "share link names the room");
        }
    }

    @Test
    void displayNameIsRememberedAcrossVisits() {
        try (BrowserSession b = BrowserSession.start("name")) {
            b.open(web.baseUrl());
            b.type("#name", "Grace Hopper");
            b.type("#room", "remember-me");
            b.click("#join");
            Waits.until(Duration.ofSeconds(10), "the call view", () -> b.element("#call").isDisplayed());
            b.open(web.baseUrl());
            assertEquals("Grace Hopper", b.element("#name").getAttribute("value"));
        }
    }

    @Test
    void missingServerShowsServerUnreachable() {
        try (BrowserSession b = BrowserSession.start("unreachable")) {
            b.open(web.baseUrl() + "?room=nobody-home");
            b.type("#name", "Ada");
            b.click("#join");
            String text = Waits.until(Duration.ofSeconds(10), "the server-unreachable message",
                    b::message, m -> m.contains("Server unreachable"));
            assertTrue(text.contains("Retrying"), "says it keeps trying: " + text);
            assertEquals("UNREACHABLE", b.element("#message").getAttribute("data-code"));
            assertEquals("unreachable", b.element("#status-ws").getAttribute("data-state"));
            assertTrue(b.element("#status-ws").getText().contains("unreachable"), "status bar says it too");
        }
    }

    @Test
    void deniedCameraOffersAudioOnlyAndReceiveOnly() {
        try (BrowserSession b = BrowserSession.start("denied")) {
            b.addInitScript("""
                    navigator.mediaDevices.getUserMedia = () =>
                      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
                    """);
            b.open(web.baseUrl() + "?room=shy");
            b.type("#name", "Ada");
            b.click("#join");
            String text = Waits.until(Duration.ofSeconds(10), "the camera-denied message",
                    b::message, m -> m.contains("denied"));
            assertTrue(text.contains("camera and microphone"), text);
            assertEquals("MEDIA_DENIED", b.element("#message").getAttribute("data-code"));
            String actions = b.element("#message .message-actions").getText();
            assertTrue(actions.contains("microphone only"), "offers audio-only: " + actions);
            assertTrue(actions.contains("watch and listen only"), "offers receive-only: " + actions);
            assertTrue(b.element("#landing").isDisplayed(), "stays on the landing page");
        }
    }
}
