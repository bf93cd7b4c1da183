package dev.sfu.rtp.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SSRC-to-context table against a HashMap model: removal by backward shift must keep every
 * other entry reachable, including entries whose probe run wraps around the end of the array.
 */
class SsrcContextTableTest {

    @Test
    void randomPutsAndRemovesAgreeWithAMap() {
        Random random = new Random(7);
        SsrcContextTable<Integer> table = new SsrcContextTable<>(64);
        Map<Integer, Integer> model = new HashMap<>();
        List<Integer> keys = new ArrayList<>();
        // Few distinct keys, so that probe runs are long and collide often.
        for (int i = 0; i < 200; i++) {
            keys.add(random.nextInt());
        }
        for (int step = 0; step < 200_000; step++) {
            int ssrc = keys.get(random.nextInt(keys.size()));
            if (random.nextBoolean() && model.size() < 64) {
                assertTrue(table.put(ssrc, step));
                model.put(ssrc, step);
            } else {
                assertEquals(model.remove(ssrc) != null, table.remove(ssrc), "remove " + ssrc);
            }
            if (step % 97 == 0) {
                assertEquals(model.size(), table.size());
                for (int k : keys) {
                    assertEquals(model.get(k), table.get(k), "lookup " + k + " at step " + step);
                }
            }
        }
    }

    @Test
    void aFullTableAcceptsANewSsrcOnceOneIsRemoved() {
        SsrcContextTable<String> table = new SsrcContextTable<>(3);
        assertTrue(table.put(1, "a"));
        assertTrue(table.put(2, "b"));
        assertTrue(table.put(3, "c"));
        assertTrue(table.isFull());
        assertFalse(table.put(4, "d"));
        assertTrue(table.remove(2));
        assertFalse(table.remove(2));
        assertNull(table.get(2));
        assertTrue(table.put(4, "d"));
        assertEquals("a", table.get(1));
        assertEquals("c", table.get(3));
        assertEquals("d", table.get(4));
    }
}
