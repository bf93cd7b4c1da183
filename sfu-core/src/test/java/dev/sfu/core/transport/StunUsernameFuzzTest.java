package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link StunUsername#localUfrag}, which reads the first datagram anyone sends to the
 * server's shared media port: on any bytes and any length within them it returns null or a
 * non-empty ufrag without a colon, never throws, and reads nothing past {@code len} (the input
 * is given exactly {@code len} bytes, so such a read would throw).
 */
class StunUsernameFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void localUfragOfAnyDatagram(byte[] data) {
        String u = StunUsername.localUfrag(data, data.length);
        if (u != null) {
            assertFalse(u.isEmpty(), "an empty ufrag is never returned");
            assertFalse(u.contains(":"), "the ufrag stops at the colon");
            assertTrue(data.length >= 24, "a ufrag needs a header and an attribute");
        }
    }
}
