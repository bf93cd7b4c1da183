package dev.sfu.bench.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's per-participant downlink estimate is read from GET /api/rooms/ROOM when it has one. */
class DownlinkEstimateProbeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DownlinkEstimateProbe probe() {
        return new DownlinkEstimateProbe(null, URI.create("http://127.0.0.1:1"), Set.of());
    }

    @Test
    void serverWithoutTheFieldLeavesTheEstimateUnknown() throws Exception {
        DownlinkEstimateProbe p = probe();
        p.onRoom(JSON.readTree("{\"id\":\"r\",\"participants\":[{\"id\":\"a\",\"bitrateDown\":5}]}"));
        assertFalse(p.serverPublishesEstimates());
        assertNull(p.last("a"));
        assertNull(p.mean("a"));
    }

    @Test
    void estimatesAreAveragedAndTheLastKeptWhileUnknownOnesAreSkipped() throws Exception {
        DownlinkEstimateProbe p = probe();
        p.onRoom(JSON.readTree("{\"participants\":[{\"id\":\"a\",\"downlink\":{\"estimateBps\":500000}},"
                + "{\"id\":\"b\",\"downlink\":{\"estimateBps\":-1}}]}"));
        p.onRoom(JSON.readTree("{\"participants\":[{\"id\":\"a\",\"downlink\":{\"estimateBps\":700000}}]}"));
        assertTrue(p.serverPublishesEstimates());
        assertEquals(700000.0, p.last("a"));
        assertEquals(600000.0, p.mean("a"));
        assertNull(p.last("b"), "-1 is unknown");
    }
}
