package dev.sfu.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A room keeps its last 100 chat messages, oldest first, for late joiners. */
class ChatHistoryTest {
    @Test
    void keepsTheLastHundredInOrder() {
        ChatHistory h = new ChatHistory();
        for (int i = 0; i < 150; i++) {
            h.add(new ChatMessage("p" + i, "n", "message " + i, i));
        }
        List<ChatMessage> kept = h.snapshot();
        assertEquals(ChatHistory.LIMIT, kept.size());
        assertEquals("message 50", kept.get(0).text());
        assertEquals("message 149", kept.get(99).text());
        h.add(new ChatMessage("p", "n", "later", 200));
        assertEquals("message 149", kept.get(99).text(), "a snapshot does not change afterwards");
        assertEquals("message 51", h.snapshot().get(0).text());
    }
}
