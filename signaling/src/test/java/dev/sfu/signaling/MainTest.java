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
}
