package dev.sfu.signaling.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Unmatched;

import java.util.List;

/**
 * The command tree of the {@code ./sfu} launcher, declared for picocli: {@code serve},
 * {@code token}, {@code loadtest}, {@code bench}, {@code test}, {@code completion} and {@code help}.
 * The server parses {@code serve} and {@code token}; the launcher script runs the others with
 * their own class path, so here they are entries that give their description to {@code --help}
 * (and {@code loadtest} its options, when the benchmarks module passes them in for the completion script).
 */
@Command(name = "./sfu", usageHelpWidth = 110, synopsisSubcommandLabel = "[COMMAND]",
        customSynopsis = "./sfu [COMMAND] [OPTIONS]", descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        description = "A selective forwarding unit (SFU) for WebRTC group calls.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Without a command, ./sfu runs serve. './sfu COMMAND --help' describes a command's options."})
public final class SfuCommands {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help (also: ./sfu help [COMMAND])")
    boolean help;

    private SfuCommands() {
    }

    /** The command tree with the placeholder {@code loadtest} (its options live in the benchmarks module). */
    public static picocli.CommandLine root() {
        return root(new LoadTest());
    }

    /** The command tree with {@code loadtest} declared by {@code loadtest}, a picocli command object. */
    public static picocli.CommandLine root(Object loadtest) {
        picocli.CommandLine root = new picocli.CommandLine(new SfuCommands());
        root.addSubcommand("serve", new ServeOptions());
        root.addSubcommand("test", new Test());
        root.addSubcommand("loadtest", loadtest);
        root.addSubcommand("bench", new Bench());
        root.addSubcommand("token", new TokenCommand.Options());
        root.addSubcommand("completion", new Completion());
        root.addSubcommand("help", new picocli.CommandLine.HelpCommand());
        // As the hand-written parser did: a repeated single-valued option keeps its last value.
        root.setOverwrittenOptionsAllowed(true);
        // An argument starting with @ is a value (a room, a name), never a file of arguments.
        root.setExpandAtFiles(false);
        return root;
    }

    /** Parses {@code args} (a command first) with {@code root}; a bad line throws {@link UsageError}. */
    public static ParseResult parse(picocli.CommandLine root, String... args) {
        try {
            return root.parseArgs(args);
        } catch (ParameterException e) {
            throw UsageError.of(e);
        }
    }

    /** The usage text of a command of the tree, or of the tree itself for null. */
    public static String usage(picocli.CommandLine root, String command) {
        picocli.CommandLine c = command == null ? root : root.getSubcommands().get(command);
        return UsageError.usage(c == null ? root : c);
    }

    /** {@code ./sfu --help}: the commands, then the options of serve, the default command. */
    public static String help() {
        picocli.CommandLine root = root();
        return usage(root, null) + System.lineSeparator() + usage(root, "serve");
    }

    /** The bash completion script for the tree (source it, or put it in /etc/bash_completion.d/sfu). */
    public static String completionScript(picocli.CommandLine root) {
        return picocli.AutoComplete.bash("sfu", root);
    }

    @Command(name = "test", description = "Install what the tests need, then run the whole test suite (mvn verify)")
    static final class Test {
        @Unmatched
        List<String> mavenArgs;
    }

    @Command(name = "loadtest", description = "Synthetic publishers/subscribers against a running server "
            + "(./sfu loadtest --help)")
    static final class LoadTest {
        @Unmatched
        List<String> args;
    }

    @Command(name = "bench", description = "JMH benchmarks of the packet path; the arguments go to JMH "
            + "(./sfu bench -h lists them)")
    static final class Bench {
        @Unmatched
        List<String> jmhArgs;
    }

    @Command(name = "completion", description = "Print the bash completion script: "
            + "source <(./sfu completion)")
    static final class Completion {
    }
}
