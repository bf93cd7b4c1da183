package dev.sfu.core.relay;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;

import java.util.List;

/**
 * What two nodes hosting one room tell each other to set up and keep up their relay
 * (docs/architecture.md, "Relays"). Every message names the room and the node that sent it;
 * {@link RelaySignals} carries them (in memory in tests, Redis pub/sub in a cluster). All are
 * plain records of strings, numbers and lists, so any JSON mapper can carry them.
 */
public sealed interface RelayMessage {
    String roomId();

    /** The node that sent the message. */
    String fromNode();

    /**
     * One end's transport parameters, as an SDP offer or answer would carry them.
     *
     * @param setup the sender's a=setup: the dialer offers {@code ACTPASS}, the answerer answers
     *              {@code PASSIVE} (it is DTLS server)
     */
    record IceParameters(String ufrag, String pwd, List<IceCandidate> candidates, Fingerprint fingerprint,
                         DtlsSetup setup) {
        public IceParameters {
            candidates = List.copyOf(candidates);
        }
    }

    /** From the dialer (the node that joined the room later): its ICE and DTLS parameters. */
    record Offer(String roomId, String fromNode, IceParameters parameters) implements RelayMessage {
    }

    /** From the answerer (the room's owner), in reply to an {@link Offer}. */
    record Answer(String roomId, String fromNode, IceParameters parameters) implements RelayMessage {
    }

    /**
     * A participant of the sending node, with everything it publishes now: sent when it joins,
     * publishes, withdraws a track, changes its mute state, or when a simulcast SSRC is learned.
     * The receiving node mirrors it as a remote participant; the latest message wins.
     */
    record Publisher(String roomId, String fromNode, String participantId, String displayName,
                     boolean audioMuted, boolean videoMuted, List<RelayTrack> tracks) implements RelayMessage {
        public Publisher {
            tracks = List.copyOf(tracks);
        }
    }

    /**
     * Dynacast across the relay: the sending node's subscribers need only these layers (rids) of
     * the receiving node's participant's track; the others need not cross.
     */
    record LayersNeeded(String roomId, String fromNode, String participantId, String trackId, List<String> rids)
            implements RelayMessage {
        public LayersNeeded {
            rids = List.copyOf(rids);
        }
    }

    /** A participant of the sending node left the room. */
    record PublisherLeft(String roomId, String fromNode, String participantId) implements RelayMessage {
    }

    /** The sending node closed its end of the relay (last local participant gone, shutdown, failure). */
    record Close(String roomId, String fromNode, String reason) implements RelayMessage {
    }
}
