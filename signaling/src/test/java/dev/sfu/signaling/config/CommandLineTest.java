package dev.sfu.signaling.config;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reference.conf defaults and their overrides by file, system property and flags; the picocli help and errors. */
class CommandLineTest {

    @Test
    void defaultsComeFromReferenceConf() {
        ServerConfig c = ServerConfig.from(CommandLine.parse(new String[0]).config());
        assertEquals(8080, c.httpPort());
        assertEquals("0.0.0.0", c.httpBind());
        assertEquals(10000, c.mediaPort());
        assertEquals(List.of(), c.advertiseAddresses());
        assertEquals(50, c.maxParticipants());
        assertEquals(65536, c.maxMessageBytes());
        assertEquals(Duration.ofSeconds(10), c.offerTimeout());
    }

    @Test
    void congestionControlComesFromItsBlock() throws IOException {
        ServerConfig d = ServerConfig.from(CommandLine.parse(new String[0]).config());
        assertEquals(dev.sfu.core.cc.CongestionControlConfig.defaults(), d.congestionControl(),
                "reference.conf and the code agree on the defaults");
        File f = File.createTempFile("sfu", ".conf");
        f.deleteOnExit();
        Files.writeString(f.toPath(), "sfu.congestion-control { enabled = false, initial-kbps = 500, max-kbps = 8000,"
                + " pacing-factor = 1.5, pacer-queue-packets = 100, pacer-max-delay = 250ms }");
        ServerConfig c = ServerConfig.from(CommandLine.parse(new String[] {"serve", "--config", f.getPath()}).config());
        var cc = c.congestionControl();
        assertEquals(false, cc.enabled());
        assertEquals(500_000L, cc.initialBitrateBps());
        assertEquals(100_000L, cc.minBitrateBps());
        assertEquals(8_000_000L, cc.maxBitrateBps());
        assertEquals(1.5, cc.pacingFactor());
        assertEquals(100, cc.pacerQueuePackets());
        assertEquals(250_000_000L, cc.pacerMaxDelayNanos());
        Files.writeString(f.toPath(), "sfu.congestion-control.initial-kbps = 50");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.from(CommandLine.parse(new String[] {"serve", "--config", f.getPath()}).config()));
        assertTrue(e.getMessage().contains("min <= initial"), e.getMessage());
    }

    @Test
    void flagsOverrideEverything() throws IOException {
        File f = File.createTempFile("sfu", ".conf");
        f.deleteOnExit();
        Files.writeString(f.toPath(), "sfu { http.port = 7000, rooms.max-participants = 4 }");
        ServerConfig c = ServerConfig.from(CommandLine.parse(new String[] {"serve", "--http-port", "9090",
            "--media-port=10500", "--bind", "127.0.0.1", "--advertise-address", "10.0.0.1",
            "--advertise-address", "192.0.2.7", "--config", f.getPath()}).config());
        assertEquals(9090, c.httpPort());
        assertEquals(10500, c.mediaPort());
        assertEquals("127.0.0.1", c.httpBind());
        assertEquals("127.0.0.1", c.mediaBind());
        assertEquals(List.of("10.0.0.1", "192.0.2.7"), c.advertiseAddresses());
        assertEquals(4, c.maxParticipants());
    }

    @Test
    void systemPropertyOverridesTheDefault() {
        System.setProperty("sfu.rooms.max-participants", "7");
        try {
            assertEquals(7, ServerConfig.from(CommandLine.parse(new String[0]).config()).maxParticipants());
        } finally {
            System.clearProperty("sfu.rooms.max-participants");
        }
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--http-port"}))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--http-port", "x"}))
                .getMessage().contains("port number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--frobnicate"}))
                .getMessage().contains("Unknown option"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"dance"}))
                .getMessage().contains("Unknown command"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--config", "/no/such"}))
                .getMessage().contains("does not exist"));
        assertEquals("help", CommandLine.parse(new String[] {"--help"}).command());
        assertEquals("help", CommandLine.parse(new String[] {"serve", "-h"}).command());
    }

    @Test
    void helpListsEveryCommandAndOption() {
        for (String s : List.of("serve", "test", "loadtest", "bench", "--http-port", "--media-port", "--bind",
                "--advertise-address", "--config", "--help", "--tls-cert", "--tls-key", "--tls-self-signed",
                "--stun-url", "--turn-url", "--ice-transport-policy", "SFU_TURN_SECRET")) {
            assertTrue(CommandLine.HELP.contains(s), s);
        }
    }

    @Test
    void tlsAndIceServerFlagsReachTheirSettings() throws IOException {
        File cert = File.createTempFile("sfu", ".crt");
        File key = File.createTempFile("sfu", ".key");
        File conf = File.createTempFile("sfu", ".conf");
        cert.deleteOnExit();
        key.deleteOnExit();
        conf.deleteOnExit();
        Files.writeString(conf.toPath(), "sfu.webrtc.turn { secret = \"s3cret\", credential-ttl = 2h }");
        var config = CommandLine.parse(new String[] {"serve", "--tls-cert", cert.getPath(), "--tls-key=" + key.getPath(),
            "--stun-url", "stun:a.example:3478", "--stun-url", "stun:b.example:3478", "--turn-url", "turn:t.example:3478",
            "--ice-transport-policy", "relay", "--config", conf.getPath()}).config();
        var tls = dev.sfu.signaling.tls.TlsConfig.from(config);
        assertEquals(cert.toPath(), tls.certFile());
        assertEquals(key.toPath(), tls.keyFile());
        var ice = dev.sfu.signaling.ice.IceServersConfig.from(config);
        assertEquals(List.of("stun:a.example:3478", "stun:b.example:3478"), ice.stunUrls());
        assertEquals(List.of("turn:t.example:3478"), ice.turnUrls());
        assertEquals("relay", ice.iceTransportPolicy());
        assertEquals(Duration.ofHours(2), ice.turnCredentialTtl());
        assertTrue(ice.usesSecret());
        assertTrue(!ice.toString().contains("s3cret"), "the secret is never printed: " + ice);

        var defaults = CommandLine.parse(new String[0]).config();
        assertTrue(!dev.sfu.signaling.tls.TlsConfig.from(defaults).enabled(), "plain HTTP by default");
        assertEquals(dev.sfu.signaling.ice.IceServersConfig.none(), dev.sfu.signaling.ice.IceServersConfig.from(defaults));
        var self = dev.sfu.signaling.tls.TlsConfig.from(CommandLine.parse(new String[] {"--tls-self-signed"}).config());
        assertTrue(self.selfSigned());
        assertEquals(java.nio.file.Path.of(System.getProperty("user.home"), ".sfu", "tls"), self.selfSignedDir());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--tls-cert", "/nonexistent/cert.pem"}));
        assertTrue(missing.getMessage().contains("/nonexistent/cert.pem"), missing.getMessage());
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> dev.sfu.signaling.tls.TlsConfig.from(CommandLine.parse(new String[] {"--tls-cert", cert.getPath()}).config()));
        assertTrue(half.getMessage().contains("--tls-key"), half.getMessage());
    }

    private static String usageError(String... args) {
        return assertThrows(UsageError.class, () -> CommandLine.parse(args)).getMessage();
    }

    @Test
    void unknownOptionIsNamedWithTheNearestOptionAndTheHelpHint() {
        String e = usageError("--http-prt", "8081");
        assertTrue(e.startsWith("Unknown option '--http-prt'."), e);
        assertTrue(e.contains("Did you mean --http-port?"), e);
        assertTrue(e.contains("Run './sfu serve --help'"), e);
        UsageError u = assertThrows(UsageError.class, () -> CommandLine.parse(new String[] {"serve", "--nope"}));
        assertTrue(u.usage().startsWith("Usage: ./sfu serve"), u.usage());
        String command = usageError("dance");
        assertTrue(command.startsWith("Unknown command 'dance'.") && command.contains("Run './sfu --help'"), command);
    }

    @Test
    void badValueNamesTheOptionAndTheAcceptedValues() {
        for (String bad : List.of("abc", "70000", "-1")) {
            String e = usageError("--media-port", bad);
            assertTrue(e.contains("'--media-port'") && e.contains("port number 0-65535") && e.contains("'" + bad + "'")
                    && e.contains("--help"), e);
        }
        String http = usageError("serve", "--http-port=8o80");
        assertTrue(http.contains("'--http-port'") && http.contains("0-65535") && http.contains("'8o80'"), http);
        String flag = usageError("--tls-self-signed=/tmp");
        assertTrue(flag.contains("--tls-self-signed"), flag);
    }

    @Test
    void anArgumentStartingWithAtIsAValueNotAnArgumentFile() throws IOException {
        File f = File.createTempFile("sfu", ".args");
        f.deleteOnExit();
        Files.writeString(f.toPath(), "--room other");
        TokenCommand t = TokenCommand.parse(new String[] {"token", "--room", "r", "--identity", "@" + f.getPath()}, 1);
        assertEquals("@" + f.getPath(), t.identity());
        assertEquals("r", t.room());
    }

    @Test
    void repeatedOptionKeepsTheLastValueAsBefore() {
        ServerConfig c = ServerConfig.from(CommandLine.parse(new String[] {"--http-port", "9001", "--http-port=9002"}).config());
        assertEquals(9002, c.httpPort());
    }

    @Test
    void serveHelpListsEveryOptionWithTheDefaultsOfReferenceConf() {
        CommandLine help = CommandLine.parse(new String[] {"serve", "--help"});
        assertEquals("help", help.command());
        String text = help.usage();
        assertTrue(text.startsWith("Usage: ./sfu serve [OPTIONS]"), text);
        ServerConfig d = ServerConfig.from(CommandLine.parse(new String[0]).config());
        assertTrue(optionText(text, "--http-port").contains("Default: " + d.httpPort()), text);
        assertTrue(optionText(text, "--media-port").contains("Default: " + d.mediaPort()), text);
        assertTrue(optionText(text, "--bind").contains("Default: " + d.httpBind()), text);
        assertTrue(optionText(text, "--ice-transport-policy").contains("Default: "
                + dev.sfu.signaling.ice.IceServersConfig.from(CommandLine.parse(new String[0]).config()).iceTransportPolicy()));
        for (String option : List.of("--advertise-address", "--tls-cert", "--tls-key", "--tls-self-signed", "--stun-url",
                "--turn-url", "--config", "--help")) {
            assertTrue(text.contains(option), option);
        }
        assertEquals(text, CommandLine.parse(new String[] {"help", "serve"}).usage(), "./sfu help serve says the same");
    }

    @Test
    void rootHelpListsEveryCommandOfTheLauncher() {
        String root = CommandLine.parse(new String[] {"--help"}).usage();
        for (String command : List.of("serve", "test", "loadtest", "bench", "token", "completion", "help")) {
            assertTrue(root.contains("\n  " + command + " "), command + " in " + root);
        }
    }

    @Test
    void tokenHelpListsItsOptionsWithTheirDefaults() {
        String text = TokenCommand.HELP;
        assertTrue(text.startsWith("Usage: ./sfu token --room ROOM --identity ID"), text);
        for (String option : List.of("--room", "--identity", "--name", "--subscribe-only", "--config", "--help")) {
            assertTrue(text.contains(option), option);
        }
        assertTrue(optionText(text, "--ttl").contains("Default: 10m"), text);
        assertEquals(text, CommandLine.parse(new String[] {"help", "token"}).usage());
        String ttl = assertThrows(UsageError.class, () -> TokenCommand.parse(new String[] {"token", "--room", "r",
            "--identity", "i", "--ttl", "soon"}, 1)).getMessage();
        assertTrue(ttl.contains("'--ttl'") && ttl.contains("90s, 10m, 2h or 1d") && ttl.contains("'soon'"), ttl);
    }

    /** The help text from the line of {@code option} to the next option's line. */
    private static String optionText(String help, String option) {
        int start = help.indexOf("  " + option + "=");
        assertTrue(start >= 0, option + " in " + help);
        int next = help.indexOf("\n      --", start + 1);
        int nextShort = help.indexOf("\n  -", start + 1);
        int end = next < 0 ? help.length() : next;
        if (nextShort >= 0 && nextShort < end) {
            end = nextShort;
        }
        return help.substring(start, end);
    }
}
