package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The STUN USERNAME reader of the shared media port: the local ufrag of a well-formed Binding
 * Request (RFC 8445 section 7.2.2), null for anything else (RFC 8489 sections 5 and 14). It reads
 * what anyone sends to the port, so besides the table below it gets every truncation of a valid
 * request, forged lengths and random bytes, and must never throw or read past {@code len}
 * ({@link StunUsernameFuzzTest} fuzzes it with Jazzer).
 */
class StunUsernameTest {

    @Test
    void localUfragIsTheUsernameBeforeTheColonOfABindingRequest() {
        byte[] ok = UnvalidatedSourceTest.bindingRequestWithUsername("srvU:cliU");
        assertEquals("srvU", StunUsername.localUfrag(ok, ok.length));
        // Datagram longer than the STUN message (trailing bytes): still the message's USERNAME.
        byte[] longer = Arrays.copyOf(ok, ok.length + 8);
        assertEquals("srvU", StunUsername.localUfrag(longer, longer.length));
    }

    @Test
    void malformedOrForeignStunYieldsNoUfrag() {
        byte[] ok = UnvalidatedSourceTest.bindingRequestWithUsername("srvU:cliU");
        // Truncated below the header, and below the declared length.
        assertNull(StunUsername.localUfrag(ok, 19));
        assertNull(StunUsername.localUfrag(ok, ok.length - 4));
        // Wrong magic cookie (RFC 5389 section 6).
        byte[] cookie = ok.clone();
        cookie[4] = 0x22;
        assertNull(StunUsername.localUfrag(cookie, cookie.length));
        // A Binding success response (0x0101), not a request.
        byte[] response = ok.clone();
        response[0] = 0x01;
        response[1] = 0x01;
        assertNull(StunUsername.localUfrag(response, response.length));
        // No colon, and a colon first (empty local ufrag).
        byte[] noColon = UnvalidatedSourceTest.bindingRequestWithUsername("srvUcliU");
        assertNull(StunUsername.localUfrag(noColon, noColon.length));
        byte[] empty = UnvalidatedSourceTest.bindingRequestWithUsername(":cliU");
        assertNull(StunUsername.localUfrag(empty, empty.length));
        // An attribute whose length runs past the message.
        byte[] overrun = ok.clone();
        overrun[22] = 0x7f;
        assertNull(StunUsername.localUfrag(overrun, overrun.length));
        // A body length that is not a multiple of 4.
        byte[] odd = ok.clone();
        odd[3] = (byte) (odd[3] + 1);
        assertNull(StunUsername.localUfrag(odd, odd.length));
        // A length larger than the array (a caller's bug) is refused, not read.
        assertNull(StunUsername.localUfrag(ok, ok.length + 1));
    }

    @Test
    void everyTruncationOfAValidRequestIsRefusedWithoutReadingPastItsLength() {
        byte[] ok = UnvalidatedSourceTest.bindingRequestWithUsername("srvU:cliU");
        for (int len = 0; len < ok.length; len++) {
            // Only the first len bytes exist: a read past them would throw here.
            byte[] cut = Arrays.copyOf(ok, len);
            assertNull(StunUsername.localUfrag(cut, len), "truncated to " + len);
        }
    }

    @Test
    void forgedLengthsAndAttributesNeverThrow() {
        byte[] ok = UnvalidatedSourceTest.bindingRequestWithUsername("srvU:cliU");
        // Every value of the message length and of the attribute length, on an exact-size array.
        for (int v = 0; v <= 0xffff; v++) {
            byte[] body = ok.clone();
            body[2] = (byte) (v >>> 8);
            body[3] = (byte) v;
            String u = StunUsername.localUfrag(body, body.length);
            assertEquals(v == ok.length - 20 ? "srvU" : null, u, "message length " + v);
            byte[] attr = ok.clone();
            attr[22] = (byte) (v >>> 8);
            attr[23] = (byte) v;
            u = StunUsername.localUfrag(attr, attr.length);
            if (u != null) {
                assertEquals("srvU", u, "attribute length " + v + " within the message");
            }
        }
    }

    @Test
    void randomAndMutatedDatagramsNeverThrowAndAnyUfragIsInTheDatagram() {
        SplittableRandom random = new SplittableRandom(0x5717L);
        byte[] ok = UnvalidatedSourceTest.bindingRequestWithUsername("srvU:cliU");
        for (int i = 0; i < 200_000; i++) {
            byte[] d;
            if ((i & 1) == 0) {
                d = new byte[random.nextInt(64)];
                random.nextBytes(d);
                if (d.length >= 8 && random.nextBoolean()) {
                    // A valid header often, so the attribute walk is reached.
                    System.arraycopy(ok, 0, d, 0, 2);
                    System.arraycopy(ok, 4, d, 4, 4);
                }
            } else {
                d = Arrays.copyOf(ok, ok.length + random.nextInt(8) - 4);
                for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                    d[random.nextInt(d.length)] = (byte) random.nextInt(256);
                }
            }
            int len = d.length == 0 ? 0 : random.nextInt(d.length + 1);
            String u = StunUsername.localUfrag(d, len);
            if (u != null) {
                assertFalse(u.isEmpty(), "an empty ufrag is never returned");
                assertFalse(u.contains(":"), "the ufrag stops at the colon");
            }
        }
    }
}
