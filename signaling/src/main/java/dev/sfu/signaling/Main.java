package dev.sfu.signaling;

/** Entry point of the {@code ./sfu} launcher. Subcommands are added as they are built. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("""
                Usage: ./sfu [COMMAND] [OPTIONS]

                A selective forwarding unit (SFU) for WebRTC group calls.

                Commands:
                  serve        start the server (default; not built yet)
                  loadtest     synthetic publishers and subscribers (not built yet)
                  help         print this help
                """);
    }
}
