package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The close handlers of a transport: once each, in order, late ones at once, a failing one isolated. */
class CloseHandlersTest {
    @Test
    void handlersRunOnceInTheOrderAddedAndALateOneRunsAtOnce() {
        CloseHandlers handlers = new CloseHandlers("t");
        List<String> calls = new ArrayList<>();
        handlers.add((r, d) -> calls.add("registry " + r + " " + d));
        handlers.add((r, d) -> {
            throw new IllegalStateException("a failing handler");
        });
        handlers.add((r, d) -> calls.add("signaling " + r + " " + d));
        assertNull(handlers.reason());

        assertTrue(handlers.fire(CloseReason.CONSENT_EXPIRED, "silent"));
        assertFalse(handlers.fire(CloseReason.LOCAL_CLOSE, "closed"), "only the first end counts");
        assertEquals(List.of("registry CONSENT_EXPIRED silent", "signaling CONSENT_EXPIRED silent"), calls);
        assertEquals(CloseReason.CONSENT_EXPIRED, handlers.reason());

        handlers.add((r, d) -> calls.add("late " + r + " " + d));
        assertEquals("late CONSENT_EXPIRED silent", calls.get(2));
        assertEquals(3, calls.size());
    }
}
