package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 7675 section 5.1: a peer that stops answering is declared gone after the consent timeout. */
class ConsentFreshnessTest {
    static final Duration TIMEOUT = Duration.ofMillis(2000);
    static TransportServer server;
    static TransportClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TransportServer.start(TransportConfig.loopbackEphemeral().withConsentTimeout(TIMEOUT));
        client = TransportClient.start(TransportConfig.loopbackEphemeral());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void aPeerThatGoesSilentRaisesConsentExpiredWithinTheTimeout() throws Exception {
        TransportTestSupport.Pair p = wire(server, client, "silent", DtlsSetup.ACTPASS);
        assertTrue(p.serverEvents().awaitConnected(10_000));
        assertTrue(p.clientEvents().awaitConnected(10_000));
        long silentSince = System.nanoTime();
        p.client().simulateCrash();
        assertTrue(p.serverEvents().awaitClosed(TIMEOUT.toMillis() + 3_000), "closed");
        assertEquals(CloseReason.CONSENT_EXPIRED, p.serverEvents().closeReason);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(p.serverEvents().closedAtNanos - silentSince);
        assertTrue(tookMs <= TIMEOUT.toMillis() + 1_000, "declared gone after " + tookMs + " ms");
        assertTrue(tookMs >= TIMEOUT.toMillis() - 600, "not before the timeout: " + tookMs + " ms");
    }

    /**
     * A server creates a participant's transport when it joins, before its offer brings the
     * remote parameters; the ICE deadline must count from those, not from creation.
     */
    @Test
    void aTransportWaitingForItsRemoteParametersIsNotDeclaredFailed() throws Exception {
        RecordingListener events = new RecordingListener();
        MediaTransport t = events.listenTo(server.createTransport("waiting"));
        try {
            assertFalse(events.awaitClosed(TIMEOUT.toMillis() + 1_500), "closed: " + events.closeReason);
        } finally {
            t.close();
        }
    }

    @Test
    void aPeerThatKeepsSendingStaysConnectedPastTheTimeout() throws Exception {
        TransportTestSupport.Pair p = wire(server, client, "chatty", DtlsSetup.ACTPASS);
        try {
            assertTrue(p.serverEvents().awaitConnected(10_000));
            long end = System.nanoTime() + TIMEOUT.toNanos() + TimeUnit.MILLISECONDS.toNanos(1000);
            int seq = 0;
            while (System.nanoTime() < end) {
                byte[] pkt = TransportTestSupport.rtp(++seq, 0x3333, 20);
                p.client().sendRtp(pkt, 0, 32);
                Thread.sleep(100);
            }
            assertTrue(p.server().isConnected(), "still connected: " + p.serverEvents().closeReason);
        } finally {
            p.client().close();
            p.server().close();
        }
    }
}
