package dev.sfu.signaling.config;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code ./sfu serve}, declared for picocli. An option not given stays null (or
 * false, or empty), so that it overrides nothing: the defaults in the descriptions are those of
 * reference.conf, which -D properties, --config and environment variables still override.
 */
@Command(name = "serve", abbreviateSynopsis = true, sortOptions = false, usageHelpWidth = 110,
        descriptionHeading = "%n", optionListHeading = "%nOptions:%n",
        description = "Start the server (the default command).",
        footer = {
            "",
            "Any setting can also be given as a system property, e.g. JAVA_OPTS=-Dsfu.rooms.max-participants=8.",
            "Precedence, strongest first: these flags, -D system properties, --config FILE, environment variables,",
            "reference.conf.",
            "Simulcast and speakers: -Dsfu.rooms.last-n=N (video of the N latest speakers only; env SFU_LAST_N),",
            "-Dsfu.simulcast.dynacast=false, -Dsfu.simulcast.tile-size-factor=F (see docs/operations.md).",
            "Join tokens: SFU_JWT_SECRET (HS256, at least 32 bytes) and/or SFU_JWT_PUBLIC_KEYS=FILE (ES256/RS256",
            "public keys, PEM or JWKS) make joining need a token (?token= in the page's address); without them",
            "rooms are open. Rate limits: -Dsfu.limits.<name>=N (docs/operations.md lists them).",
            "Resume: a participant whose WebSocket drops stays in its room for -Dsfu.signaling.resume-grace=20s",
            "(env SFU_RESUME_GRACE; 0s: leave at once) so that its page can reconnect as the same participant.",
            "The page is served at http://HOST:PORT/ and the signaling WebSocket at ws://HOST:PORT/ws (https:// and",
            "wss:// with TLS); GET /webrtc/config gives browsers the ICE servers. Production setup (TLS, a reverse",
            "proxy, TURN with coturn, firewall ports): docs/operations.md.",
            "Cluster mode (--redis): -Dsfu.cluster.refresh-interval=2s, node-ttl=5s, claim-ttl=10s; what Redis holds and",
            "what happens when it is unreachable: docs/operations.md, \"Cluster mode\"."
        })
public final class ServeOptions {
    @Option(names = "--http-port", paramLabel = "PORT", converter = Converters.Port.class,
            description = "HTTP and WebSocket port, 0-65535.%nDefault: 8080 (sfu.http.port; env SFU_HTTP_PORT)")
    Integer httpPort;

    @Option(names = "--media-port", paramLabel = "PORT", converter = Converters.Port.class,
            description = "The single UDP media port, 0-65535.%nDefault: 10000 (sfu.media.port; env SFU_MEDIA_PORT)")
    Integer mediaPort;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address both ports bind to.%nDefault: 0.0.0.0 (sfu.http.bind, sfu.media.bind; env SFU_BIND)")
    String bind;

    @Option(names = "--advertise-address", paramLabel = "ADDRESS",
            description = "Address for ICE candidates; repeat for several.%nDefault: the bind address "
                    + "(env SFU_ADVERTISE_ADDRESSES=a,b)")
    List<String> advertiseAddresses;

    @Option(names = "--tls-cert", paramLabel = "FILE", converter = Converters.ReadableFile.class,
            description = "Serve HTTPS and WSS with this PEM certificate chain (env SFU_TLS_CERT); a replaced file is "
                    + "used for new connections without a restart. Default: none (plain HTTP)")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", converter = Converters.ReadableFile.class,
            description = "The certificate's PEM private key (env SFU_TLS_KEY)")
    String tlsKey;

    @Option(names = "--tls-self-signed",
            description = "HTTPS with a self-signed certificate for LAN trials, made once and kept in ~/.sfu/tls "
                    + "(sfu.http.tls.self-signed-dir); prints its fingerprint")
    boolean tlsSelfSigned;

    @Option(names = "--stun-url", paramLabel = "URL",
            description = "A STUN server for browsers (stun:HOST:PORT); repeat for several (env SFU_STUN_URLS=a,b). "
                    + "Default: none")
    List<String> stunUrls;

    @Option(names = "--turn-url", paramLabel = "URL",
            description = "A TURN server for browsers (turn:HOST:PORT?transport=udp); repeat for several "
                    + "(env SFU_TURN_URLS=a,b). Its credentials come from the environment: SFU_TURN_SECRET (coturn "
                    + "use-auth-secret: time-limited per participant, TTL sfu.webrtc.turn.credential-ttl, default 24h), "
                    + "or SFU_TURN_USERNAME and SFU_TURN_CREDENTIAL (static). Default: none")
    List<String> turnUrls;

    @Option(names = "--ice-transport-policy", paramLabel = "POLICY", completionCandidates = Converters.IcePolicies.class,
            description = "all or relay (browsers send media only through TURN; env SFU_ICE_TRANSPORT_POLICY).%n"
                    + "Default: all")
    String iceTransportPolicy;

    @Option(names = "--redis", paramLabel = "URL",
            description = "Cluster mode: register this node in the Redis at redis://HOST:PORT and place rooms on the "
                    + "cluster's nodes (env SFU_REDIS_URL). Default: none, a single node that never contacts Redis")
    String redis;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Cluster mode: the WebSocket URL clients use for this node, e.g. wss://sfu1.example.net/ws "
                    + "(env SFU_PUBLIC_URL).%nDefault: ws[s]://BIND-ADDRESS:HTTP-PORT/ws")
    String publicUrl;

    @Option(names = "--region", paramLabel = "NAME",
            description = "Cluster mode: this node's region (env SFU_REGION).%nDefault: default")
    String region;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "Cluster mode: this node's id, letters, digits, '.', '_', '-' (env SFU_NODE_ID); also the "
                    + "node label of /metrics.%nDefault: HOSTNAME-HTTPPORT")
    String nodeId;

    @Option(names = "--cluster-max-participants", paramLabel = "N",
            description = "Cluster mode: participants this node takes in all rooms together; full nodes get no new "
                    + "rooms (env SFU_CLUSTER_MAX_PARTICIPANTS).%nDefault: 0, no node limit")
    Integer clusterMaxParticipants;

    @Option(names = "--expand-cpu", paramLabel = "PERCENT", converter = Converters.Percent.class,
            description = "Cluster mode: a room hosted here also expands to another node for a new join while this "
                    + "node's process CPU is above PERCENT of the machine, as when its part of the room is full "
                    + "(sfu.max-participants) (env SFU_EXPAND_CPU, as a fraction 0-1).%nDefault: 0, only when full")
    Double expandCpu;

    @Option(names = "--placement", paramLabel = "PLACEMENT", completionCandidates = Converters.PlacementPolicies.class,
            description = "Cluster mode: where a new room goes: least-loaded, local-first or region (env SFU_PLACEMENT)."
                    + "%nDefault: least-loaded")
    String placement;

    @Option(names = "--config", paramLabel = "FILE", converter = Converters.ConfigFile.class,
            description = "A HOCON file overriding reference.conf (keys under sfu { ... })")
    File config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help")
    boolean help;

    /** The config keys the given flags set. */
    Map<String, Object> overrides() {
        Map<String, Object> overrides = new HashMap<>();
        if (httpPort != null) {
            overrides.put("sfu.http.port", httpPort);
        }
        if (mediaPort != null) {
            overrides.put("sfu.media.port", mediaPort);
        }
        if (bind != null) {
            overrides.put("sfu.http.bind", bind);
            overrides.put("sfu.media.bind", bind);
        }
        if (advertiseAddresses != null && !advertiseAddresses.isEmpty()) {
            overrides.put("sfu.media.advertise-addresses", List.copyOf(advertiseAddresses));
        }
        if (tlsCert != null) {
            overrides.put("sfu.http.tls.cert", tlsCert);
        }
        if (tlsKey != null) {
            overrides.put("sfu.http.tls.key", tlsKey);
        }
        if (tlsSelfSigned) {
            overrides.put("sfu.http.tls.self-signed", true);
        }
        if (stunUrls != null && !stunUrls.isEmpty()) {
            overrides.put("sfu.webrtc.stun-urls", List.copyOf(stunUrls));
        }
        if (turnUrls != null && !turnUrls.isEmpty()) {
            overrides.put("sfu.webrtc.turn.urls", List.copyOf(turnUrls));
        }
        if (iceTransportPolicy != null) {
            overrides.put("sfu.webrtc.ice-transport-policy", iceTransportPolicy);
        }
        if (redis != null) {
            overrides.put("sfu.cluster.redis-url", redis);
        }
        if (publicUrl != null) {
            overrides.put("sfu.cluster.public-url", publicUrl);
        }
        if (region != null) {
            overrides.put("sfu.cluster.region", region);
        }
        if (nodeId != null) {
            overrides.put("sfu.cluster.node-id", nodeId);
        }
        if (clusterMaxParticipants != null) {
            overrides.put("sfu.cluster.max-participants", clusterMaxParticipants);
        }
        if (placement != null) {
            overrides.put("sfu.cluster.placement", placement);
        }
        if (expandCpu != null) {
            overrides.put("sfu.cluster.expand-cpu", expandCpu);
        }
        return overrides;
    }

    /** The --config file, null when none. */
    File configFile() {
        return config;
    }
}
