package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, sections 1 and 2, in one call of two Chromiums: the server started as a user would
 * for a LAN trial ({@code ./sfu serve --tls-self-signed --turn-url ... --ice-transport-policy relay},
 * {@code SFU_TURN_SECRET}), a real coturn on loopback with {@code use-auth-secret}. Each browser
 * trusts only the certificate the server printed ({@code --ignore-certificate-errors-spki-list}
 * with the value from the server's own instructions), loads the page over {@code https://}, signals
 * over {@code wss://}, builds its RTCPeerConnection from {@code GET /webrtc/config} (relay only,
 * time-limited TURN credentials naming the participant), and sends and receives media through
 * coturn: the selected candidate pair's local candidate is a relay one, its remote candidate the
 * server's UDP media port, and the other's video is decoded.
 */
class BrowserHttpsTurnRelayTest {
    private static final Pattern SPKI = Pattern.compile("--ignore-certificate-errors-spki-list=(\\S+)");

    private static Path certDir;
    private static Coturn turn;
    private static LiveSfu sfu;
    private static String spki;

    @BeforeAll
    static void start() throws IOException {
        BrowserSession.assumeAvailable();
        Coturn.assumeAvailable();
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String secret = HexFormat.of().formatHex(b);
        turn = Coturn.start("https-relay", secret);
        certDir = Files.createTempDirectory("sfu-tls-");
        sfu = LiveSfu.startWith("https-relay",
                List.of("--tls-self-signed", "--turn-url", turn.url(), "--ice-transport-policy", "relay"),
                Map.of("SFU_TURN_SECRET", secret, "SFU_TLS_SELF_SIGNED_DIR", certDir.resolve("tls").toString()), true);
        Matcher m = SPKI.matcher(sfu.logTail());
        assertTrue(m.find(), "the server printed how to trust its certificate:\n" + sfu.logTail());
        spki = m.group(1);
    }

    @AfterAll
    static void stop() {
        if (sfu != null) {
            sfu.close();
        }
        if (turn != null) {
            turn.close();
        }
        if (certDir != null) {
            try (var files = Files.walk(certDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void callOverHttpsAndWssRelaysMediaThroughCoturnWithTimeLimitedCredentials() {
        assertTrue(sfu.baseUrl().startsWith("https://"), sfu.baseUrl());
        try (LiveCall call = new LiveCall(sfu, "https-relay",
                name -> BrowserSession.start(name, "--ignore-certificate-errors-spki-list=" + spki))) {
            BrowserSession a = call.join("Ada");
            BrowserSession b = call.join("Bob");
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
            for (BrowserSession x : call.members()) {
                String id = call.id(x);
                assertEquals("https:", x.js("return location.protocol"), x.label() + ": page over HTTPS");
                assertEquals(Boolean.TRUE, x.js("return window.isSecureContext"), x.label() + ": a secure context");
                assertTrue(String.valueOf(x.js("return window.sfu.ws.url")).startsWith("wss://127.0.0.1:" + sfu.httpPort() + "/ws"),
                        x.label() + ": signaling over WSS: " + x.js("return window.sfu.ws.url"));

                Map<String, Object> config = (Map<String, Object>) x.js("return window.sfu.pc.getConfiguration()");
                assertEquals("relay", config.get("iceTransportPolicy"), x.label() + ": " + config);
                List<Map<String, Object>> servers = (List<Map<String, Object>>) config.get("iceServers");
                assertEquals(1, servers.size(), x.label() + ": " + config);
                assertEquals(List.of(turn.url()), servers.get(0).get("urls"));
                String username = String.valueOf(servers.get(0).get("username"));
                assertTrue(username.matches("\\d+:" + Pattern.quote(id)), x.label() + ": TURN username <expiry>:<participant>: " + username);
                long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
                long now = System.currentTimeMillis() / 1000;
                assertTrue(expiry > now + Duration.ofHours(23).toSeconds() && expiry <= now + Duration.ofHours(24).toSeconds() + 5,
                        x.label() + ": expiry about 24 h (the default TTL) ahead: " + expiry + " vs now " + now);

                RtcStats s = x.stats();
                Map<String, Object> pair = s.selectedCandidatePair().orElseThrow(() -> new AssertionError(x.label() + ": no selected pair\n" + s.all()));
                assertEquals("relay", s.selectedLocalCandidateType(), x.label() + ": local candidate of the selected pair: " + pair);
                Map<String, Object> remote = (Map<String, Object>) pair.get("remote");
                assertEquals((long) sfu.mediaPort(), ((Number) remote.get("port")).longValue(),
                        x.label() + ": the relayed path ends at the server's UDP media port: " + pair);
                LiveCall.assertDecodingRises(x, call.othersOf(x), Duration.ofSeconds(2));
                assertTrue(turn.logText().contains(id), "coturn saw a session of " + id + ":\n" + tail(turn.logText()));
            }
            assertTrue(turn.logText().contains("ALLOCATE processed, success"), "coturn allocated relays:\n" + tail(turn.logText()));
            assertTrue(a.stats().packetsReceived(call.id(b), "video") > 0 && b.stats().packetsReceived(call.id(a), "video") > 0);
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 4000));
    }
}
