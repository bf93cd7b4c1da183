package dev.sfu.bench.loadtest;

import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.MessageCodec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver's videoTiles (--subscribe-layer) and the server's remoteVideo states. */
class RemoteVideoStateTest {
    private static final List<ClientSdp.RemoteStream> STREAMS = List.of(
            new ClientSdp.RemoteStream("2", "audio", 1, -1, "p1", List.of()),
            new ClientSdp.RemoteStream("3", "video", 2, 3, "p1", List.of(97)),
            new ClientSdp.RemoteStream("5", "video", 4, 5, "p2", List.of(97)));

    @Test
    void tilesSizeEveryRemoteVideoAtTheLayerAskedForAndPassTheServersValidation() throws Exception {
        RemoteVideoState s = new RemoteVideoState(SimulcastLayer.H);
        Message.VideoTiles tiles = s.tilesFor(STREAMS);
        assertEquals(List.of(new Message.Tile("3", 640, 360, true), new Message.Tile("5", 640, 360, true)),
                tiles.tiles());
        tiles.validate();
        String json = MessageCodec.encode(tiles);
        assertEquals(json, MessageCodec.encode(MessageCodec.decode(json)), "what the server reads back");
        assertTrue(json.contains("\"type\":\"videoTiles\""), json);
        assertEquals(1, s.tilesSent());
        assertEquals(List.of(new Message.Tile("3", 320, 180, true), new Message.Tile("5", 320, 180, true)),
                new RemoteVideoState(SimulcastLayer.Q).tilesFor(STREAMS).tiles());
    }

    @Test
    void withoutSubscribeLayerOrWithoutVideoNothingIsSent() {
        RemoteVideoState none = new RemoteVideoState(null);
        assertNull(none.tilesFor(STREAMS));
        assertEquals(0, none.tilesSent());
        assertNull(new RemoteVideoState(SimulcastLayer.F).tilesFor(STREAMS.subList(0, 1)));
    }

    @Test
    void remoteVideoPausesAreCountedAndRemembered() {
        RemoteVideoState s = new RemoteVideoState(null);
        s.onRemoteVideo(new Message.RemoteVideo("3", "p1", true, "hidden", null));
        s.onRemoteVideo(new Message.RemoteVideo("5", "p2", false, null, "h"));
        assertTrue(s.isPaused("p1"));
        assertFalse(s.isPaused("p2"));
        s.onRemoteVideo(new Message.RemoteVideo("3", "p1", false, null, "q"));
        assertFalse(s.isPaused("p1"));
        assertEquals(3, s.messages());
        assertEquals(1, s.pausedMessages());
        assertFalse(s.isPaused(null));
    }
}
