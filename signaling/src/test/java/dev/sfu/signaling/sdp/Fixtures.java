package dev.sfu.signaling.sdp;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Real browser offers captured for these tests (see src/test/resources/sdp). */
public final class Fixtures {
    public static final String CHROMIUM_SENDRECV = "chromium-156-offer-sendrecv.sdp";
    public static final String CHROMIUM_SIMULCAST = "chromium-156-offer-simulcast.sdp";
    public static final String FIREFOX_SENDRECV = "firefox-153-offer-sendrecv.sdp";
    /**
     * Captured live by BrowserFirefoxChromiumCallTest (the call page in Firefox ESR 153): its first
     * offer (sendonly audio; sendonly video as simulcast rids h;f, port 0 with a=bundle-only).
     */
    public static final String FIREFOX_LIVE_OFFER = "firefox-153-live-offer-simulcast.sdp";
    /** Firefox's answer to the server's offer of two Chromiums' audio and video (mids s0-s3). */
    public static final String FIREFOX_LIVE_ANSWER = "firefox-153-live-answer.sdp";
    /** Firefox's re-offer after that: every section after the first with port 0 and a=bundle-only. */
    public static final String FIREFOX_LIVE_REOFFER = "firefox-153-live-reoffer.sdp";

    /** A fixed server transport, as a fake MediaTransport would report it. */
    public static final LocalTransport SERVER = new LocalTransport("srvU", "serverpassword0123456789",
            new Fingerprint("sha-256", "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"),
            DtlsSetup.PASSIVE, List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 10000, "host")));

    private Fixtures() {
    }

    /** The text of a fixture, with the CRLF line ends browsers use. */
    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SessionDescription parse(String name) {
        try {
            return SdpParser.parse(text(name));
        } catch (SdpParseException e) {
            throw new AssertionError(e);
        }
    }
}
