package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many peers share the single media port: ice4j demultiplexes by ufrag, then by address. */
class ConcurrentConnectTest {
    static final int N = 50;

    @Test
    void fiftyTransportsConnectConcurrentlyOverTheSinglePortAndCarrySrtp() throws Exception {
        // A 2-core machine doing 100 ECDSA handshakes at once needs more than the default 10 s.
        TransportConfig config = TransportConfig.loopbackEphemeral().withDtlsHandshakeTimeout(Duration.ofSeconds(25));
        try (TransportServer server = TransportServer.start(config);
             TransportClient client = TransportClient.start(config)) {
            List<TransportTestSupport.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                pairs.add(wire(server, client, "p" + i, i % 2 == 0 ? DtlsSetup.ACTPASS : DtlsSetup.PASSIVE));
            }
            try {
                for (TransportTestSupport.Pair p : pairs) {
                    assertTrue(p.serverEvents().awaitConnected(30_000), p.server().id() + " server side");
                    assertTrue(p.clientEvents().awaitConnected(30_000), p.server().id() + " client side");
                }
                assertEquals(N, server.transportCount());
                for (int i = 0; i < N; i++) {
                    TransportTestSupport.Pair p = pairs.get(i);
                    assertTrue(TransportTestSupport.sendUntilReceived(p.client(), p.serverEvents(), 0x10000 + i, 1),
                            "up " + i);
                    assertTrue(TransportTestSupport.sendUntilReceived(p.server(), p.clientEvents(), 0x20000 + i, 1),
                            "down " + i);
                }
            } finally {
                for (TransportTestSupport.Pair p : pairs) {
                    p.client().close();
                    p.server().close();
                }
            }
        }
    }
}
