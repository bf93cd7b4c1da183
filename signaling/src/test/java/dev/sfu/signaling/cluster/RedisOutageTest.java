package dev.sfu.signaling.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sfu.signaling.cluster.ClusterNodes.TestNode;
import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static dev.sfu.signaling.cluster.ClusterNodes.seesLive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis killed under a running node, then restarted empty on the same port: the node's own rooms
 * still take joins, other rooms are refused with CLUSTER_UNAVAILABLE and a retryAfterMs, the
 * outage is logged once (not at every refresh), and when Redis is back the node registers again
 * and claims its rooms again by itself.
 */
class RedisOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void whileRedisIsDownLocalRoomsArePlacedNewRoomsGetClusterUnavailableAndTheNodeRecoversWhenItReturns()
            throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(ClusterNode.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        try (RedisServer redis = RedisServer.start(); ClusterNodes cluster = new ClusterNodes(redis)) {
            TestNode a = cluster.start("outage-a", PlacementPolicy.LOCAL_FIRST);
            a.host("live");
            assertTrue(a.node().place("live").toCompletableFuture().get(5, TimeUnit.SECONDS).local());
            await(() -> "outage-a".equals(owner(a, "live")), WAIT, "the open room's claim is in Redis");

            redis.kill();
            Placement local = a.node().place("live").toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertTrue(local.local(), "a room hosted here still takes joins");
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> a.node().place("elsewhere").toCompletableFuture().get(5, TimeUnit.SECONDS));
            SignalingException e = (SignalingException) refused.getCause();
            assertEquals(ErrorCode.CLUSTER_UNAVAILABLE, e.code());
            assertTrue(e.retryAfterMs() != null && e.retryAfterMs() > 0, "retryAfterMs: " + e.retryAfterMs());
            assertEquals(e.retryAfterMs(), e.toMessage().retryAfterMs());
            assertTrue(e.getMessage().contains("calls in progress go on") && e.getMessage().contains("Try again"),
                    e.getMessage());

            await(() -> !a.node().redisReachable() && a.node().view().redis().equals("unreachable"), WAIT,
                    "the node notices the outage");
            Thread.sleep(6 * ClusterNodes.REFRESH.toMillis());
            assertEquals(1, count(logs, Level.WARN, "cannot be reached"), "the outage is logged once: " + logs.list);

            redis.restart();
            await(() -> a.node().redisReachable(), WAIT, "the node reaches Redis again");
            await(() -> "outage-a".equals(owner(a, "live")), WAIT, "the node claimed its room again");
            TestNode b = cluster.start("outage-b", PlacementPolicy.LOCAL_FIRST);
            await(() -> seesLive(b, "outage-a"), WAIT, "another node sees the node registered again");
            assertEquals(new Placement("outage-a", a.url()), b.node().place("live").toCompletableFuture().get(5, TimeUnit.SECONDS),
                    "joins through another node are sent to the room's node");
            assertTrue(a.node().place("elsewhere").toCompletableFuture().get(5, TimeUnit.SECONDS).local(),
                    "new rooms are placed again");
            assertEquals(1, count(logs, Level.WARN, "cannot be reached"));
            assertEquals(1, count(logs, Level.INFO, "reachable again"));
        } finally {
            log.detachAppender(logs);
        }
    }

    private static long count(ListAppender<ILoggingEvent> logs, Level level, String text) {
        synchronized (logs.list) {
            return logs.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(text)).count();
        }
    }

    private static String owner(TestNode n, String room) {
        CompletableFuture<String> f = n.node().ownerOf(room).toCompletableFuture();
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }
}
