package dev.sfu.signaling;

import dev.sfu.signaling.admin.AdminConfig;
import dev.sfu.signaling.auth.AuthConfig;
import dev.sfu.signaling.auth.JoinTokens;
import dev.sfu.signaling.cluster.ClusterConfig;
import dev.sfu.signaling.config.CommandLine;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.config.TokenCommand;
import dev.sfu.signaling.config.UsageError;
import dev.sfu.signaling.http.AccessControl;
import dev.sfu.signaling.limit.AccessCounters;
import dev.sfu.signaling.limit.LimitsConfig;
import dev.sfu.signaling.limit.RateLimits;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.tls.ReloadingSslContext;
import dev.sfu.signaling.tls.SelfSignedCertificate;
import dev.sfu.signaling.tls.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the {@code ./sfu} launcher: {@code serve} (the default), {@code token}, {@code help} and
 * {@code --help}, parsed with picocli ({@link dev.sfu.signaling.config.SfuCommands}).
 * A bad command line prints a sentence and the help to stderr and exits with status 2.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a command line. Returns the exit status for commands that end (help: 0, a usage
     * error: 2, a failed start: 1), or -1 after a server started and was stopped by a signal.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length > 0 && args[0].equals("token")) {
            return token(args, out, err);
        }
        CommandLine cl;
        ServerConfig config;
        AdminConfig admin;
        AccessControl access;
        TlsConfig tlsConfig;
        IceServersConfig ice;
        ClusterConfig cluster;
        try {
            cl = CommandLine.parse(args);
            if (cl.command().equals("help")) {
                out.print(cl.usage());
                return 0;
            }
            config = ServerConfig.from(cl.config());
            admin = AdminConfig.from(cl.config());
            access = new AccessControl(JoinTokens.from(AuthConfig.from(cl.config())),
                    new RateLimits(LimitsConfig.from(cl.config()), new AccessCounters()));
            tlsConfig = TlsConfig.from(cl.config());
            ice = IceServersConfig.from(cl.config());
            cluster = ClusterConfig.from(cl.config());
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            err.println("sfu: " + e.getMessage());
            err.println();
            err.print(e instanceof UsageError u ? u.usage() : CommandLine.HELP);
            return 2;
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(Main.class);
        ReloadingSslContext tls;
        try {
            tls = tls(tlsConfig, config, out);
        } catch (RuntimeException e) {
            err.println("sfu: " + e.getMessage());
            return 1;
        }
        log.info("ICE servers for browsers (GET /webrtc/config): {}", ice);
        Server server;
        try {
            server = Server.start(config, admin, tls, ice, access, cluster);
        } catch (IllegalStateException e) {
            log.error("could not start: {}", e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            log.error("could not start (http {}:{}, media udp {}:{}): {}", config.httpBind(), config.httpPort(),
                    config.mediaBind(), config.mediaPort(), e.toString());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (and Ctrl-C) drain first: /ready turns 503, then the server waits the grace
        // period so load balancers stop routing to it, then closes.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain();
            if (!admin.drainGrace().isZero()) {
                log.info("draining for {} before closing", admin.drainGrace());
                try {
                    Thread.sleep(admin.drainGrace().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            log.info("shutting down: closing rooms, transports and the HTTP server");
            server.close();
            stopped.countDown();
        }, "sfu-shutdown"));
        stopped.await();
        return -1;
    }

    /** {@code token ...}: the token alone on {@code out}; 0, or 2 with a sentence on {@code err}. */
    private static int token(String[] args, PrintStream out, PrintStream err) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                out.print(TokenCommand.HELP);
                return 0;
            }
        }
        try {
            TokenCommand t = TokenCommand.parse(args, 1);
            out.println(t.issue(t.config()));
            return 0;
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
            err.println("sfu token: " + e.getMessage());
            err.println();
            err.print(e instanceof UsageError u ? u.usage() : TokenCommand.HELP);
            return 2;
        }
    }

    /** The TLS context the settings ask for (null: plain HTTP); a self-signed one is made once and explained on {@code out}. */
    private static ReloadingSslContext tls(TlsConfig tls, ServerConfig config, PrintStream out) {
        if (tls.selfSigned()) {
            SelfSignedCertificate self = SelfSignedCertificate.ensure(tls.selfSignedDir());
            ReloadingSslContext ctx = ReloadingSslContext.load(self.certFile(), self.keyFile());
            String host = config.httpBind().equals("0.0.0.0") || config.httpBind().equals("::") ? "localhost"
                    : config.httpBind();
            out.print(self.instructions("https://" + host + ":" + config.httpPort()));
            out.flush();
            return ctx;
        }
        return tls.certFile() == null ? null : ReloadingSslContext.load(tls.certFile(), tls.keyFile());
    }
}
