package dev.sfu.signaling.session;

import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.MediaTransport;

import java.util.function.BiConsumer;

/**
 * Creates the server-side media transport of one participant, on its first offer. The
 * implementation wires the transport's media events to the room layer; signaling only uses the
 * ICE/DTLS parameters, remote parameters, candidates and close.
 */
@FunctionalInterface
public interface TransportFactory {
    /**
     * @param participantId the participant (also the transport id)
     * @param onClosed      to call once when the transport ends for any reason but a local
     *                      close, with the reason and a detail sentence; any thread
     */
    MediaTransport create(String participantId, BiConsumer<CloseReason, String> onClosed);
}
