package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the media transport: where the single UDP port is bound, what is announced to
 * peers, and the timeouts and queue bounds of each transport.
 *
 * @param bindAddress          local address of the single media port (127.0.0.1 in tests; the
 *                             server's caller decides, for example 0.0.0.0 for all interfaces)
 * @param port                 the single media port; 0 picks an ephemeral port (tests)
 * @param advertisedAddresses  public addresses announced as server-reflexive candidates mapped
 *                             to the bound private address, for a server behind NAT; may be empty
 * @param consentTimeout       a peer from which nothing authenticated was heard for this long is
 *                             declared gone (RFC 7675 section 5.1 uses 30 s)
 * @param dtlsHandshakeTimeout how long ICE-connected may last without completing DTLS
 * @param ingressQueueCapacity bound of each transport's ingress queue (oldest dropped when full)
 * @param srtpProfiles         SRTP profiles in order of preference: offered in this order as DTLS
 *                             client, chosen in this order as DTLS server (RFC 5764 section 4.1.1)
 * @param mediaThreads         threads that run the transports' serial tasks and forwarding; 0: one per
 *                             core. A room's transports share one thread (see {@code MediaWorkers})
 * @param ingressMaxAge        RTP that waited longer than this in a transport's ingress queue is
 *                             dropped and counted {@code STALE} (see {@link #DEFAULT_INGRESS_MAX_AGE})
 * @param workerParkTimeout    the longest an idle media thread parks before it looks at its queue
 *                             again; a producer unparks it at once, so this only bounds a lost
 *                             wake-up (see {@link #DEFAULT_WORKER_PARK_TIMEOUT})
 */
public record TransportConfig(InetAddress bindAddress, int port, List<InetAddress> advertisedAddresses,
                              Duration consentTimeout, Duration dtlsHandshakeTimeout, int ingressQueueCapacity,
                              List<SrtpProfile> srtpProfiles, int mediaThreads, Duration ingressMaxAge,
                              Duration workerParkTimeout) {

    /** The default single media port. */
    public static final int DEFAULT_PORT = 10000;

    /**
     * The default {@link #ingressMaxAge}: the ingress queue is bounded in time as well as in
     * packets (1,024 packets are 9 s of a 500 kbps publisher, a delay no receiver wants). One
     * second, not less: a stall of a few hundred milliseconds (a join storm while the JIT
     * compiles, a GC) should delay packets, not drop them, since a dropped video packet costs a
     * NACK round trip or a key frame for every subscriber. With 250 ms, a 20-publisher load test
     * on 2 cores lost 0.55-1.31 % of the whole run's packets in the join phase; with 1 s,
     * 0.008-0.26 %.
     */
    public static final Duration DEFAULT_INGRESS_MAX_AGE = Duration.ofSeconds(1);

    /** The default {@link #workerParkTimeout}: a safety net only, producers unpark idle workers. */
    public static final Duration DEFAULT_WORKER_PARK_TIMEOUT = Duration.ofMillis(100);

    public TransportConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        advertisedAddresses = List.copyOf(advertisedAddresses);
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        Objects.requireNonNull(dtlsHandshakeTimeout, "dtlsHandshakeTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (consentTimeout.toMillis() < 100 || dtlsHandshakeTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("timeouts must be at least 100 ms");
        }
        if (ingressQueueCapacity < 2) {
            throw new IllegalArgumentException("ingressQueueCapacity must be at least 2");
        }
        srtpProfiles = List.copyOf(srtpProfiles);
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
        if (mediaThreads < 0 || mediaThreads > 1024) {
            throw new IllegalArgumentException("mediaThreads must be 0 (one per core) to 1024: " + mediaThreads);
        }
        Objects.requireNonNull(ingressMaxAge, "ingressMaxAge");
        Objects.requireNonNull(workerParkTimeout, "workerParkTimeout");
        if (ingressMaxAge.toMillis() < 1 || workerParkTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("ingressMaxAge and workerParkTimeout must be at least 1 ms");
        }
    }

    /**
     * Loopback, port 10000, no advertised address, 30 s consent, 10 s DTLS, 1024 packets queued,
     * AEAD_AES_128_GCM preferred over AES_CM_128_HMAC_SHA1_80, 1 s ingress age, 100 ms worker park.
     */
    public static TransportConfig defaults() {
        return new TransportConfig(loopback(), DEFAULT_PORT, List.of(), Duration.ofSeconds(30),
                Duration.ofSeconds(10), 1024, List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80), 0,
                DEFAULT_INGRESS_MAX_AGE, DEFAULT_WORKER_PARK_TIMEOUT);
    }

    /** Loopback with an ephemeral port, for tests. */
    public static TransportConfig loopbackEphemeral() {
        return defaults().withPort(0);
    }

    public TransportConfig withBindAddress(InetAddress address) {
        return new TransportConfig(address, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withPort(int newPort) {
        return new TransportConfig(bindAddress, newPort, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withAdvertisedAddresses(List<InetAddress> addresses) {
        return new TransportConfig(bindAddress, port, addresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withConsentTimeout(Duration timeout) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, timeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withDtlsHandshakeTimeout(Duration timeout) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, timeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withIngressQueueCapacity(int capacity) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                capacity, srtpProfiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withSrtpProfiles(List<SrtpProfile> profiles) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, profiles, mediaThreads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withMediaThreads(int threads) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, threads, ingressMaxAge,
                workerParkTimeout);
    }

    public TransportConfig withIngressMaxAge(Duration age) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, age, workerParkTimeout);
    }

    public TransportConfig withWorkerParkTimeout(Duration timeout) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, dtlsHandshakeTimeout,
                ingressQueueCapacity, srtpProfiles, mediaThreads, ingressMaxAge, timeout);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
