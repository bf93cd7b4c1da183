package dev.sfu.core.relay;

import java.util.function.Consumer;

/**
 * How nodes send each other {@link RelayMessage}s. In a cluster it is Redis pub/sub (a channel
 * per node); {@link InMemoryRelaySignals} serves tests and a single JVM.
 *
 * <p>Contract: messages from one node to another arrive in the order sent (a Redis channel keeps
 * it), at most once, on a thread of the implementation's, one at a time per receiving node; a
 * handler must not block for long.
 */
public interface RelaySignals {
    /** Sends {@code message} to node {@code toNode}; never blocks (a message that cannot be queued is dropped and logged). */
    void send(String toNode, RelayMessage message);

    /** Delivers the messages sent to {@code nodeId} to {@code handler} until the returned handle is closed. */
    AutoCloseable register(String nodeId, Consumer<RelayMessage> handler);
}
