package dev.sfu.signaling;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's exit statuses and messages. */
class MainTest {
    @Test
    void helpExitsZeroAndBadFlagsExitTwoWithTheHelp() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--advertise-address"));
        assertEquals(2, Main.run(new String[] {"serve", "--nope"}, new PrintStream(out), new PrintStream(err)));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("sfu: Unknown option '--nope'."), e);
        assertTrue(e.contains("Usage: ./sfu"), e);
    }

    /** {@code ./sfu token} prints the token alone on stdout, one the server with the same secret accepts. */
    @Test
    void tokenPrintsATokenTheServerAcceptsAndExplainsAMissingSecret() throws Exception {
        String secret = "main-test-secret-0123456789-abcdefgh";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setProperty("sfu.auth.jwt-secret", secret);
        try {
            assertEquals(0, Main.run(new String[] {"token", "--room", "blue", "--identity", "ada", "--name", "Ada",
                "--ttl", "2h", "--subscribe-only"}, new PrintStream(out), new PrintStream(err)));
        } finally {
            System.clearProperty("sfu.auth.jwt-secret");
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"), printed);
        dev.sfu.signaling.auth.Grant g = dev.sfu.signaling.auth.JoinTokens.from(
                dev.sfu.signaling.auth.AuthConfig.withSecret(secret)).verify(printed.strip(), "blue");
        assertEquals("ada", g.identity());
        assertEquals("Ada", g.name());
        assertTrue(!g.canPublish() && g.canSubscribe());
        long ttl = g.expiresAt().getEpochSecond() - java.time.Instant.now().getEpochSecond();
        assertTrue(ttl > 7100 && ttl <= 7200, "2h: " + ttl);

        ByteArrayOutputStream none = new ByteArrayOutputStream();
        ByteArrayOutputStream why = new ByteArrayOutputStream();
        if (System.getenv("SFU_JWT_SECRET") == null) {
            assertEquals(2, Main.run(new String[] {"token", "--room", "blue", "--identity", "ada"}, new PrintStream(none),
                    new PrintStream(why)));
            assertEquals("", none.toString(StandardCharsets.UTF_8));
            assertTrue(why.toString(StandardCharsets.UTF_8).contains("set SFU_JWT_SECRET"), why.toString(StandardCharsets.UTF_8));
        }
        assertEquals(2, Main.run(new String[] {"token", "--identity", "ada"}, new PrintStream(none), new PrintStream(why)));
        assertTrue(why.toString(StandardCharsets.UTF_8).contains("needs --room"));
        assertEquals(0, Main.run(new String[] {"token", "--help"}, new PrintStream(none), new PrintStream(why)));
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("--subscribe-only"));
    }
}
