package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 3550 appendix A.1 behaviour, fed as sequences of 16-bit numbers. Each packet's result is
 * written as its gap (0 in order), {@code late}, {@code start} (the stream starts or restarts
 * there) or {@code -} (ignored: on probation, a duplicate, an unconfirmed jump); then the
 * highest extended sequence number.
 */
class ExtendedSequenceTrackerTest {

    private static String run(String seqs) {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        StringBuilder sb = new StringBuilder();
        for (int seq : Arrays.stream(seqs.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray()) {
            int r = t.update(seq);
            sb.append(switch (r) {
                case ExtendedSequenceTracker.IGNORED -> "-";
                case ExtendedSequenceTracker.LATE -> "late";
                case ExtendedSequenceTracker.STARTED -> "start";
                default -> String.valueOf(r);
            }).append(' ');
        }
        return sb.append("| ").append(t.highest()).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "in order                     ; 10 11 12 13                  ; - start 0 0 | 13",
        "across the wrap              ; 65533 65534 65535 0 1        ; - start 0 0 0 | 65537",
        "big steps across the wrap    ; 62999 63000 65535 2000       ; - start 2534 2000 | 67536",
        "late packet before the wrap  ; 65533 65534 0 65535 1        ; - start 1 late 0 | 65537",
        "gap under MAX_DROPOUT        ; 99 100 3099                  ; - start 2998 | 3099",
        "duplicate                    ; 7 8 8 9                      ; - start - 0 | 9",
        "jump ignored, then restart   ; 100 101 102 40000 40001 40002; - start 0 - start 0 | 40002",
        "single jump is ignored       ; 100 101 102 40000 103        ; - start 0 - 0 | 103",
        "too old to be reordering     ; 1000 1001 1002 800           ; - start 0 - | 1002",
        "probation starts over on gap ; 10 12 13 14                  ; - - start 0 | 14",
    })
    void rfc3550AppendixA1(String name, String seqs, String expected) {
        assertEquals(expected, run(seqs), name);
    }

    @Test
    void manyWrapsKeepCounting() {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        t.update(0xFFFF);
        assertEquals(ExtendedSequenceTracker.STARTED, t.update(0));
        long last = 0;
        for (long ext = 2999; ext <= 5 * 65536L; ext += 2999) {
            assertEquals(2998, t.update((int) (ext & 0xFFFF)));
            assertEquals(ext, t.highest());
            last = ext;
        }
        assertEquals(326891, last);
        assertEquals(4 * 65536L, t.cycles());
    }

    @Test
    void countersFollowTheStream() {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        assertFalse(t.isValid());
        t.update(65499);
        assertFalse(t.isValid(), "one packet is not enough");
        for (int i = 0; i <= 100; i++) {
            t.update((65500 + i) & 0xFFFF);
        }
        assertTrue(t.isValid());
        assertEquals(65600, t.highest());
        assertEquals(65536, t.cycles());
        assertEquals(65500, t.base());
        assertEquals(101, t.expected());
        assertEquals(101, t.received());
        t.update(65598);
        assertEquals(102, t.received(), "a late packet counts");
        t.update(65600);
        assertEquals(102, t.received(), "a duplicate of the highest does not");
        t.update(20000);
        t.update(20001);
        assertEquals(20001, t.highest(), "a confirmed jump starts the stream over");
        assertEquals(20001, t.base());
        assertEquals(1, t.received());
        t.reset();
        assertFalse(t.isValid(), "reset: a new source on probation");
    }
}
