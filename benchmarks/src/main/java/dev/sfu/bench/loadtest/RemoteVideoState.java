package dev.sfu.bench.loadtest;

import dev.sfu.signaling.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A receiver's side of the simulcast signaling: the {@code videoTiles} it sends after each
 * answer with {@code --subscribe-layer} (every remote video sized at that layer, visible, as the
 * call page sizes its tiles), and the server's {@code remoteVideo} states (which publishers'
 * videos it pauses for this receiver). Updated on the signaling thread, read by others.
 */
final class RemoteVideoState {
    private final SimulcastLayer subscribeLayer;
    private final Set<String> pausedPublishers = ConcurrentHashMap.newKeySet();
    private volatile long tilesSent;
    private volatile long messages;
    private volatile long paused;

    /** @param subscribeLayer the layer to ask for, or null to send no videoTiles */
    RemoteVideoState(SimulcastLayer subscribeLayer) {
        this.subscribeLayer = subscribeLayer;
    }

    /**
     * The videoTiles message to send after answering an offer that receives {@code streams}, or
     * null (no --subscribe-layer, or no video). At most {@link Message#MAX_TILES} tiles; a
     * video not listed keeps the server's default.
     */
    Message.VideoTiles tilesFor(List<ClientSdp.RemoteStream> streams) {
        if (subscribeLayer == null) {
            return null;
        }
        List<Message.Tile> tiles = new ArrayList<>();
        for (ClientSdp.RemoteStream s : streams) {
            if ("video".equals(s.kind()) && tiles.size() < Message.MAX_TILES) {
                tiles.add(new Message.Tile(s.mid(), subscribeLayer.width(), subscribeLayer.height(), true));
            }
        }
        if (tiles.isEmpty()) {
            return null;
        }
        tilesSent++;
        return new Message.VideoTiles(tiles);
    }

    void onRemoteVideo(Message.RemoteVideo rv) {
        messages++;
        if (rv.paused()) {
            paused++;
        }
        if (rv.participantId() != null) {
            if (rv.paused()) {
                pausedPublishers.add(rv.participantId());
            } else {
                pausedPublishers.remove(rv.participantId());
            }
        }
    }

    /** True while the server's last remoteVideo about this publisher's video said paused. */
    boolean isPaused(String publisherServerId) {
        return publisherServerId != null && pausedPublishers.contains(publisherServerId);
    }

    long tilesSent() {
        return tilesSent;
    }

    long messages() {
        return messages;
    }

    long pausedMessages() {
        return paused;
    }
}
