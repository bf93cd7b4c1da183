package dev.sfu.rtp.ffi;

/**
 * Whether a class that calls native code through the foreign linker can be used in this JVM.
 * Nothing here refers to the linker's types, so callers can ask on any JVM.
 */
public final class Linkage {
    private Linkage() {
    }

    /**
     * Initialises {@code className} (a holder of downcall handles) and returns null, or why it
     * cannot be: no {@code jdk.incubator.foreign} module, native access not enabled, a missing
     * symbol or library. By name, because a class literal would link the foreign types where
     * they do not exist.
     */
    public static String whyNotUsable(String className, ClassLoader loader) {
        try {
            Class.forName(className, true, loader);
            return null;
        } catch (Throwable t) {
            Throwable cause = t.getCause() != null ? t.getCause() : t;
            return cause.toString();
        }
    }
}
