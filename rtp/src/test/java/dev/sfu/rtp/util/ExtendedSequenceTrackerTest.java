package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3550 appendix A.1 behaviour, fed as sequences of 16-bit numbers. */
class ExtendedSequenceTrackerTest {

    private static String run(String seqs) {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        long[] out = Arrays.stream(seqs.trim().split("\\s+")).mapToInt(Integer::parseInt)
                .mapToLong(t::accept).toArray();
        StringBuilder sb = new StringBuilder();
        for (long v : out) {
            sb.append(sb.length() == 0 ? "" : " ").append(v);
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "in order                     | 10 11 12                  | 10 11 12",
        "across the wrap              | 65534 65535 0 1           | 65534 65535 65536 65537",
        "big steps across the wrap    | 63000 65535 2000          | 63000 65535 67536",
        "late packet before the wrap  | 65534 0 65535 1           | 65534 65536 65535 65537",
        "gap under MAX_DROPOUT        | 100 3099                  | 100 3099",
        "duplicate                    | 7 8 8 9                   | 7 8 8 9",
        "late packet from before first| 0 65535 1                 | 0 -1 1",
        "jump rejected then resync    | 100 101 40000 40001 40002 | 100 101 -1 40001 40002",
        "single jump is ignored       | 100 101 40000 102         | 100 101 -1 102",
        "jump back resyncs forward    | 30000 30001 100 101       | 30000 30001 -1 65637",
        "too old to be reordering     | 1000 1001 800             | 1000 1001 -1",
    })
    void rfc3550AppendixA1(String name, String seqs, String expected) {
        assertEquals(expected, run(seqs), name);
    }

    @Test
    void manyWrapsKeepCounting() {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        long last = 0;
        for (long ext = 0; ext <= 5 * 65536L; ext += 2999) {
            assertEquals(ext, t.accept((int) (ext & 0xFFFF)));
            last = ext;
        }
        assertEquals(326891, last);
        assertEquals(4 * 65536L, t.cycles());
        assertEquals(last, t.highest());
    }

    @Test
    void countersFollowTheStream() {
        ExtendedSequenceTracker t = new ExtendedSequenceTracker();
        assertEquals(-1, t.highest());
        assertEquals(0, t.expected());
        t.accept(65500);
        for (int i = 1; i <= 100; i++) {
            t.accept((65500 + i) & 0xFFFF);
        }
        assertEquals(65600, t.highest());
        assertEquals(65536, t.cycles());
        assertEquals(65500, t.base());
        assertEquals(101, t.expected());
        assertEquals(101, t.received());
        t.accept(20000);
        t.accept(20001);
        assertEquals(1, t.rejected());
        assertEquals(1, t.resyncs());
        assertEquals(65536 + 20001, t.highest());
    }
}
