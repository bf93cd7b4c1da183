package dev.sfu.signaling.room;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last chat messages of one room, in memory only, for late joiners: a bounded ring
 * (the oldest message goes when a new one would exceed the limit). Thread-safe.
 */
public final class ChatHistory {
    /** Messages kept per room. */
    public static final int LIMIT = 100;

    private final int limit;
    private final ArrayDeque<ChatMessage> messages;

    public ChatHistory() {
        this(LIMIT);
    }

    ChatHistory(int limit) {
        this.limit = limit;
        this.messages = new ArrayDeque<>(limit);
    }

    /** Adds a message, dropping the oldest when full. */
    public synchronized void add(ChatMessage m) {
        if (messages.size() == limit) {
            messages.pollFirst();
        }
        messages.addLast(m);
    }

    /** The kept messages, oldest first. */
    public synchronized List<ChatMessage> snapshot() {
        return List.copyOf(messages);
    }
}
