package dev.sfu.signaling.cluster;

import dev.sfu.core.relay.RelayMessage;
import dev.sfu.core.relay.RelayTrack;
import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.sfu.signaling.cluster.ClusterNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The relay signals over a real Redis: every kind of {@link RelayMessage} survives its JSON
 * form unchanged, and the messages one node sends another arrive in the order sent.
 */
class RedisRelaySignalsTest {
    @Test
    void everyRelayMessageCrossesRedisUnchangedAndInOrder() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisClient client = RedisClient.create(redis.url());
            try (RedisRelaySignals a = RedisRelaySignals.connect(client);
                 RedisRelaySignals b = RedisRelaySignals.connect(client)) {
                List<RelayMessage> got = Collections.synchronizedList(new ArrayList<>());
                b.register("node-b", got::add);
                a.register("node-a", m -> { });

                RelayMessage.IceParameters ice = new RelayMessage.IceParameters("uf", "pw",
                        List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host")),
                        new Fingerprint("sha-256", "AB:CD"), DtlsSetup.ACTPASS);
                RelayTrack video = new RelayTrack("t1", MediaKind.VIDEO, "1",
                        List.of(new Codec(96, "VP8", 90000, 0, "", List.of("nack", "nack pli"), 97)),
                        List.of(new HeaderExtension(4, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id")),
                        List.of("q", "h"), List.of(new RelayTrack.Layer("q", 1234, 1235, 320, 180, 150_000),
                        new RelayTrack.Layer("h", -1, -1)), false);
                List<RelayMessage> sent = new ArrayList<>(List.of(
                        new RelayMessage.Offer("r", "node-a", ice),
                        new RelayMessage.Answer("r", "node-a", ice),
                        new RelayMessage.Publisher("r", "node-a", "p1", "Ann", true, false, List.of(video)),
                        new RelayMessage.LayersNeeded("r", "node-a", "p1", "t1", List.of("q")),
                        new RelayMessage.PublisherLeft("r", "node-a", "p1")));
                for (int i = 0; i < 200; i++) {
                    sent.add(new RelayMessage.PublisherLeft("r", "node-a", "p" + i));
                }
                sent.add(new RelayMessage.Close("r", "node-a", "bye"));
                for (RelayMessage m : sent) {
                    a.send("node-b", m);
                }
                await(() -> got.size() == sent.size(), Duration.ofSeconds(10), "every message delivered");
                assertEquals(sent, got);
                assertEquals(0, b.dropped());
            } finally {
                client.shutdown();
            }
        }
    }
}
