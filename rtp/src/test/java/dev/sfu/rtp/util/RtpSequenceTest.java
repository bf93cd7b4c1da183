package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpSequenceTest {

    @ParameterizedTest(name = "seq {0} - {1} = {2}, newer={3}")
    @CsvSource({
        "1, 0, 1, true",
        "0, 1, -1, false",
        "5, 5, 0, false",
        // Across the 16-bit wrap.
        "0, 65535, 1, true",
        "65535, 0, -1, false",
        "10, 65530, 16, true",
        "65530, 10, -16, false",
        // Half a cycle apart: the distance is -32768 both ways; the larger value wins.
        "32768, 0, -32768, true",
        "0, 32768, -32768, false",
        "32767, 0, 32767, true",
        "0, 32767, -32767, false",
        "40000, 7232, -32768, true",
    })
    void sixteenBitWrap(int a, int b, int diff, boolean newer) {
        assertEquals(diff, RtpSequence.diff(a, b));
        assertEquals(newer, RtpSequence.isNewer(a, b));
        assertEquals(a == b ? 0 : newer ? 1 : -1, RtpSequence.compare(a, b));
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({"65535, 1, 0", "0, -1, 65535", "100, 65536, 100", "65000, 1000, 464", "3, -5, 65534"})
    void addWraps(int seq, int delta, int expected) {
        assertEquals(expected, RtpSequence.add(seq, delta));
    }
}
