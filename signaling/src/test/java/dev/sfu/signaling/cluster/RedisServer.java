package dev.sfu.signaling.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (Debian's package, installed by scripts/install-test-deps.sh) on a
 * free loopback port, without persistence, in a temporary directory. {@link #kill} and
 * {@link #restart} play an outage; the restarted server, on the same port, has lost every key.
 */
public final class RedisServer implements AutoCloseable {
    private static final String BINARY = "redis-server";

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static RedisServer start() throws IOException, InterruptedException {
        if (!installed()) {
            throw new IllegalStateException("redis-server is not installed, and the cluster tests start a real one: "
                    + "run scripts/install-test-deps.sh (it installs the Debian package redis-server)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(Files.createTempDirectory("sfu-redis"), port);
        r.launch();
        return r;
    }

    private static boolean installed() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (new File(d, BINARY).canExecute()) {
                    return true;
                }
            }
        }
        return new File("/usr/bin/" + BINARY).canExecute();
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            if (pong()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer PING on 127.0.0.1:" + port + " within 10 s");
    }

    private boolean pong() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes every key (between tests sharing one server). */
    public void flushAll() throws IOException {
        if (!command("FLUSHALL").equals("+OK")) {
            throw new IOException("FLUSHALL was not answered +OK");
        }
    }

    /** Sends one inline command (arguments without spaces) and returns the first line of the reply, e.g. ":812". */
    public String command(String line) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            StringBuilder reply = new StringBuilder();
            InputStream in = s.getInputStream();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                reply.append((char) c);
            }
            return reply.toString();
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Kills the server (SIGKILL): its connections drop, its keys are gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts a new server on the same port (empty, like a Redis restarted without persistence). */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
