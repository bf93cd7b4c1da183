package dev.sfu.bench;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceDtlsTransport;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportClient;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.core.transport.TransportServer;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Transport connection setup: connections per second (ICE + DTLS + first SRTP packet, Java client
 * and server in one JVM over loopback) and the heap each connected pair keeps.
 *
 * <pre>
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.sfu.bench.ConnectBenchmark --help
 * </pre>
 */
public final class ConnectBenchmark {
    private ConnectBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int connections = 200;
        int concurrency = 16;
        int heapConnections = 200;
        int warmup = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--heap-connections" -> heapConnections = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("""
                            ConnectBenchmark: ICE + DTLS-SRTP connection setup over loopback, client and server in one JVM.
                              --connections N       connections to time (default 200)
                              --concurrency C       connection attempts in flight at once (default 16)
                              --heap-connections M  connected pairs held open to measure heap per pair (default 200)
                              --warmup W            connections made and closed before timing (default 20)
                            Prints connections/s, setup latency percentiles (ms) and heap bytes per connected pair.""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        TransportConfig config = TransportConfig.loopbackEphemeral().withConsentTimeout(Duration.ofSeconds(60));
        try (TransportServer server = TransportServer.start(config);
             TransportClient client = TransportClient.start(config)) {
            run(server, client, warmup, Math.min(concurrency, Math.max(1, warmup)), false);
            long[] latencies = new long[connections];
            long start = System.nanoTime();
            run(server, client, connections, concurrency, false, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            System.out.printf("connections=%d concurrency=%d time=%.2fs rate=%.1f conn/s%n", connections, concurrency,
                    seconds, connections / seconds);
            System.out.printf("setup latency ms: p50=%.1f p90=%.1f p99=%.1f max=%.1f%n", pct(latencies, 50),
                    pct(latencies, 90), pct(latencies, 99), latencies[latencies.length - 1] / 1e6);

            long before = usedHeapAfterGc();
            List<Conn> held = run(server, client, heapConnections, concurrency, true);
            long after = usedHeapAfterGc();
            System.out.printf("heap: %d connected pairs (server + client transport each) hold %.1f KiB per pair "
                    + "(used heap after GC %d -> %d bytes)%n", heapConnections,
                    (after - before) / 1024.0 / heapConnections, before, after);
            for (Conn c : held) {
                c.close();
            }
        }
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static List<Conn> run(TransportServer server, TransportClient client, int n, int concurrency, boolean keep)
            throws Exception {
        return run(server, client, n, concurrency, keep, null);
    }

    private static List<Conn> run(TransportServer server, TransportClient client, int n, int concurrency, boolean keep,
                                  long[] latencies) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<CompletableFuture<Conn>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                int index = i;
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        long t0 = System.nanoTime();
                        Conn c = Conn.open(server, client, "bench-" + System.nanoTime() + "-" + index);
                        if (latencies != null) {
                            latencies[index] = System.nanoTime() - t0;
                        }
                        if (!keep) {
                            c.close();
                        }
                        return c;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        inFlight.release();
                    }
                }, pool));
            }
            List<Conn> out = new ArrayList<>();
            for (CompletableFuture<Conn> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return keep ? out : List.of();
        } finally {
            pool.shutdown();
        }
    }

    /** One connected pair: a server transport and a client transport. */
    private record Conn(MediaTransport server, IceDtlsTransport client) {
        static Conn open(TransportServer server, TransportClient client, String id) throws Exception {
            CountDownLatch firstPacket = new CountDownLatch(1);
            CountDownLatch clientUp = new CountDownLatch(1);
            MediaTransport st = server.createTransport(id);
            st.bind(new Events(firstPacket, null));
            IceDtlsTransport ct = client.createTransport("c-" + id, new Events(null, clientUp));
            st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                    DtlsSetup.ACTPASS, ct.localCandidates()));
            ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                    st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
            if (!clientUp.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(id + " did not connect");
            }
            // UDP may lose a datagram under load: send a fresh packet every 100 ms until one arrives.
            boolean sent = false;
            for (int seq = 1; seq <= 300 && firstPacket.getCount() > 0; seq++) {
                byte[] rtp = new byte[12 + 100 + SrtpSession.MAX_RTP_TRAILER];
                rtp[0] = (byte) 0x80;
                rtp[1] = 96;
                rtp[3] = (byte) seq;
                rtp[2] = (byte) (seq >> 8);
                rtp[11] = 1;
                sent = ct.sendRtp(rtp, 0, 112);
                firstPacket.await(100, TimeUnit.MILLISECONDS);
            }
            if (!firstPacket.await(1, TimeUnit.SECONDS)) {
                throw new IllegalStateException(id + " got no SRTP packet (sent=" + sent + ", server drops "
                        + st.dropCounts() + ", client drops " + ct.dropCounts() + ")");
            }
            return new Conn(st, ct);
        }

        void close() {
            client.close();
            server.close();
        }
    }

    private record Events(CountDownLatch firstRtp, CountDownLatch connected) implements TransportListener {
        @Override
        public void onConnected(SrtpProfile profile) {
            if (connected != null) {
                connected.countDown();
            }
        }

        @Override
        public void onRtp(byte[] buf, int off, int len) {
            if (firstRtp != null) {
                firstRtp.countDown();
            }
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
        }
    }
}
