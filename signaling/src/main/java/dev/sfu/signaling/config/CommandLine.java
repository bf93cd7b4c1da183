package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import picocli.CommandLine.ParseResult;

import java.io.File;
import java.util.Map;

/**
 * The launcher's command line: a command and options, turned into a {@link Config}. picocli
 * parses it ({@link SfuCommands}, {@link ServeOptions}); this record keeps what the flags set.
 * Precedence, strongest first: flags, {@code -D} system properties, {@code --config FILE},
 * environment variables named in reference.conf, reference.conf defaults.
 *
 * @param command   "serve" or "help"
 * @param overrides the config keys set by flags
 * @param file      the --config file, null when none
 * @param usage     for "help": the text to print
 */
public record CommandLine(String command, Map<String, Object> overrides, File file, String usage) {

    /** The help text listing every command, then the options of serve. */
    public static final String HELP = SfuCommands.help();

    /** Parses the arguments; throws {@link UsageError} (an {@link IllegalArgumentException}) with a sentence on a bad one. */
    public static CommandLine parse(String[] args) {
        String[] line = args;
        if (line.length == 0 || (line[0].startsWith("-") && !line[0].equals("-h") && !line[0].equals("--help"))) {
            line = new String[args.length + 1];
            line[0] = "serve";
            System.arraycopy(args, 0, line, 1, args.length);
        }
        picocli.CommandLine root = SfuCommands.root();
        ParseResult parsed = SfuCommands.parse(root, line);
        ParseResult sub = parsed.subcommand();
        if (parsed.isUsageHelpRequested() || sub == null) {
            return help(HELP);
        }
        String name = sub.commandSpec().name();
        switch (name) {
            case "serve" -> {
                if (sub.isUsageHelpRequested()) {
                    return help(SfuCommands.usage(root, "serve"));
                }
                ServeOptions o = (ServeOptions) sub.commandSpec().userObject();
                return new CommandLine("serve", Map.copyOf(o.overrides()), o.configFile(), null);
            }
            case "help" -> {
                Object named = sub.commandSpec().positionalParameters().isEmpty() ? null
                        : sub.commandSpec().positionalParameters().get(0).getValue();
                String of = named instanceof String n && !n.isEmpty() ? n : null;
                return help(of == null ? HELP : SfuCommands.usage(root, of));
            }
            case "token" -> throw new IllegalArgumentException("The command 'token' is parsed by TokenCommand.");
            default -> throw new IllegalArgumentException("The command '" + name
                    + "' is run by the ./sfu launcher, not by this class.");
        }
    }

    private static CommandLine help(String usage) {
        return new CommandLine("help", Map.of(), null, usage);
    }

    /** The configuration this command line selects, resolved. */
    public Config config() {
        Config reference = ConfigFactory.parseResources(CommandLine.class.getClassLoader(), "reference.conf");
        Config fromFile = file == null ? ConfigFactory.empty()
                : ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        return ConfigFactory.parseMap(overrides, "command-line flags")
                .withFallback(ConfigFactory.parseProperties(System.getProperties()))
                .withFallback(fromFile)
                .withFallback(reference)
                .resolve();
    }
}
