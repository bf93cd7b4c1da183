package dev.sfu.core.transport;

import java.util.List;

/**
 * The JVM options that let the media port use native I/O ({@link NativeUdpSocket}), for code
 * that starts a server in a child JVM (tests, tools): the same the {@code ./sfu} launcher passes.
 */
public final class NativeIoFlags {
    private NativeIoFlags() {
    }

    /** The options, or none when this JVM has no foreign-linker module to pass on. */
    public static List<String> forChildJvm() {
        return ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent()
                ? List.of("--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED")
                : List.of();
    }
}
