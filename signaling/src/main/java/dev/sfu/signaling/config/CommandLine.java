package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's command line: a command and options, turned into a {@link Config}.
 * Precedence, strongest first: flags, {@code -D} system properties, {@code --config FILE},
 * environment variables named in reference.conf, reference.conf defaults.
 *
 * @param command   "serve" or "help"
 * @param overrides the config keys set by flags
 * @param file      the --config file, null when none
 */
public record CommandLine(String command, Map<String, Object> overrides, File file) {

    /** The help text listing every command and option. */
    public static final String HELP = """
            Usage: ./sfu [COMMAND] [OPTIONS]

            A selective forwarding unit (SFU) for WebRTC group calls.

            Commands:
              serve                     start the server (the default)
              test                      install what the tests need, then run the whole test suite
              loadtest [OPTIONS]        synthetic publishers/subscribers against a running server
              bench [JMH ARGS]          JMH benchmarks of the packet path
              token --room R --identity I [--name N] [--ttl 10m] [--subscribe-only]
                                        print a join token signed with SFU_JWT_SECRET (./sfu token --help)
              help, --help, -h          print this help

            Options of serve:
              --http-port PORT          HTTP and WebSocket port (default 8080; env SFU_HTTP_PORT)
              --media-port PORT         the single UDP media port (default 10000; env SFU_MEDIA_PORT)
              --bind ADDRESS            address both ports bind to (default 0.0.0.0; env SFU_BIND)
              --advertise-address ADDR  address for ICE candidates; repeat for several
                                        (default: the bind address; env SFU_ADVERTISE_ADDRESSES=a,b)
              --tls-cert FILE           serve HTTPS and WSS with this PEM certificate chain (env SFU_TLS_CERT);
                                        a replaced file is used for new connections without a restart
              --tls-key FILE            the certificate's PEM private key (env SFU_TLS_KEY)
              --tls-self-signed         HTTPS with a self-signed certificate for LAN trials, made once and kept in
                                        ~/.sfu/tls (sfu.http.tls.self-signed-dir); prints its fingerprint
              --stun-url URL            a STUN server for browsers (stun:HOST:PORT); repeat for several
                                        (env SFU_STUN_URLS=a,b)
              --turn-url URL            a TURN server for browsers (turn:HOST:PORT?transport=udp); repeat for
                                        several (env SFU_TURN_URLS=a,b). Its credentials come from the environment:
                                        SFU_TURN_SECRET (coturn use-auth-secret: time-limited per participant,
                                        TTL sfu.webrtc.turn.credential-ttl, default 24h), or SFU_TURN_USERNAME
                                        and SFU_TURN_CREDENTIAL (static)
              --ice-transport-policy P  all (default) or relay: browsers send media only through TURN
                                        (env SFU_ICE_TRANSPORT_POLICY)
              --config FILE             a HOCON file overriding reference.conf (keys under sfu { ... })
              --help                    print this help

            Any setting can also be given as a system property, e.g. JAVA_OPTS=-Dsfu.rooms.max-participants=8.
            Simulcast and speakers: -Dsfu.rooms.last-n=N (video of the N latest speakers only; env SFU_LAST_N),
            -Dsfu.simulcast.dynacast=false, -Dsfu.simulcast.tile-size-factor=F (see docs/operations.md).
            Join tokens: SFU_JWT_SECRET (HS256, at least 32 bytes) and/or SFU_JWT_PUBLIC_KEYS=FILE (ES256/RS256
            public keys, PEM or JWKS) make joining need a token (?token= in the page's address); without them
            rooms are open. Rate limits: -Dsfu.limits.<name>=N (docs/operations.md lists them).
            Resume: a participant whose WebSocket drops stays in its room for -Dsfu.signaling.resume-grace=20s
            (env SFU_RESUME_GRACE; 0s: leave at once) so that its page can reconnect as the same participant.
            The page is served at http://HOST:PORT/ and the signaling WebSocket at ws://HOST:PORT/ws (https:// and
            wss:// with TLS); GET /webrtc/config gives browsers the ICE servers. Production setup (TLS, a reverse
            proxy, TURN with coturn, firewall ports): docs/operations.md.
            """;

    /** Parses the arguments; throws {@link IllegalArgumentException} with a sentence on a bad one. */
    public static CommandLine parse(String[] args) {
        String command = "serve";
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("-")) {
            command = switch (args[0]) {
                case "serve" -> "serve";
                case "help" -> "help";
                case "token" -> throw new IllegalArgumentException("The command 'token' is parsed by TokenCommand.");
                case "test", "loadtest", "bench" -> throw new IllegalArgumentException("The command '" + args[0]
                        + "' is run by the ./sfu launcher, not by this class.");
                default -> throw new IllegalArgumentException("Unknown command '" + args[0] + "'.");
            };
            i = 1;
        }
        Map<String, Object> overrides = new HashMap<>();
        List<String> advertise = new ArrayList<>();
        List<String> stun = new ArrayList<>();
        List<String> turn = new ArrayList<>();
        File file = null;
        for (; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> command = "help";
                case "--tls-self-signed" -> {
                    if (value != null) {
                        throw new IllegalArgumentException("The option --tls-self-signed takes no value "
                                + "(the folder is sfu.http.tls.self-signed-dir).");
                    }
                    overrides.put("sfu.http.tls.self-signed", true);
                }
                case "--tls-cert", "--tls-key", "--stun-url", "--turn-url", "--ice-transport-policy" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("The option " + arg + " needs a value.");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--tls-cert" -> overrides.put("sfu.http.tls.cert", existingFile(arg, value));
                        case "--tls-key" -> overrides.put("sfu.http.tls.key", existingFile(arg, value));
                        case "--stun-url" -> stun.add(value);
                        case "--turn-url" -> turn.add(value);
                        default -> overrides.put("sfu.webrtc.ice-transport-policy", value);
                    }
                }
                case "--http-port", "--media-port", "--bind", "--advertise-address", "--config" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("The option " + arg + " needs a value.");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--http-port" -> overrides.put("sfu.http.port", port(arg, value));
                        case "--media-port" -> overrides.put("sfu.media.port", port(arg, value));
                        case "--bind" -> {
                            overrides.put("sfu.http.bind", value);
                            overrides.put("sfu.media.bind", value);
                        }
                        case "--advertise-address" -> advertise.add(value);
                        default -> {
                            file = new File(value);
                            if (!file.isFile()) {
                                throw new IllegalArgumentException("The config file '" + value + "' does not exist.");
                            }
                        }
                    }
                }
                default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'.");
            }
        }
        if (!advertise.isEmpty()) {
            overrides.put("sfu.media.advertise-addresses", advertise);
        }
        if (!stun.isEmpty()) {
            overrides.put("sfu.webrtc.stun-urls", stun);
        }
        if (!turn.isEmpty()) {
            overrides.put("sfu.webrtc.turn.urls", turn);
        }
        return new CommandLine(command, overrides, file);
    }

    /** The configuration this command line selects, resolved. */
    public Config config() {
        Config reference = ConfigFactory.parseResources(CommandLine.class.getClassLoader(), "reference.conf");
        Config fromFile = file == null ? ConfigFactory.empty()
                : ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        return ConfigFactory.parseMap(overrides, "command-line flags")
                .withFallback(ConfigFactory.parseProperties(System.getProperties()))
                .withFallback(fromFile)
                .withFallback(reference)
                .resolve();
    }

    private static String existingFile(String option, String value) {
        if (!new File(value).isFile()) {
            throw new IllegalArgumentException("The option " + option + " names '" + value + "', which is not a readable file.");
        }
        return value;
    }

    private static int port(String option, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException("The option " + option + " needs a port number 0-65535, not '" + value + "'.");
    }
}
