package dev.sfu.signaling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.sfu.signaling.auth.AuthConfig;
import dev.sfu.signaling.auth.TokenIssuer;
import dev.sfu.signaling.message.Message;

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
    /** The longest lifetime {@code --ttl} accepts. */
    static final Duration MAX_TTL = Duration.ofDays(366);

    /** The help text of {@code ./sfu token --help}. */
    public static final String HELP = """
            Usage: ./sfu token --room ROOM --identity ID [--name NAME] [--ttl 10m] [--subscribe-only] [--config FILE]

            Prints a join token (a JWT signed with HS256) alone on stdout, for tests and trials:
              ./sfu token --room blue-fox-42 --identity ada --name Ada
            then open http://HOST:8080/?room=blue-fox-42&token=<token>.

              --room ROOM          the room the token joins (A-Z a-z 0-9 _ -), or '*' for any room
              --identity ID        the participant's identity (the 'sub' claim)
              --name NAME          the display name the others see (else the one typed on the page)
              --ttl DURATION       how long the token is valid: 90s, 10m, 2h, 1d (default 10m)
              --subscribe-only     the participant receives only ('canPublish': false)
              --config FILE        a HOCON file with sfu.auth.jwt-secret

            The secret is the server's: the environment variable SFU_JWT_SECRET (at least 32 bytes),
            or sfu.auth.jwt-secret in the --config file. Tokens from ES256/RS256 keys are made by
            your application with its private key; see docs/operations.md.
            """;

    /** Parses the arguments after {@code token}; throws {@link IllegalArgumentException} with a sentence. */
    public static TokenCommand parse(String[] args, int from) {
        String room = null;
        String identity = null;
        String name = null;
        Duration ttl = Duration.ofMinutes(10);
        boolean subscribeOnly = false;
        File file = null;
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--subscribe-only")) {
                subscribeOnly = true;
                continue;
            }
            if (!arg.equals("--room") && !arg.equals("--identity") && !arg.equals("--name") && !arg.equals("--ttl")
                    && !arg.equals("--config")) {
                throw new IllegalArgumentException("Unknown option '" + args[i] + "' of ./sfu token.");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("The option " + arg + " needs a value.");
                }
                value = args[++i];
            }
            switch (arg) {
                case "--room" -> room = value;
                case "--identity" -> identity = value;
                case "--name" -> name = value;
                case "--ttl" -> ttl = duration(value);
                default -> {
                    file = new File(value);
                    if (!file.isFile()) {
                        throw new IllegalArgumentException("The config file '" + value + "' does not exist.");
                    }
                }
            }
        }
        if (room == null || !(room.equals("*") || Message.ROOM.matcher(room).matches())) {
            throw new IllegalArgumentException("./sfu token needs --room: a room name (1 to 64 of A-Z a-z 0-9 _ -) or '*'.");
        }
        if (identity == null || identity.isBlank() || identity.length() > 256) {
            throw new IllegalArgumentException("./sfu token needs --identity: who the participant is (1 to 256 characters).");
        }
        if (name != null && (name.isBlank() || name.length() > 64)) {
            throw new IllegalArgumentException("--name must be 1 to 64 characters, not only spaces.");
        }
        return new TokenCommand(room, identity, name, ttl, subscribeOnly, file);
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
        return new CommandLine("token", Map.of(), file).config();
    }

    private static Duration duration(String value) {
        Duration d;
        try {
            d = ConfigFactory.parseMap(Map.of("ttl", value)).getDuration("ttl");
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--ttl needs a duration such as 90s, 10m, 2h or 1d, not '" + value + "'.");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most 366 days, not '" + value + "'.");
        }
        return d;
    }
}
