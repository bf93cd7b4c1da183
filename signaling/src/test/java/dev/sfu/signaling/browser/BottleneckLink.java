package dev.sfu.signaling.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real network bottleneck for browser tests: a network namespace joined to this host by a veth
 * pair, whose downlink (everything the host sends toward the namespace, i.e. the host-side veth's
 * egress) can be limited with a token bucket filter. A browser started in the namespace
 * ({@link #startBrowser}) reaches a server bound to {@link #hostAddress()} only through that link,
 * while browsers on the host reach the same server over loopback, unlimited. This is how a user on
 * a slow link sits in a call with users on fast ones; the kernel, not the test, drops what does
 * not fit.
 *
 * <p>Why these tools: this kernel has {@code tbf} and {@code htb} qdiscs and the {@code u32}
 * classifier, but not {@code netem}, so the link can be slow and shallow but cannot add delay or
 * random loss (docs/testing.md, "A real bottleneck").
 *
 * <p>The browser's chromedriver runs inside the namespace ({@code ip netns exec}) and listens on
 * the namespace's address, accepting only this host's side of the link; its WebDriver traffic is
 * classified past the limit (an {@code htb} class of its own) so that the test's polling does not
 * eat the bandwidth it measures.
 *
 * <p>Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2; tests are skipped otherwise.
 * Addresses are a private /30 in 10.213.0.0/16 that no interface here uses yet; names carry this
 * JVM's pid, so that a later run deletes what a crashed run left behind. {@link #close()} (and a
 * shutdown hook, should the JVM exit without it) ends the processes started in the namespace and
 * deletes the namespace and the veth pair.
 */
public final class BottleneckLink implements AutoCloseable {
    /** Token bucket depth: about 8 full-size packets may leave back to back at line rate. */
    public static final String TBF_BURST = "10kb";
    /**
     * How long a packet may wait in the bucket's queue before it is dropped. With {@code rate R}
     * this sizes the queue at {@code R * 200 ms} (20 KB at 800 kbit/s): the buffer of a typical
     * home or mobile downlink, deep enough that a paced sender loses nothing and shallow enough
     * that an unpaced keyframe burst or a sender above the rate loses packets.
     */
    public static final String TBF_LATENCY = "200ms";

    private static final Logger LOG = LoggerFactory.getLogger(BottleneckLink.class);
    private static final String PREFIX = "sfu-bw-";
    private static final Pattern OWN_NAMESPACE = Pattern.compile("^" + PREFIX + "(\\d+)-(\\d+)\\b");
    /** chromedriver's port inside the namespace (the namespace is ours: nothing else listens there). */
    private static final int DRIVER_PORT = 9515;
    private static final Duration COMMAND = Duration.ofSeconds(10);
    private static final Pattern TBF_COUNTERS = Pattern.compile(
            "qdisc tbf 20:.*?Sent (\\d+) bytes (\\d+) pkt \\(dropped (\\d+), overlimits (\\d+)", Pattern.DOTALL);

    private final String label;
    private final String namespace;
    private final String hostInterface;
    private final String hostAddress;
    private final String namespaceAddress;
    private final Thread shutdownHook;
    private Process chromedriver;
    private int limitKbit;

    private BottleneckLink(String label, int subnet) {
        this.label = label;
        this.namespace = PREFIX + ProcessHandle.current().pid() + "-" + subnet;
        this.hostInterface = "sfubw" + subnet + "h";
        this.hostAddress = "10.213." + subnet + ".1";
        this.namespaceAddress = "10.213." + subnet + ".2";
        this.shutdownHook = new Thread(this::cleanUp, "bottleneck-cleanup-" + subnet);
    }

    /**
     * Creates the namespace and the link, unlimited. Skips the calling test where browsers are
     * skipped or this process may not create namespaces.
     */
    public static BottleneckLink create(String label) {
        BrowserSession.assumeAvailable();
        Assumptions.assumeTrue(run("ip", "-V").ok() && run("tc", "-V").ok(),
                "bottleneck tests skipped: iproute2 (ip, tc) is not installed");
        deleteLeftovers();
        BottleneckLink link = new BottleneckLink(label, freeSubnet());
        Result added = run("ip", "netns", "add", link.namespace);
        if (!added.ok() && (added.output.contains("Operation not permitted") || added.output.contains("Permission denied"))) {
            Assumptions.abort("bottleneck tests skipped: creating a network namespace needs root here: " + added.output);
        }
        added.orFail();
        Runtime.getRuntime().addShutdownHook(link.shutdownHook);
        try {
            String nsInterface = "sfubw" + link.hostAddress.split("\\.")[2] + "n";
            run("ip", "link", "del", link.hostInterface); // a leftover of a crashed run, if any
            run("ip", "link", "add", link.hostInterface, "type", "veth", "peer", "name", nsInterface).orFail();
            run("ip", "link", "set", nsInterface, "netns", link.namespace).orFail();
            run("ip", "addr", "add", link.hostAddress + "/30", "dev", link.hostInterface).orFail();
            run("ip", "link", "set", link.hostInterface, "up").orFail();
            link.inNamespace("ip", "addr", "add", link.namespaceAddress + "/30", "dev", nsInterface).orFail();
            link.inNamespace("ip", "link", "set", nsInterface, "up").orFail();
            // Chromium talks to its chromedriver over the namespace's own loopback.
            link.inNamespace("ip", "link", "set", "lo", "up").orFail();
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        LOG.info("bottleneck {}: namespace {} at {}, host side {} at {}", label, link.namespace,
                link.namespaceAddress, link.hostInterface, link.hostAddress);
        return link;
    }

    /** This host's end of the link: bind the server under test here. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The namespace's end of the link. */
    public String namespaceAddress() {
        return namespaceAddress;
    }

    /** The interface whose egress is limited (toward the namespace). */
    public String hostInterface() {
        return hostInterface;
    }

    /**
     * Starts a Chromium inside the namespace, driven through a chromedriver there (started with
     * the first browser). Without {@code --allow-loopback-in-peer-connection}: the namespace's
     * loopback is not the server's, so a loopback candidate could only mislead ICE.
     */
    public BrowserSession startBrowser(String browserLabel, String... extraFlags) {
        startChromedriver();
        URL url;
        try {
            url = URI.create("http://" + namespaceAddress + ":" + DRIVER_PORT).toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return BrowserSession.startRemote(browserLabel, url, BrowserSession.flagsWithoutLoopback(), extraFlags);
    }

    private synchronized void startChromedriver() {
        if (chromedriver != null && chromedriver.isAlive()) {
            return;
        }
        Path log = Path.of("target", "browser-logs", "chromedriver-" + label + ".log");
        try {
            Files.createDirectories(log.getParent());
            // ip netns exec replaces itself with chromedriver: this Process is chromedriver.
            chromedriver = new ProcessBuilder("ip", "netns", "exec", namespace, BrowserSession.CHROMEDRIVER.toString(),
                    "--port=" + DRIVER_PORT, "--allowed-ips=" + hostAddress)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p = chromedriver;
        Waits.until(BrowserSession.STARTUP, "chromedriver in namespace " + namespace + " to answer on "
                + namespaceAddress + ":" + DRIVER_PORT, () -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("chromedriver exited with " + p.exitValue() + "; see " + log);
                    }
                    return driverAnswers();
                }, ok -> ok);
    }

    private boolean driverAnswers() {
        return Waits.answersOk("http://" + namespaceAddress + ":" + DRIVER_PORT + "/status");
    }

    /**
     * Limits what the host sends toward the namespace to {@code kbit} kbit/s:
     * {@code tbf rate KBITkbit burst 10kb latency 200ms} as the leaf of an {@code htb} class that
     * carries everything except chromedriver's WebDriver traffic, which a {@code u32} filter puts
     * in an unlimited class of its own. Replaces a limit already set.
     */
    public void limitDownlink(int kbit) {
        if (limitKbit == 0) {
            tc("qdisc", "add", "dev", hostInterface, "root", "handle", "1:", "htb", "default", "20");
            // Both classes far above anything a test sends: only the tbf below limits.
            tc("class", "add", "dev", hostInterface, "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit", "quantum", "60000");
            tc("class", "add", "dev", hostInterface, "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit", "quantum", "60000");
            tc("filter", "add", "dev", hostInterface, "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "protocol", "6", "0xff", "match", "ip", "dport", String.valueOf(DRIVER_PORT), "0xffff",
                    "flowid", "1:10");
        }
        tc("qdisc", "replace", "dev", hostInterface, "parent", "1:20", "handle", "20:", "tbf",
                "rate", kbit + "kbit", "burst", TBF_BURST, "latency", TBF_LATENCY);
        limitKbit = kbit;
        LOG.info("bottleneck {}: downlink {} limited to {} kbit/s (burst {}, latency {})", label, hostInterface, kbit,
                TBF_BURST, TBF_LATENCY);
    }

    /**
     * Takes the namespace's end of the link down (its interface loses carrier and routes, as when
     * a laptop's Wi-Fi drops) or brings it back up; addresses stay. While down, nothing reaches
     * the namespace, the WebDriver traffic to its browser included: do not drive it meanwhile.
     */
    public void setLinkUp(boolean up) {
        inNamespace("ip", "link", "set", namespaceInterface(), up ? "up" : "down").orFail();
        LOG.info("bottleneck {}: {} {}", label, namespaceInterface(), up ? "up" : "down");
    }

    private String namespaceInterface() {
        return "sfubw" + hostAddress.split("\\.")[2] + "n";
    }

    /** Lifts the limit: the link is as created, with no qdisc of ours. */
    public void lift() {
        if (limitKbit != 0) {
            tc("qdisc", "del", "dev", hostInterface, "root");
            limitKbit = 0;
            LOG.info("bottleneck {}: downlink {} unlimited", label, hostInterface);
        }
    }

    /** The downlink's limit in kbit/s, 0 when unlimited. */
    public int limitKbit() {
        return limitKbit;
    }

    /** What the limiting tbf has passed and dropped so far (all zero when unlimited). */
    public TbfCounters counters() {
        if (limitKbit == 0) {
            return new TbfCounters(0, 0, 0, 0);
        }
        Result r = run("tc", "-s", "qdisc", "show", "dev", hostInterface).orFail();
        Matcher m = TBF_COUNTERS.matcher(r.output);
        if (!m.find()) {
            throw new AssertionError("no tbf counters in: " + r.output);
        }
        return new TbfCounters(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
    }

    /** Counters of the tbf qdisc, as {@code tc -s qdisc show} prints them. */
    public record TbfCounters(long bytes, long packets, long dropped, long overlimits) {
        /** What happened between {@code earlier} and this. */
        public TbfCounters minus(TbfCounters earlier) {
            return new TbfCounters(bytes - earlier.bytes, packets - earlier.packets,
                    dropped - earlier.dropped, overlimits - earlier.overlimits);
        }

        @Override
        public String toString() {
            long offered = packets + dropped;
            return String.format("sent %d packets (%d bytes), dropped %d (%.1f %% of offered), overlimits %d",
                    packets, bytes, dropped, offered == 0 ? 0.0 : 100.0 * dropped / offered, overlimits);
        }
    }

    /** Stops chromedriver and whatever it left in the namespace, deletes the namespace and the link. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The JVM is shutting down (the hook runs cleanUp itself) or the hook was never added.
        }
        cleanUp();
    }

    private synchronized void cleanUp() {
        if (chromedriver != null) {
            stop(chromedriver.toHandle());
            chromedriver = null;
        }
        deleteNamespace(namespace);
        run("ip", "link", "del", hostInterface); // gone with the namespace already, unless that failed
        LOG.info("bottleneck {}: namespace {} and link {} deleted", label, namespace, hostInterface);
    }

    /** Ends the processes still in {@code ns} (ours: only this fixture starts processes there) and deletes it. */
    private static void deleteNamespace(String ns) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<ProcessHandle> inside = pidsIn(ns);
            if (inside.isEmpty()) {
                break;
            }
            inside.forEach(BottleneckLink::stop);
        }
        Result r = run("ip", "netns", "del", ns);
        if (!r.ok()) {
            LOG.warn("could not delete namespace {}: {}", ns, r.output);
        }
    }

    private static List<ProcessHandle> pidsIn(String ns) {
        List<ProcessHandle> out = new ArrayList<>();
        Result r = run("ip", "netns", "pids", ns);
        if (r.ok()) {
            r.output.lines().map(String::trim).filter(l -> l.matches("\\d+"))
                    .forEach(l -> ProcessHandle.of(Long.parseLong(l)).ifPresent(out::add));
        }
        return out;
    }

    /** SIGTERM, then SIGKILL after 3 s. */
    private static void stop(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                LOG.warn("process {} did not exit", p.pid());
            }
        }
    }

    /** Deletes namespaces this fixture made in JVMs that no longer run (crashed or killed runs). */
    private static void deleteLeftovers() {
        Result list = run("ip", "netns", "list");
        if (!list.ok()) {
            return;
        }
        for (String line : list.output.lines().toList()) {
            Matcher m = OWN_NAMESPACE.matcher(line);
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)) {
                String ns = line.split("\\s")[0];
                LOG.warn("deleting namespace {} left by an earlier run", ns);
                deleteNamespace(ns);
                run("ip", "link", "del", "sfubw" + m.group(2) + "h");
            }
        }
    }

    /** A /30 in 10.213.0.0/16 that no interface here has, starting from one derived from our pid. */
    private static int freeSubnet() {
        String addresses = run("ip", "-o", "-4", "addr", "show").orFail().output;
        int start = (int) (ProcessHandle.current().pid() % 254);
        for (int i = 0; i < 254; i++) {
            int x = (start + i) % 254 + 1;
            if (!addresses.contains(" 10.213." + x + ".")) {
                return x;
            }
        }
        throw new AssertionError("no free 10.213.X.0/30 for a bottleneck link:\n" + addresses);
    }

    private Result inNamespace(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(cmd));
        return run(full.toArray(String[]::new));
    }

    private void tc(String... args) {
        List<String> full = new ArrayList<>(List.of("tc"));
        full.addAll(List.of(args));
        run(full.toArray(String[]::new)).orFail();
    }

    private record Result(List<String> command, int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        Result orFail() {
            if (!ok()) {
                throw new AssertionError(String.join(" ", command) + " failed (" + exit + "): " + output);
            }
            return this;
        }
    }

    private static Result run(String... cmd) {
        List<String> command = List.of(cmd);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(command, -1, "timed out after " + COMMAND.toMillis() + " ms");
            }
            return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(command, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, -1, "interrupted");
        }
    }
}
