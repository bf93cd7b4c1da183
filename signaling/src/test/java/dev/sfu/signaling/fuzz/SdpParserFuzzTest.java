package dev.sfu.signaling.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.signaling.sdp.SdpParseException;
import dev.sfu.signaling.sdp.SdpParser;
import dev.sfu.signaling.sdp.SessionDescription;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link SdpParser#parse}, which reads the offer text any client sends: every input either
 * parses or is refused with an {@link SdpParseException} whose sentence the client gets back;
 * nothing else may escape (a NumberFormatException or an IndexOutOfBoundsException here would
 * close the client's connection without a word). And RFC 8866 section 5 line endings are
 * interchangeable: the same text with CRLF instead of LF gives the same result or the same error.
 */
class SdpParserFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parseAnyText(byte[] data) {
        String sdp = new String(data, StandardCharsets.UTF_8);
        Object outcome = outcome(sdp);
        String crlf = sdp.replace("\r\n", "\n").replace("\n", "\r\n");
        assertEquals(outcome, outcome(crlf), "CRLF and LF line endings read the same");
    }

    /** The parsed description, or the error sentence. */
    private static Object outcome(String sdp) {
        try {
            SessionDescription d = SdpParser.parse(sdp);
            assertNotNull(d);
            assertFalse(d.media().isEmpty(), "a parsed SDP has an m= line");
            return d;
        } catch (SdpParseException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank(), "the client gets a sentence");
            return e.getMessage();
        }
    }
}
