package dev.sfu.signaling.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON reading and writing of every message type, and each rejection's code. */
class MessageCodecTest {

    @Test
    void everyMessageRoundTripsThroughJson() throws SignalingException {
        List<Message> all = List.of(
                new Message.Join("room-1", "Ada"),
                new Message.Joined("p1", "room-1", List.of(new Message.Participant("p2", "Bob", true, false,
                        List.of(new Message.Track("t1", "audio"))))),
                new Message.Offer("v=0\r\n"), new Message.Answer("v=0\r\n"),
                new Message.Candidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0),
                new Message.ParticipantJoined(new Message.Participant("p2", "Bob", false, false, List.of())),
                new Message.ParticipantLeft("p2"), new Message.TrackState("p2", true, false),
                new Message.Leave(), new Message.Ping(), new Message.Pong(),
                new Message.Error("BAD_JSON", "The frame is not valid JSON."),
                new Message.VideoTiles(List.of(new Message.Tile("s1", 320, 180, true))),
                new Message.LayersNeeded("1", List.of("q", "h")),
                new Message.RemoteVideo("s1", "p2", true, "hidden", null),
                new Message.DominantSpeaker("p2", List.of("p2", "p3")),
                new Message.Resume("p1", "tok"), new Message.Resumed("p1", "room-1", List.of(), "tok2",
                        List.of("wss://node-a.example/ws", "wss://node-b.example/ws")),
                new Message.Chat("<b>hi</b>", "p2", "Bob", 1700000000000L),
                new Message.ChatHistory(List.of(new Message.Chat("hi", "p2", "Bob", 1700000000000L))),
                new Message.Redirect("room-1", "wss://node-b.example:8443/ws", "node-b"));
        assertEquals(all.size(), MessageCodec.typeNames().size());
        for (Message m : all) {
            String json = MessageCodec.encode(m);
            assertTrue(json.startsWith("{\"type\":\""), json);
            assertEquals(m, MessageCodec.decode(json));
        }
    }

    @Test
    void exactJsonOfSomeMessages() throws SignalingException {
        assertEquals("{\"type\":\"join\",\"room\":\"r\",\"name\":\"n\"}", MessageCodec.encode(new Message.Join("r", "n")));
        assertEquals("{\"type\":\"joined\",\"participantId\":\"p1\",\"room\":\"r\",\"participants\":[],"
                + "\"resumeToken\":\"t\",\"nodes\":[\"ws://a:1/ws\",\"ws://b:2/ws\"]}",
                MessageCodec.encode(new Message.Joined("p1", "r", List.of(), null, "t", List.of("ws://a:1/ws", "ws://b:2/ws"))));
        assertEquals("{\"type\":\"joined\",\"participantId\":\"p1\",\"room\":\"r\",\"participants\":[],"
                + "\"resumeToken\":\"t\"}", MessageCodec.encode(new Message.Joined("p1", "r", List.of(), null, "t")),
                "a single node sends no node list");
        assertEquals("{\"type\":\"trackState\",\"audioMuted\":true,\"videoMuted\":false}",
                MessageCodec.encode(new Message.TrackState(null, true, false)));
        assertEquals(new Message.TrackState(null, false, false, true), MessageCodec.decode(
                "{\"type\":\"trackState\",\"audioMuted\":false,\"videoMuted\":false,\"screenShare\":true}"));
        assertEquals("{\"type\":\"leave\"}", MessageCodec.encode(new Message.Leave()));
        assertEquals("{\"type\":\"error\",\"code\":\"ROOM_FULL\",\"message\":\"Full.\"}",
                MessageCodec.encode(new Message.Error("ROOM_FULL", "Full.")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"videoTiles\"}                                                           | tiles",
        "{\"type\":\"videoTiles\",\"tiles\":[{\"width\":1,\"height\":1,\"visible\":true}]}   | tiles[].mid",
        "{\"type\":\"videoTiles\",\"tiles\":[{\"mid\":\"1\",\"width\":-1,\"height\":1,\"visible\":true}]} | tiles[].width",
        "{\"type\":\"videoTiles\",\"tiles\":[{\"mid\":\"1\",\"width\":1,\"height\":99999,\"visible\":true}]} | tiles[].width",
    })
    void videoTilesWithBadFieldsGetInvalidFieldNamingTheField(String json, String field) {
        SignalingException e = org.junit.jupiter.api.Assertions.assertThrows(SignalingException.class, () -> MessageCodec.decode(json));
        assertEquals(ErrorCode.INVALID_FIELD, e.code());
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    @Test
    void unknownFieldsAreIgnored() throws SignalingException {
        Message m = MessageCodec.decode("{\"type\":\"join\",\"room\":\"r\",\"name\":\"n\",\"client\":\"x/1\"}");
        assertInstanceOf(Message.Join.class, m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                                   | BAD_JSON",
        "[1,2]                                                      | BAD_JSON",
        "\"join\"                                                   | BAD_JSON",
        "{\"type\":\"join\",\"room\":\"a\",\"room\":\"b\",\"name\":\"n\"} | BAD_JSON",
        "{\"type\":\"ping\"} trailing                               | BAD_JSON",
        "{}                                                         | UNKNOWN_TYPE",
        "{\"type\":5}                                               | UNKNOWN_TYPE",
        "{\"type\":\"dance\"}                                       | UNKNOWN_TYPE",
        "{\"type\":\"join\",\"name\":\"n\"}                         | INVALID_FIELD",
        "{\"type\":\"join\",\"room\":\"a b\",\"name\":\"n\"}        | INVALID_FIELD",
        "{\"type\":\"join\",\"room\":5,\"name\":\"n\"}              | INVALID_FIELD",
        "{\"type\":\"join\",\"room\":\"r\",\"name\":\"  \"}         | INVALID_FIELD",
        "{\"type\":\"offer\"}                                       | INVALID_FIELD",
        "{\"type\":\"offer\",\"sdp\":{\"a\":1}}                     | INVALID_FIELD",
        "{\"type\":\"trackState\",\"audioMuted\":true}              | INVALID_FIELD",
        "{\"type\":\"trackState\",\"audioMuted\":\"yes\",\"videoMuted\":false} | INVALID_FIELD",
        "{\"type\":\"candidate\",\"candidate\":\"x\"}               | INVALID_FIELD",
    })
    void rejectionsCarryTheirCodeAndASentence(String json, String code) {
        SignalingException e = assertThrows(SignalingException.class, () -> MessageCodec.decode(json.strip()));
        assertEquals(code, e.code().name(), e.getMessage());
        assertTrue(e.getMessage().endsWith("."), e.getMessage());
        Message.Error err = e.toMessage();
        assertEquals(code, err.code());
    }

    @Test
    void invalidFieldNamesTheField() {
        SignalingException e = assertThrows(SignalingException.class,
                () -> MessageCodec.decode("{\"type\":\"join\",\"room\":5,\"name\":\"n\"}"));
        assertTrue(e.getMessage().contains("'room'"), e.getMessage());
        e = assertThrows(SignalingException.class, () -> MessageCodec.decode("{\"type\":\"join\",\"room\":\"r\"}"));
        assertTrue(e.getMessage().contains("'name'"), e.getMessage());
    }
}
