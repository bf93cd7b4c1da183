package dev.sfu.signaling.config;

import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;

/**
 * A bad command line: a sentence naming the bad option or command and what it accepts, ending
 * with a hint to run {@code --help}, and the usage text of the command that was being parsed.
 * Made from picocli's {@link ParameterException}, whose messages it keeps except where a
 * plainer sentence says the same ("Unknown option '--x'.", "The option --x needs a value (PORT).").
 */
public final class UsageError extends IllegalArgumentException {
    private final String usage;

    public UsageError(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    /** The usage text of the command whose arguments were wrong. */
    public String usage() {
        return usage;
    }

    /** The error for picocli's exception, with the hint naming the command's own --help. */
    public static UsageError of(ParameterException e) {
        picocli.CommandLine command = e.getCommandLine();
        return new UsageError(sentence(e) + " Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options.",
                usage(command));
    }

    /** The usage text of a command, without colours. */
    public static String usage(picocli.CommandLine command) {
        return command.getUsageMessage(Help.Ansi.OFF);
    }

    private static String sentence(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            String s;
            if (arg.startsWith("-")) {
                s = "Unknown option '" + arg + "'.";
            } else if (!e.getCommandLine().getSubcommands().isEmpty()) {
                s = "Unknown command '" + arg + "'.";
            } else {
                s = "Unexpected argument '" + arg + "'.";
            }
            List<String> suggestions = u.getSuggestions();
            if (arg.startsWith("-") && !suggestions.isEmpty()) {
                s += " Did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?";
            }
            return s;
        }
        if (e instanceof MissingParameterException m) {
            for (ArgSpec missing : m.getMissing()) {
                if (missing instanceof OptionSpec option) {
                    return "The option " + option.longestName() + " needs a value (" + option.paramLabel() + ").";
                }
            }
        }
        String m = e.getMessage();
        return m.endsWith(".") ? m : m + ".";
    }
}
