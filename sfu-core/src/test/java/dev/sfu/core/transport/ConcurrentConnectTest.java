package dev.sfu.core.transport;

import static dev.sfu.core.transport.TransportTestSupport.plain;
import static dev.sfu.core.transport.TransportTestSupport.rtp;
import static dev.sfu.core.transport.TransportTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many peers share the single media port: ice4j demultiplexes by ufrag, then by address. */
class ConcurrentConnectTest {
    static final int N = 50;

    @Test
    void fiftyTransportsConnectConcurrentlyOverTheSinglePortAndCarrySrtp() throws Exception {
        try (TransportServer server = TransportServer.start(TransportConfig.loopbackEphemeral());
             TransportClient client = TransportClient.start(TransportConfig.loopbackEphemeral())) {
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
                    byte[] up = rtp(i + 1, 0x10000 + i, 120);
                    byte[] upPlain = plain(up, 132);
                    assertTrue(p.client().sendRtp(up, 0, 132));
                    byte[] down = rtp(i + 1, 0x20000 + i, 120);
                    byte[] downPlain = plain(down, 132);
                    assertTrue(p.server().sendRtp(down, 0, 132));
                    assertArrayEquals(upPlain, p.serverEvents().rtp.poll(5, TimeUnit.SECONDS), "up " + i);
                    assertArrayEquals(downPlain, p.clientEvents().rtp.poll(5, TimeUnit.SECONDS), "down " + i);
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
