package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ColdConnectProbe} in fresh JVMs when {@code -Dsfu.coldprobe.runs=N} is given
 * (manual measurement, skipped otherwise); {@code -Dsfu.coldprobe.burners=B} adds CPU burners.
 */
class ColdConnectProbeRunner {
    @Test
    void firstConnectionOfFreshProcesses() throws Exception {
        int runs = Integer.getInteger("sfu.coldprobe.runs", 0);
        assumeTrue(runs > 0, "manual probe");
        String burners = System.getProperty("sfu.coldprobe.burners", "2");
        String debug = System.getProperty("sfu.coldprobe.debug", "false");
        Files.writeString(Path.of("target", "probe-classpath.txt"), System.getProperty("java.class.path"));
        for (int i = 0; i < runs; i++) {
            Path log = Path.of("target", "coldprobe-" + i + ".log");
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "-Dsfu.probe.debug=" + debug,
                    ColdConnectProbe.class.getName(), burners))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.waitFor();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("RESULT")) {
                    System.out.println("run " + i + " " + line);
                }
            }
        }
    }
}
