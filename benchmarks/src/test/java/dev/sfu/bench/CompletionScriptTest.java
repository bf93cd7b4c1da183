package dev.sfu.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./sfu completion}: picocli's bash script, sourced in a real bash, completes commands, options and values. */
class CompletionScriptTest {
    @TempDir
    static Path dir;
    static Path script;

    @BeforeAll
    static void writeScript() throws IOException {
        script = dir.resolve("sfu_completion");
        Files.writeString(script, CompletionMain.script());
    }

    /** What the script offers for the words typed so far (the last one being completed). */
    private static String complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append('\'');
        }
        String line = String.join(" ", words);
        String bash = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_sfu 2>/dev/null; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out.strip();
    }

    @Test
    void scriptIsValidBashAndRegistersTheSfuCommand() throws Exception {
        Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(Files.readString(script).contains("complete -F _complete_sfu"), "bound to sfu (and ./sfu)");
    }

    @Test
    void completesCommandsOptionsOfEachCommandAndTheirValues() throws Exception {
        assertEquals("serve test loadtest bench token completion help",
                complete("./sfu", "").replace('\n', ' '));
        assertEquals("--subscriber-kbps", complete("./sfu", "loadtest", "--subscriber-k"));
        assertEquals("--media-port", complete("./sfu", "serve", "--media-p"));
        assertEquals("--ttl", complete("./sfu", "token", "--tt"));
        assertEquals("all relay", complete("./sfu", "serve", "--ice-transport-policy", "").replace('\n', ' '));
        assertEquals("q h f", complete("./sfu", "loadtest", "--subscribe-layer", "").replace('\n', ' '));
    }
}
