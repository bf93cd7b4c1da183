package dev.sfu.signaling.room;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportConfig;
import dev.sfu.core.transport.TransportServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of a real server transport goes its own way, not through the media listener: a
 * transport that ends by itself (here ICE failing against a peer that never answers, RFC 8445)
 * leaves the transport server's registry, makes its participant leave the room, and reaches
 * signaling's callback with its reason and detail, in that order. A local close (the participant
 * left) is not reported to signaling.
 */
class TransportCloseReachesSignalingTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private static TransportServer media;
    private SfuRoomService rooms;

    @BeforeAll
    static void startMedia() throws Exception {
        media = TransportServer.start(TransportConfig.loopbackEphemeral().withConsentTimeout(TIMEOUT));
    }

    @AfterAll
    static void stopMedia() {
        media.close();
    }

    @BeforeEach
    void start() {
        rooms = SfuRoomService.over(media, 10, new MetricRegistry());
    }

    @AfterEach
    void stop() {
        rooms.close();
    }

    @Test
    void aTransportEndingByItselfLeavesTheRegistryAndTheRoomThenTellsSignalingItsReason() throws Exception {
        Recorder bobEvents = new Recorder();
        String ada = rooms.join("r", "Ada", new Recorder()).participantId();
        String bob = rooms.join("r", "Bob", bobEvents).participantId();
        BlockingQueue<String> signaling = new LinkedBlockingQueue<>();
        MediaTransport t = rooms.create(ada, (reason, detail) -> signaling.add(reason
                + (detail == null || detail.isEmpty() ? " without detail" : " with detail")
                + (media.transport(ada) == null ? ", forgotten" : ", still registered")
                + (rooms.participant(ada) == null ? ", left" : ", still in the room")));
        assertSame(t, media.transport(ada));

        t.setRemote(new RemoteParameters("ghostufrag", "ghostpassword0123456789",
                List.of(media.fingerprint()), DtlsSetup.ACTPASS, List.of()));

        assertEquals("ICE_FAILED with detail, forgotten, left",
                signaling.poll(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        assertNull(media.transport(ada));
        assertNotNull(media.transport(bob), "the other participant's transport stays");
        assertEquals(1, rooms.rooms().room("r").size());
        assertTrue(waitFor(() -> bobEvents.left.contains(ada)), "Bob hears that Ada left");
    }

    @Test
    void aLocalCloseLeavesTheRegistryButIsNotReportedToSignaling() throws Exception {
        String ada = rooms.join("r", "Ada", new Recorder()).participantId();
        BlockingQueue<CloseReason> signaling = new LinkedBlockingQueue<>();
        MediaTransport t = rooms.create(ada, (reason, detail) -> signaling.add(reason));
        BlockingQueue<CloseReason> other = new LinkedBlockingQueue<>();
        t.addCloseHandler((reason, detail) -> other.add(reason));

        rooms.leave(ada);

        assertEquals(CloseReason.LOCAL_CLOSE, other.poll(5, TimeUnit.SECONDS), "the transport was closed");
        assertNull(media.transport(ada), "and forgotten");
        assertNull(signaling.poll(200, TimeUnit.MILLISECONDS), "signaling started the leave; nothing to report");
        assertFalse(t.isConnected());
    }

    private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    private static final class Recorder implements ParticipantEvents {
        final List<String> left = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void participantJoined(ParticipantInfo participant) {
        }

        @Override
        public void participantLeft(String participantId) {
            left.add(participantId);
        }

        @Override
        public void trackStateChanged(String participantId, boolean audioMuted, boolean videoMuted) {
        }

        @Override
        public void remoteTracksChanged(List<RemoteTrack> tracks) {
        }
    }
}
