package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's default start, {@code ./sfu} bound to 0.0.0.0 with no advertised address, with
 * two Chromiums as users run them: without {@code --allow-loopback-in-peer-connection}, so their
 * ICE uses this machine's interface addresses (announced as mDNS names, which the server cannot
 * resolve) and the server learns them as peer-reflexive candidates from their checks (RFC 8445
 * section 7.3.1.3). The page is loaded from 127.0.0.1; media flows on the interface addresses.
 */
class BrowserDefaultBindTest {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserDefaultBindTest.class);
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.startOnAllInterfaces("default-bind");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    /**
     * Rewrites the address of every candidate the page signals (trickled or in an SDP) into an
     * mDNS name, as Chromium does for a page without media permission (RFC 8839 section 5.1 does
     * not forbid FQDNs; draft-ietf-mmusic-mdns-ice-candidates), and counts what it rewrote.
     */
    static final String MDNS_ONLY = """
            (() => {
              const names = new Map();
              window.__mdnsMasked = 0;
              const mask = (line) => line.replace(/^((?:a=)?candidate:\\S+ \\d+ \\S+ \\d+ )(\\S+)/, (m, head, addr) => {
                if (!names.has(addr)) names.set(addr, crypto.randomUUID() + '.local');
                window.__mdnsMasked++;
                return head + names.get(addr);
              });
              const send = WebSocket.prototype.send;
              WebSocket.prototype.send = function (data) {
                try {
                  const msg = JSON.parse(data);
                  if (typeof msg.candidate === 'string') msg.candidate = mask(msg.candidate);
                  if (typeof msg.sdp === 'string') msg.sdp = msg.sdp.split('\\r\\n').map(mask).join('\\r\\n');
                  data = JSON.stringify(msg);
                } catch (e) { /* not JSON: sent unchanged */ }
                return send.call(this, data);
              };
            })();
            """;

    @Test
    void twoBrowsersWithoutLoopbackExchangeAudioAndVideoThroughAWildcardServer() {
        try (LiveCall call = new LiveCall(sfu, "default-bind", BrowserSession::startWithoutLoopback)) {
            exchangeAudioAndVideo(call);
        }
    }

    @Test
    void browsersSignallingOnlyMdnsCandidatesConnectThroughPeerReflexiveCandidates() {
        try (LiveCall call = new LiveCall(sfu, "mdns-only", BrowserSession::startWithoutLoopback)) {
            exchangeAudioAndVideo(call, MDNS_ONLY);
            for (BrowserSession x : call.members()) {
                long masked = ((Number) x.js("return window.__mdnsMasked")).longValue();
                assertTrue(masked > 0, x.label() + ": candidates were signalled as mDNS names only: " + masked);
            }
        }
    }

    private static void exchangeAudioAndVideo(LiveCall call, String... initScripts) {
        BrowserSession a = call.join("Ada", initScripts);
        BrowserSession b = call.join("Bob", initScripts);
        assertEquals(2, call.ids().size(), "two distinct participant ids: " + call.ids());
        call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);
        for (BrowserSession x : call.members()) {
            LiveCall.assertOneAudioOneVideoOut(x);
            Set<String> others = call.othersOf(x);
            LiveCall.assertDecodingRises(x, others, Duration.ofSeconds(3));
            RtcStats s = x.stats();
            assertEquals(others, s.inboundByParticipant("video").keySet(), x.label() + ": video from the other\n" + s);
            assertEquals(others, s.inboundByParticipant("audio").keySet(), x.label() + ": audio from the other\n" + s);
            String pair = selectedPair(s);
            LOG.info("{}: selected pair {}; local SDP candidates {}", x.label(), pair,
                    x.localSdp().lines().filter(l -> l.startsWith("a=candidate")).toList());
            assertFalse(pair.contains("127.0.0.1"), x.label() + ": without the loopback flag no pair uses 127.0.0.1: " + pair);
        }
        assertEquals(Set.of(call.id(b)), a.remoteTiles());
    }

    /** "local type address:port -> remote type address:port" of the selected candidate pair. */
    private static String selectedPair(RtcStats s) {
        Map<String, Object> transport = s.ofType("transport").stream()
                .filter(t -> t.get("selectedCandidatePairId") != null).findFirst().orElse(null);
        assertNotNull(transport, "a transport with a selected candidate pair\n" + s);
        Object pairId = transport.get("selectedCandidatePairId");
        Map<String, Object> pair = s.all().stream().filter(e -> pairId.equals(e.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("candidate pair " + pairId + "\n" + s));
        return describe(s, pair.get("localCandidateId")) + " -> " + describe(s, pair.get("remoteCandidateId"));
    }

    private static String describe(RtcStats s, Object candidateId) {
        return s.all().stream().filter(e -> candidateId.equals(e.get("id"))).findFirst()
                .map(c -> c.get("candidateType") + " " + c.get("address") + ":" + c.get("port"))
                .orElse("(candidate " + candidateId + " not in stats)");
    }
}
