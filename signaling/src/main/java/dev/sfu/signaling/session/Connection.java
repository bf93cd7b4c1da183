package dev.sfu.signaling.session;

import dev.sfu.signaling.message.Message;

/**
 * The WebSocket a {@link ClientSession} talks through now. A session outlives its connection
 * when its participant resumes on a new one; each method may be called from any thread.
 */
public interface Connection {
    /** Sends one message (dropped when the connection is closed). */
    void send(Message m);

    /** Sends an error, then closes the connection. */
    void sendAndClose(Message.Error e);

    /** Closes the connection without a message: another connection took its session over. */
    void close();
}
