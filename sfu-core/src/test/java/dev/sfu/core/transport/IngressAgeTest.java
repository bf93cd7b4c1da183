package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.rtp;
import static dev.sfu.core.transport.TransportTestSupport.sendUntilReceived;
import static dev.sfu.core.transport.TransportTestSupport.waitFor;
import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingress queue is bounded in time as well as in packets: RTP that waited longer than
 * {@link TransportConfig#ingressMaxAge()} behind a stalled serial task is dropped and counted
 * {@link DropReason#STALE} (RTCP is not), and the wait is measured. The server here uses an age
 * of 200 ms instead of the default second, so the stall (three times the age) takes 0.6 s.
 */
class IngressAgeTest {
    private static final Duration MAX_AGE = Duration.ofMillis(200);
    private static TransportServer server;
    private static TransportClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TransportServer.start(TransportConfig.loopbackEphemeral().withIngressMaxAge(MAX_AGE));
        client = TransportClient.start(TransportConfig.loopbackEphemeral());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void mediaQueuedBehindAStalledSerialTaskIsDroppedAsStaleAndFreshMediaStillFlows() throws Exception {
        TransportTestSupport.Pair p = wire(server, client, "ingress-age", DtlsSetup.ACTPASS);
        try {
            assertTrue(p.serverEvents().awaitConnected(10_000), "server connected");
            assertTrue(p.clientEvents().awaitConnected(10_000), "client connected");
            IceDtlsTransport st = (IceDtlsTransport) p.server();
            long stallMs = 3 * MAX_AGE.toMillis();
            p.serverEvents().stallNextRtpMillis = stallMs;
            assertTrue(sendUntilReceived(p.client(), p.serverEvents(), 0x1111, 1), "first packet");
            assertTrue(p.serverEvents().stalling.await(5, TimeUnit.SECONDS), "the serial task stalls");
            // Queued while the listener blocks the serial task for 3x the age limit.
            for (int seq = 100; seq < 110; seq++) {
                p.client().sendRtp(rtp(seq, 0x1111, 120), 0, 132);
            }
            // Feedback queued behind the same stall is late but still delivered.
            p.client().sendRtcp(TransportTestSupport.rtcpReceiverReport(0x1111), 0, 8);
            assertTrue(waitFor(() -> st.dropCounts().get(DropReason.STALE) >= 1, 10),
                    "stale media dropped and counted: " + st.dropCounts());
            assertTrue(st.ingressWaitMaxNanos() > MAX_AGE.toNanos(),
                    "the wait is measured: " + st.ingressWaitMaxNanos());
            assertTrue(st.ingressPackets() >= 2 && st.ingressWaitTotalNanos() > 0);
            assertTrue(p.serverEvents().rtcp.poll(5, TimeUnit.SECONDS) != null, "RTCP is never dropped as stale");
            p.serverEvents().rtp.clear();
            assertTrue(sendUntilReceived(p.client(), p.serverEvents(), 0x1111, 200), "fresh media flows again");
        } finally {
            p.client().close();
            p.server().close();
        }
    }
}
