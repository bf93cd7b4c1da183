package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server transport's media listener is bound after creation, and its end goes to close
 * handlers: media before binding is dropped and counted, never delivered; a transport that ends
 * by itself leaves the server's registry first, then every other handler hears its reason.
 */
class TransportBindAndCloseTest {
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
    void mediaBeforeBindIsCountedNotBoundAndMediaAfterIsDelivered() throws Exception {
        MediaTransport st = server.createTransport("late-bind");
        RecordingListener ce = new RecordingListener();
        IceDtlsTransport ct = ce.hearCloseOf(client.createTransport("client-late-bind", ce));
        try {
            st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                    DtlsSetup.ACTPASS, ct.localCandidates()));
            ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                    st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
            assertTrue(ce.awaitConnected(10_000), "client connected");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int seq = 0;
            while (notBound(st) == 0 && System.nanoTime() < deadline) {
                byte[] p = TransportTestSupport.rtp(++seq, 0x1111, 40);
                ct.sendRtp(p, 0, 52);
                Thread.sleep(50);
            }
            assertTrue(notBound(st) > 0, "unbound media is counted: " + st.dropCounts());
            assertTrue(st.isConnected(), "the transport itself is up");

            RecordingListener se = new RecordingListener();
            st.bind(se);
            assertTrue(se.awaitConnected(2_000), "a listener bound after the handshake still hears onConnected");
            assertTrue(TransportTestSupport.sendUntilReceived(ct, se, 0x2222, 1000), "media flows once bound");
            for (byte[] got : se.rtp) {
                assertEquals(0x2222, ((got[8] & 0xFF) << 24 | (got[9] & 0xFF) << 16 | (got[10] & 0xFF) << 8
                        | (got[11] & 0xFF)), "nothing sent before the bind was delivered");
            }
            assertThrows(IllegalStateException.class, () -> st.bind(new RecordingListener()), "bound once");
        } finally {
            ct.close();
            st.close();
        }
    }

    @Test
    void aTransportEndingByItselfLeavesTheRegistryThenTellsEveryHandlerItsReason() throws Exception {
        String id = "self-ending";
        MediaTransport st = server.createTransport(id);
        assertSame(st, server.transport(id));
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        List<Boolean> registeredWhenHeard = new CopyOnWriteArrayList<>();
        st.addCloseHandler((reason, detail) -> {
            registeredWhenHeard.add(server.transport(id) != null);
            heard.add("room " + reason);
        });
        st.addCloseHandler((reason, detail) -> heard.add("signaling " + reason + (detail.isEmpty() ? "" : " +detail")));
        // A peer that never answers: ICE fails once the consent timeout passes (RFC 7675).
        st.setRemote(new RemoteParameters("ghostufrag", "ghostpassword0123456789", List.of(client.fingerprint()),
                DtlsSetup.ACTPASS, List.of()));

        assertEquals("room ICE_FAILED", heard.poll(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        assertEquals("signaling ICE_FAILED +detail", heard.poll(1_000, TimeUnit.MILLISECONDS));
        assertEquals(List.of(false), registeredWhenHeard, "the registry forgot it before the other handlers ran");
        assertNull(server.transport(id));

        st.addCloseHandler((reason, detail) -> heard.add("late " + reason));
        assertEquals("late ICE_FAILED", heard.poll(), "a handler added after the end hears it at once");
        st.close();
        assertNull(heard.poll(200, TimeUnit.MILLISECONDS), "each handler hears the end once");
    }

    private static long notBound(MediaTransport t) {
        return t.dropCounts().getOrDefault(DropReason.NOT_BOUND, 0L);
    }
}
