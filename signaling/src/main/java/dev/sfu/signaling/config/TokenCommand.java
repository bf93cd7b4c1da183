package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import dev.sfu.signaling.auth.AuthConfig;
import dev.sfu.signaling.auth.TokenIssuer;
import dev.sfu.signaling.message.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ./sfu token --room R --identity I [--name N] [--ttl 10m] [--subscribe-only]}: a join
 * token signed with the configured HS256 secret ({@code SFU_JWT_SECRET}, or
 * {@code sfu.auth.jwt-secret} in {@code --config FILE}), for tests and trials.
 *
 * @param room          the room, or {@code *}
 * @param identity      {@code sub}
 * @param name          {@code name}, null for none
 * @param ttl           how long the token is valid
 * @param subscribeOnly {@code canPublish: false}
 * @param file          the --config file, null when none
 */
public record TokenCommand(String room, String identity, String name, Duration ttl, boolean subscribeOnly, File file) {
    /** The help text of {@code ./sfu token --help}. */
    public static final String HELP = SfuCommands.usage(SfuCommands.root(), "token");

    /** The options of {@code ./sfu token}, declared for picocli. */
    @Command(name = "token", usageHelpWidth = 110, sortOptions = false,
            descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
            customSynopsis = "./sfu token --room ROOM --identity ID [--name NAME] [--ttl 10m] [--subscribe-only] "
                    + "[--config FILE]",
            description = {"Print a join token (a JWT signed with HS256) alone on stdout, for tests and trials.",
                "For example:",
                "  ./sfu token --room blue-fox-42 --identity ada --name Ada",
                "then open http://HOST:8080/?room=blue-fox-42&token=<token>."},
            footer = {"", "The secret is the server's: the environment variable SFU_JWT_SECRET (at least 32 bytes),",
                "or sfu.auth.jwt-secret in the --config file. Tokens from ES256/RS256 keys are made by",
                "your application with its private key; see docs/operations.md."})
    static final class Options {
        @Option(names = "--room", paramLabel = "ROOM",
                description = "The room the token joins (A-Z a-z 0-9 _ -), or '*' for any room. Required")
        String room;

        @Option(names = "--identity", paramLabel = "ID",
                description = "The participant's identity (the 'sub' claim). Required")
        String identity;

        @Option(names = "--name", paramLabel = "NAME",
                description = "The display name the others see (else the one typed on the page)")
        String name;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "10m",
                converter = Converters.TokenLifetime.class,
                description = "How long the token is valid: 90s, 10m, 2h, 1d; at most 366 days.%n"
                        + "Default: ${DEFAULT-VALUE}")
        Duration ttl;

        @Option(names = "--subscribe-only", description = "The participant receives only ('canPublish': false)")
        boolean subscribeOnly;

        @Option(names = "--config", paramLabel = "FILE", converter = Converters.ConfigFile.class,
                description = "A HOCON file with sfu.auth.jwt-secret")
        File config;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help")
        boolean help;
    }

    /**
     * Parses the arguments after {@code token} (from index {@code from}); throws
     * {@link IllegalArgumentException} ({@link UsageError} for picocli's errors) with a sentence.
     */
    public static TokenCommand parse(String[] args, int from) {
        String[] line = new String[args.length - from + 1];
        line[0] = "token";
        System.arraycopy(args, from, line, 1, args.length - from);
        picocli.CommandLine root = SfuCommands.root();
        Options o = (Options) SfuCommands.parse(root, line).subcommand().commandSpec().userObject();
        if (o.room == null || !(o.room.equals("*") || Message.ROOM.matcher(o.room).matches())) {
            throw new IllegalArgumentException("./sfu token needs --room: a room name (1 to 64 of A-Z a-z 0-9 _ -) or '*'.");
        }
        if (o.identity == null || o.identity.isBlank() || o.identity.length() > 256) {
            throw new IllegalArgumentException("./sfu token needs --identity: who the participant is (1 to 256 characters).");
        }
        if (o.name != null && (o.name.isBlank() || o.name.length() > 64)) {
            throw new IllegalArgumentException("--name must be 1 to 64 characters, not only spaces.");
        }
        return new TokenCommand(o.room, o.identity, o.name, o.ttl, o.subscribeOnly, o.config);
    }

    /** The token, signed with the secret of {@code config} (resolved as the server resolves it). */
    public String issue(Config config) {
        AuthConfig auth = AuthConfig.from(config);
        if (auth.jwtSecret().isEmpty()) {
            throw new IllegalArgumentException("No secret to sign with: set SFU_JWT_SECRET (at least 32 bytes, e.g."
                    + " export SFU_JWT_SECRET=$(openssl rand -base64 32)) to the server's secret.");
        }
        String issuer = auth.issuers().isEmpty() ? null : auth.issuers().get(0);
        return new TokenIssuer(auth.jwtSecret(), issuer).issue(room, identity, name, ttl, subscribeOnly);
    }

    /** The configuration the server would read (flags aside): -D properties, --config FILE, environment. */
    public Config config() {
        return new CommandLine("token", Map.of(), file, null).config();
    }
}
