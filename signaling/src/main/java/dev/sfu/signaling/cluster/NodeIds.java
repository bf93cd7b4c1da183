package dev.sfu.signaling.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Node ids: what they may hold, and the default one. */
public final class NodeIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private NodeIds() {
    }

    static boolean valid(String id) {
        return VALID.matcher(id).matches();
    }

    /**
     * The default id: {@code HOSTNAME-PORT}, stable across restarts of the same node (Prometheus
     * series keep their {@code node} label); with an ephemeral HTTP port (0) a random suffix instead.
     */
    public static String defaultId(int httpPort) {
        String host = hostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        int dot = host.indexOf('.');
        if (dot > 0 && !Character.isDigit(host.charAt(0))) {
            host = host.substring(0, dot);
        }
        if (host.length() > 40) {
            host = host.substring(0, 40);
        }
        String suffix = httpPort > 0 ? Integer.toString(httpPort) : random();
        return host + "-" + suffix;
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "sfu";
        }
    }

    private static String random() {
        byte[] b = new byte[3];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
