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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first connection of a cold process: N times, a fresh JVM starts a transport server and a
 * Java client over loopback and connects one pair at once (ICE + DTLS-SRTP), optionally beside CPU
 * burner threads; prints the server start, client start and time to connected of each run. Class
 * loading, JIT and the first DTLS handshake are what it shows (docs/transport.md, "First connection
 * of a fresh server"); the warm rate is {@link ConnectBenchmark}.
 *
 * <pre>
 * java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' dev.sfu.bench.ColdConnectBenchmark --runs 3 --burners 2
 * </pre>
 */
public final class ColdConnectBenchmark {
    private ColdConnectBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 3;
        int burners = 2;
        boolean child = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--burners" -> burners = Integer.parseInt(args[++i]);
                case "--child" -> child = true;
                case "--help", "-h" -> {
                    System.out.println("""
                            ColdConnectBenchmark: the first ICE + DTLS-SRTP connection of a fresh JVM, over loopback.
                              --runs N     fresh JVMs to start, one after the other (default 3)
                              --burners B  busy-loop threads beside the connection in each JVM (default 2)
                            Prints one line per run: server start, client start and connect time (ms).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        if (runs < 1 || burners < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 and --burners at least 0 (try --help)");
        }
        if (child) {
            System.out.println(connectOnce(burners));
            System.exit(0);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < runs; i++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ColdConnectBenchmark.class.getName(), "--child", "--burners", Integer.toString(burners))
                    .redirectErrorStream(true).start();
            String result = "no RESULT line (exit " + p.waitFor() + ")";
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                if (line.startsWith("RESULT")) {
                    result = line.substring("RESULT ".length());
                }
            }
            System.out.println("run " + i + ": " + result);
        }
    }

    /** In this (fresh) JVM: start a server and a client, connect one pair, return the RESULT line. */
    private static String connectOnce(int burners) throws Exception {
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
            }, "burner-" + i);
            t.setDaemon(true);
            t.start();
        }
        long t0 = System.nanoTime();
        TransportServer server = TransportServer.start(TransportConfig.loopbackEphemeral());
        long t1 = System.nanoTime();
        TransportClient client = TransportClient.start(TransportConfig.loopbackEphemeral());
        long t2 = System.nanoTime();
        CountDownLatch serverUp = new CountDownLatch(1);
        CountDownLatch clientUp = new CountDownLatch(1);
        MediaTransport st = server.createTransport("cold");
        st.bind(new Connected(serverUp));
        IceDtlsTransport ct = client.createTransport("client-cold", new Connected(clientUp));
        st.setRemote(new RemoteParameters(ct.localIceUfrag(), ct.localIcePwd(), List.of(client.fingerprint()),
                DtlsSetup.ACTPASS, ct.localCandidates()));
        ct.setRemote(new RemoteParameters(st.localIceUfrag(), st.localIcePwd(), List.of(st.localFingerprint()),
                st.localSetup(DtlsSetup.ACTPASS), st.localCandidates()));
        boolean ok = serverUp.await(30, TimeUnit.SECONDS) && clientUp.await(30, TimeUnit.SECONDS);
        long t3 = System.nanoTime();
        String line = String.format("RESULT ok=%s serverStart=%dms clientStart=%dms connect=%dms drops=%s", ok,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, nonZero(st.dropCounts()));
        stop.set(true);
        ct.close();
        st.close();
        client.close();
        server.close();
        return line;
    }

    private static java.util.Map<?, Long> nonZero(java.util.Map<?, Long> counts) {
        java.util.Map<Object, Long> m = new java.util.LinkedHashMap<>();
        counts.forEach((k, v) -> {
            if (v != 0) {
                m.put(k, v);
            }
        });
        return m;
    }

    private record Connected(CountDownLatch latch) implements TransportListener {
        @Override
        public void onConnected(SrtpProfile profile) {
            latch.countDown();
        }

        @Override
        public void onRtp(byte[] buf, int off, int len) {
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
        }
    }
}
