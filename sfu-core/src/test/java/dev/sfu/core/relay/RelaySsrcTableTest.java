package dev.sfu.core.relay;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sfu.core.forward.MediaEndpoint;
import dev.sfu.core.room.Participant;
import dev.sfu.core.testutil.FakeTransport;
import dev.sfu.core.testutil.RoomHarness;
import org.junit.jupiter.api.Test;

/** The relay's SSRC -> remote participant map finds every media and RTX SSRC, and nothing else. */
class RelaySsrcTableTest {
    @Test
    void everyDescribedSsrcFindsItsRemoteParticipant() {
        RoomHarness h = new RoomHarness(8);
        FakeTransport relay = new FakeTransport("relay");
        MediaEndpoint[] endpoints = new MediaEndpoint[40];
        for (int n = 0; n < endpoints.length; n++) {
            Participant p = h.manager.joinRemote("r", "far" + n, "far " + n, relay, "node-a");
            RoomHarness.publishAv(p, n);
            endpoints[n] = p.endpoint();
        }
        RelayReceiver.SsrcTable table = RelayReceiver.SsrcTable.of(endpoints);
        for (int n = 0; n < endpoints.length; n++) {
            assertSame(endpoints[n], table.get(RoomHarness.audioSsrc(n)));
            assertSame(endpoints[n], table.get(RoomHarness.videoSsrc(n)));
            assertSame(endpoints[n], table.get(RoomHarness.rtxSsrc(n)));
        }
        assertNull(table.get(0xDEADBEEFL));
        assertNull(RelayReceiver.SsrcTable.EMPTY.get(RoomHarness.audioSsrc(0)));
        h.manager.close();
    }
}
