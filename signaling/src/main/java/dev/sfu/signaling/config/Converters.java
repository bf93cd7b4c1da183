package dev.sfu.signaling.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The typed values of the command line that picocli has no converter for. Each says what it
 * accepts; picocli prefixes the option's name ("Invalid value for option '--media-port' (PORT): ...").
 */
public final class Converters {
    private Converters() {
    }

    /** A percentage, 0 to 100 (decimals allowed), given as the fraction 0-1 the config holds. */
    public static final class Percent implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double p = Double.parseDouble(value.strip());
                if (p >= 0 && p <= 100) {
                    return p / 100;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new TypeConversionException("needs a percentage 0-100 (of the machine's CPU; 0: only when full), not '"
                    + value + "'");
        }
    }

    /** A UDP or TCP port, 0 to 65535 (0: any free port). */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int p = Integer.parseInt(value.strip());
                if (p >= 0 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new TypeConversionException("needs a port number 0-65535, not '" + value + "'");
        }
    }

    /** The path of a file that exists (a certificate, a key). */
    public static final class ReadableFile implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!new File(value).isFile()) {
                throw new TypeConversionException("'" + value + "' is not a readable file");
            }
            return value;
        }
    }

    /** The --config file: a HOCON file that exists. */
    public static final class ConfigFile implements ITypeConverter<File> {
        @Override
        public File convert(String value) {
            File f = new File(value);
            if (!f.isFile()) {
                throw new TypeConversionException("the config file '" + value + "' does not exist");
            }
            return f;
        }
    }

    /** A HOCON duration (90s, 10m, 2h, 1d), more than 0 and at most 366 days. */
    public static final class TokenLifetime implements ITypeConverter<Duration> {
        /** The longest lifetime accepted. */
        public static final Duration MAX = Duration.ofDays(366);

        @Override
        public Duration convert(String value) {
            Duration d;
            try {
                d = ConfigFactory.parseMap(Map.of("ttl", value)).getDuration("ttl");
            } catch (ConfigException e) {
                throw new TypeConversionException("needs a duration such as 90s, 10m, 2h or 1d, not '" + value + "'");
            }
            if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
                throw new TypeConversionException("must be more than 0 and at most 366 days, not '" + value + "'");
            }
            return d;
        }
    }

    /** Completion candidates of --ice-transport-policy. */
    public static final class IcePolicies implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("all", "relay").iterator();
        }
    }

    /** Completion candidates of --placement. */
    public static final class PlacementPolicies implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("least-loaded", "local-first", "region").iterator();
        }
    }
}
