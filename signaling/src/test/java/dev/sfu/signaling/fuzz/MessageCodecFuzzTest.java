package dev.sfu.signaling.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.signaling.message.Message;
import dev.sfu.signaling.message.MessageCodec;
import dev.sfu.signaling.message.SignalingException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link MessageCodec#decode}, the reader of every WebSocket text frame a client sends:
 * each input is either a valid message or refused with a {@link SignalingException} that carries
 * an error code and a sentence (docs/signaling.md); nothing else may escape. A message that was
 * accepted survives {@link MessageCodec#encode} and a second decode unchanged.
 */
class MessageCodecFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decodeAnyFrame(byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        Message m;
        try {
            m = MessageCodec.decode(json);
        } catch (SignalingException e) {
            assertNotNull(e.code(), "an error code");
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank(), "the client gets a sentence");
            return;
        }
        assertNotNull(m);
        String written = MessageCodec.encode(m);
        try {
            assertEquals(m, MessageCodec.decode(written), "round trip through " + written);
        } catch (SignalingException e) {
            throw new AssertionError("the server's own encoding of an accepted message is refused: " + written, e);
        }
    }
}
