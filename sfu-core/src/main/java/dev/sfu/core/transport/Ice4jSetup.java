package dev.sfu.core.transport;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Process-wide ice4j settings, applied once before the first ice4j class reads its
 * configuration: pooled receive buffers, consent
 * checks every 5 s (RFC 7675 section 5.1 suggests 5 s with randomisation), no cloud-metadata
 * probing, checks for new pairs answered for 30 s after ICE completes (Firefox's late nomination),
 * and java.util.logging routed to SLF4J. Each system property is set only when the
 * operator has not set it.
 */
final class Ice4jSetup {
    private static boolean done;

    private Ice4jSetup() {
    }

    static synchronized void init() {
        if (done) {
            return;
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        setIfAbsent("ice4j.consent-freshness.interval", "5 seconds");
        setIfAbsent("ice4j.harvest.mapping.aws.enabled", "false");
        // Firefox trickles its candidates and may nominate a pair (its IPv6 host to ours) seconds
        // after ice4j completed on another: ice4j ignores checks for new pairs once it terminates
        // ("Received check for unknown candidate pair ... when client is stopped"), so that pair
        // is never validated, Firefox's DTLS on it is dropped and the call fails after 10 s.
        // ice4j's default of 3 s is too short for that; 30 s covers trickling under load.
        setIfAbsent("ice4j.ice.termination-delay", "30 seconds");
        // All peers share one socket: a small kernel buffer overflows during handshake bursts.
        setIfAbsent("ice4j.harvest.udp.receive-buffer-size", "4194304");
        PacketPool.installIntoIce4j();
        done = true;
    }

    private static void setIfAbsent(String key, String value) {
        if (value != null && System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
