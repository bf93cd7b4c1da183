package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.core.metrics.ProcessStats;
import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.StatsSnapshot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard push: bounded per client, slow clients dropped, five minutes of history. */
class SseHubTest {
    private final SseHub hub = new SseHub(new ObjectMapper());

    private static StatsSnapshot snapshot(long t, long bitrateIn) {
        RoomStats r = new RoomStats("abc", 1, 1, bitrateIn, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), null, List.of());
        return new StatsSnapshot(t, 1, 1, 1, bitrateIn, 0, 0, 0, Map.of(),
                new ProcessStats(0, 0, 1, 0, 0, 0, List.of()), List.of(r));
    }

    /** Holds every write's promise without completing it: a client whose socket never drains. */
    private static final class Stuck extends ChannelOutboundHandlerAdapter {
        final List<ChannelPromise> held = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            held.add(promise);
        }
    }

    private static String readEvent(EmbeddedChannel ch) {
        HttpContent c = ch.readOutbound();
        try {
            return c.content().toString(StandardCharsets.UTF_8);
        } finally {
            c.release();
        }
    }

    @Test
    void aClientThatReadsGetsEverySnapshotAsAnEvent() {
        EmbeddedChannel ch = new EmbeddedChannel();
        hub.add(ch, null);
        hub.publish(snapshot(1000, 64_000), true);
        hub.publish(snapshot(2000, 96_000), true);
        String first = readEvent(ch);
        assertTrue(first.startsWith("event: snapshot\ndata: {"), first);
        assertTrue(first.endsWith("\n\n"));
        assertTrue(first.contains("\"bitrateIn\":64000"), first);
        assertTrue(readEvent(ch).contains("\"bitrateIn\":96000"));
        assertEquals(1, hub.clientCount());
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterTheQueueBound() {
        Stuck stuck = new Stuck();
        EmbeddedChannel slow = new EmbeddedChannel(stuck);
        EmbeddedChannel fast = new EmbeddedChannel();
        hub.add(slow, null);
        hub.add(fast, null);
        for (int i = 0; i < SseHub.MAX_PENDING; i++) {
            hub.publish(snapshot(i * 1000L, i), true);
        }
        assertTrue(slow.isOpen(), "a backlog up to the bound is tolerated");
        hub.publish(snapshot(99_000, 99), true);
        assertFalse(slow.isOpen(), "one more event than the bound closes the slow client");
        assertEquals(1, hub.clientCount());
        assertEquals(1, hub.droppedCount());
        assertEquals(SseHub.MAX_PENDING + 1, fast.outboundMessages().size(), "the other client got everything");
        fast.finishAndReleaseAll();
    }

    @Test
    void aClientWhoseSocketBufferIsFullIsDropped() {
        EmbeddedChannel ch = new EmbeddedChannel();
        hub.add(ch, null);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        hub.publish(snapshot(1000, 1), true);
        assertFalse(ch.isOpen());
        assertEquals(0, hub.clientCount());
        ch.finishAndReleaseAll();
    }

    @Test
    void historyKeepsTheLastFiveMinutesOnePointPerSecond() throws Exception {
        for (int i = 0; i < SseHub.HISTORY_SECONDS + 20; i++) {
            hub.publish(snapshot(i * 1000L, i), true);
        }
        String ev = new String(hub.historyEvent(), StandardCharsets.UTF_8);
        assertTrue(ev.startsWith("event: history\ndata: "));
        var points = new ObjectMapper().readTree(ev.substring("event: history\ndata: ".length()).strip());
        assertEquals(SseHub.HISTORY_SECONDS, points.size());
        assertEquals(20_000, points.get(0).get("t").asLong(), "the oldest points were dropped");
        assertEquals(20, points.get(0).get("rooms").get("abc").get(0).asLong());
    }

    @Test
    void aClosedClientIsForgotten() {
        EmbeddedChannel ch = new EmbeddedChannel();
        hub.add(ch, "abc");
        ch.close();
        hub.publish(snapshot(1000, 1), true);
        assertEquals(0, hub.clientCount());
    }
}
