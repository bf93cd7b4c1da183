package dev.sfu.signaling.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, upstream: a publishing Chromium sets its send rate from the server's transport-wide
 * feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01). Before, the server negotiated
 * no transport-cc and sent a constant REMB: the publisher's {@code availableOutgoingBitrate}
 * was then exactly that REMB, 2,500,000, from its first second on (measured with the old server
 * and this test: "1.9s 2500000"). Now it comes from Chromium's send-side estimator fed by the
 * server's feedback: above 1 Mbit/s within 15 s on a loopback link, and never the old constant;
 * and the server's {@code twcc} receive stage counts the packets it reported on.
 */
class BrowserUplinkFeedbackTest {
    private static final Duration RAMP = Duration.ofSeconds(15);
    /** The REMB the server used to send every publisher (ForwardingConfig.rembBitrate before issue 13). */
    private static final double OLD_CONSTANT_REMB = 2_500_000;
    private static LiveSfu sfu;

    @BeforeAll
    static void startServer() {
        BrowserSession.assumeAvailable();
        sfu = LiveSfu.start("uplink-feedback");
    }

    @AfterAll
    static void stopServer() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    void publisherEstimateComesFromTheServersTransportWideFeedback() throws Exception {
        try (LiveCall call = new LiveCall(sfu, "uplink")) {
            BrowserSession ada = call.join("Ada");
            BrowserSession bob = call.join("Bob");
            long joined = System.nanoTime();
            call.awaitEveryoneDecodingEveryone(LiveCall.MEDIA);

            String answer = String.valueOf(ada.js("return window.sfu.pc.remoteDescription.sdp"));
            assertTrue(answer.contains("transport-wide-cc-extensions-01") && answer.contains(" transport-cc"),
                    "the server's SDP negotiates transport-cc");

            // Ada's estimate, from her selected candidate pair, over time (printed for the record).
            List<String> timeline = new ArrayList<>();
            double bps;
            try {
                bps = Waits.until(RAMP, "Ada: availableOutgoingBitrate above 1 Mbit/s", () -> {
                    RtcStats s = ada.stats();
                    double v = availableOutgoingBitrate(s).orElse(0.0);
                    timeline.add(String.format("%.1fs %.0f", (System.nanoTime() - joined) / 1e9, v));
                    return v;
                }, v -> v > 1_000_000);
            } finally {
                System.out.println("Ada availableOutgoingBitrate " + timeline);
            }
            // An estimator at work, not the old constant REMB (the estimate was exactly that before).
            for (int i = 0; i < 5; i++) {
                double v = availableOutgoingBitrate(ada.stats()).orElse(0.0);
                timeline.add(String.format("%.1fs %.0f", (System.nanoTime() - joined) / 1e9, v));
                assertTrue(v > 0 && v != OLD_CONSTANT_REMB, "Ada's estimate present, not the old REMB: " + timeline);
                Waits.sleep(Duration.ofMillis(400));
            }
            System.out.println("Ada availableOutgoingBitrate after " + timeline);
            // Her full layer flows while the estimate allows it.
            double f = fullLayerBytesOver(ada, Duration.ofSeconds(2));
            assertTrue(f > 0, "Ada: layer f sending");

            // The server reported on what it received: its first receive stage saw Ada's and Bob's packets.
            // Waited for, not read once: on a loaded machine the browsers send fewer packets per second
            // (CI once read 995 here).
            long twcc = Waits.until(Duration.ofSeconds(10), "the server's twcc stage counting over 1000 packets", () -> {
                try {
                    return twccPackets();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, n -> n > 1000);
            System.out.println("Ada estimate " + bps + " bit/s; layer f " + (f * 8 / 2) + " bit/s; twcc stage " + twcc);
            bob.stats(); // Bob stays in the call until the end of the check.
        }
    }

    /** {@code availableOutgoingBitrate} of the selected candidate pair (W3C webrtc-stats). */
    private static Optional<Double> availableOutgoingBitrate(RtcStats s) {
        String selected = s.ofType("transport").stream().map(e -> e.get("selectedCandidatePairId"))
                .filter(id -> id != null).map(String::valueOf).findFirst().orElse(null);
        return s.ofType("candidate-pair").stream()
                .filter(e -> selected != null ? selected.equals(e.get("id")) : Boolean.TRUE.equals(e.get("nominated")))
                .filter(e -> e.containsKey("availableOutgoingBitrate"))
                .map(e -> RtcStats.number(e, "availableOutgoingBitrate")).findFirst();
    }

    private static double fullLayerBytes(RtcStats s) {
        return s.outbound("video").stream().filter(e -> "f".equals(e.get("rid")))
                .mapToDouble(e -> RtcStats.number(e, "bytesSent")).sum();
    }

    private static double fullLayerBytesOver(BrowserSession b, Duration window) {
        double x = fullLayerBytes(b.stats());
        Waits.sleep(window);
        return fullLayerBytes(b.stats()) - x;
    }

    /** Packets the server's twcc stage took in, over all rooms, from {@code /metrics}. */
    private static long twccPackets() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(sfu.baseUrl() + "metrics")).build(), HttpResponse.BodyHandlers.ofString());
        long n = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("sfu_stage_packets_total{") && line.contains("stage=\"twcc\"") && line.contains("direction=\"in\"")) {
                n += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }
}
