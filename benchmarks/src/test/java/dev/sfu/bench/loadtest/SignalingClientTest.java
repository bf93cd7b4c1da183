package dev.sfu.bench.loadtest;

import dev.sfu.signaling.message.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading server messages: the simulcast ones, and types a newer server may add. */
class SignalingClientTest {
    @Test
    void simulcastMessagesFromTheServerAreRead() {
        assertEquals(new Message.LayersNeeded("1", List.of("q", "h")),
                SignalingClient.read("{\"type\":\"layersNeeded\",\"mid\":\"1\",\"rids\":[\"q\",\"h\"]}"));
        assertEquals(new Message.RemoteVideo("3", "p1", true, "hidden", null), SignalingClient.read(
                "{\"type\":\"remoteVideo\",\"mid\":\"3\",\"participantId\":\"p1\",\"paused\":true,\"reason\":\"hidden\"}"));
        assertEquals(new Message.DominantSpeaker("p2", List.of("p2", "p1")),
                SignalingClient.read("{\"type\":\"dominantSpeaker\",\"participantId\":\"p2\",\"recent\":[\"p2\",\"p1\"]}"));
    }

    @Test
    void anUnknownTypeIsSkippedNotAnError() {
        assertNull(SignalingClient.read("{\"type\":\"bandwidthEstimate\",\"kbps\":900}"));
    }

    @Test
    void aMessageThatDoesNotDecodeIsAnErrorNamingTheProblem() {
        Message m = SignalingClient.read("{\"type\":\"layersNeeded\",\"mid\":1}");
        assertTrue(m instanceof Message.Error e && e.code().equals("CLIENT_DECODE") && e.message().contains("mid"),
                String.valueOf(m));
        assertTrue(SignalingClient.read("not json") instanceof Message.Error);
    }
}
