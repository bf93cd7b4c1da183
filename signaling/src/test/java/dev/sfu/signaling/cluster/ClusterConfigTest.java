package dev.sfu.signaling.cluster;

import dev.sfu.signaling.config.CommandLine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster mode's options: reference.conf defaults, the flags, and the sentences for bad values. */
class ClusterConfigTest {
    private static ClusterConfig parse(String... args) {
        return ClusterConfig.from(CommandLine.parse(args).config());
    }

    @Test
    void byDefaultClusterModeIsOffWithTheDocumentedTimings() {
        ClusterConfig c = parse();
        assertFalse(c.enabled(), "no Redis unless --redis (or SFU_REDIS_URL) is given");
        assertEquals(Duration.ofSeconds(2), c.refreshInterval());
        assertEquals(Duration.ofSeconds(5), c.nodeTtl());
        assertEquals(Duration.ofSeconds(10), c.claimTtl());
        assertEquals(Duration.ofSeconds(1), c.commandTimeout());
        assertEquals(PlacementPolicy.LEAST_LOADED, c.policy());
        assertEquals("default", c.region());
        assertEquals(0, c.maxParticipants());
        assertEquals("", c.nodeId());
        assertEquals(0, c.expandCpu(), "expands only when full");
    }

    @Test
    void flagsSetEveryClusterOption() {
        ClusterConfig c = parse("--redis", "redis://:secret@10.0.0.5:6379", "--public-url", "wss://sfu1.example.net/ws",
                "--region", "eu-west", "--node-id", "sfu-1", "--cluster-max-participants", "200", "--placement", "local-first",
                "--expand-cpu", "75");
        assertTrue(c.enabled());
        assertEquals("redis://:secret@10.0.0.5:6379", c.redisUrl());
        assertEquals("redis://***@10.0.0.5:6379", c.redisUrlForLogs(), "the password stays out of logs");
        assertEquals("wss://sfu1.example.net/ws", c.publicUrlFor("0.0.0.0", null, 8443, true));
        assertEquals("eu-west", c.region());
        assertEquals("sfu-1", c.nodeId());
        assertEquals(200, c.maxParticipants());
        assertEquals(PlacementPolicy.LOCAL_FIRST, c.policy());
        assertEquals(PlacementPolicy.REGION, parse("--placement", "region").policy());
        assertEquals(0.75, c.expandCpu(), 1e-9, "--expand-cpu is a percentage; the config holds the fraction");
        assertEquals(0.125, parse("--expand-cpu", "12.5").expandCpu(), 1e-9);
    }

    @Test
    void thePublicUrlIsDerivedFromTheBindAddressAndPortWhenNotGiven() {
        ClusterConfig c = parse("--redis", "redis://127.0.0.1:6379");
        assertEquals("ws://127.0.0.1:8080/ws", c.publicUrlFor("127.0.0.1", null, 8080, false));
        assertEquals("wss://10.1.2.3:8443/ws", c.publicUrlFor("0.0.0.0", "10.1.2.3", 8443, true));
        assertEquals("ws://[::1]:8080/ws", c.publicUrlFor("::1", null, 8080, false));
    }

    @Test
    void badValuesAreRefusedWithASentenceThatSaysWhatIsExpected() {
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> parse("--placement", "random"));
        assertTrue(p.getMessage().contains("least-loaded, local-first or region"), p.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> parse("--redis", "http://x:6379"));
        assertTrue(r.getMessage().contains("redis://HOST:PORT"), r.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> parse("--redis", "redis://x:1", "--public-url", "https://sfu1.example.net"));
        assertTrue(u.getMessage().contains("WebSocket URL"), u.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> parse("--node-id", "a b"));
        assertTrue(n.getMessage().contains("sfu.cluster.node-id"), n.getMessage());
        for (String bad : new String[] {"150", "-1", "half"}) {
            Exception e = assertThrows(Exception.class, () -> parse("--expand-cpu", bad));
            assertTrue(e.getMessage().contains("percentage 0-100"), e.getMessage());
        }
    }

    @Test
    void theDefaultNodeIdIsTheHostNameAndPortSoItSurvivesARestart() {
        assertEquals(NodeIds.defaultId(8080), NodeIds.defaultId(8080));
        assertTrue(NodeIds.defaultId(8080).endsWith("-8080"), NodeIds.defaultId(8080));
        assertTrue(NodeIds.valid(NodeIds.defaultId(0)));
    }
}
