package dev.sfu.core.room;

import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.UpTrack;

import java.util.List;

/**
 * A relay from this node's part of a room to another node hosting the same room
 * (docs/architecture.md, "Relays"), as the room sees it: the egress its local publishers' tracks
 * are attached to, and who hears about local publishers so that the far node can mirror them.
 * Attached with {@link RoomManager#attachRelay}. Callbacks come after the room's lock is released
 * and must not block.
 */
public interface RoomRelay {
    /** Where the local publishers' tracks cross to the far node. */
    RelayEgress egress();

    /** A local participant joined, published, withdrew tracks or changed its mute state. */
    void localParticipantChanged(Participant participant);

    /** A local participant left the room. */
    void localParticipantLeft(Participant participant);

    /**
     * Dynacast for a remote participant's simulcast track (one this relay may mirror): the
     * layers this node's subscribers need of it, lowest first by the publisher's order. The relay
     * tells the far node, which stops sending the others across. Scheduler thread.
     */
    default void remoteLayersNeeded(Participant remote, UpTrack track, List<String> rids) {
    }
}
