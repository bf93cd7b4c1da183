package dev.sfu.core.transport;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Manual probe (not a test): in a fresh JVM, starts a server and a client, connects one pair at
 * once and prints the time to connected, optionally with CPU burner threads. Run it repeatedly
 * to see the first connection of a cold process.
 */
public final class ColdConnectProbe {
    private ColdConnectProbe() {
    }

    public static void main(String[] args) throws Exception {
        int burners = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        AtomicBoolean stop = new AtomicBoolean();
        for (int i = 0; i < burners; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.err.print("");
                }
            });
            t.setDaemon(true);
            t.start();
        }
        long t0 = System.nanoTime();
        TransportServer server = TransportServer.start(TransportConfig.loopbackEphemeral());
        long t1 = System.nanoTime();
        TransportClient client = TransportClient.start(TransportConfig.loopbackEphemeral());
        long t2 = System.nanoTime();
        TransportTestSupport.Pair p = TransportTestSupport.wire(server, client, "cold", DtlsSetup.ACTPASS);
        boolean ok = p.serverEvents().awaitConnected(30_000) && p.clientEvents().awaitConnected(30_000);
        long t3 = System.nanoTime();
        System.out.printf("RESULT ok=%s serverStart=%dms clientStart=%dms connect=%dms closed=%s drops=%s%n", ok,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                p.serverEvents().closeReason, p.server().dropCounts());
        stop.set(true);
        p.client().close();
        p.server().close();
        client.close();
        server.close();
        System.exit(0);
    }
}
