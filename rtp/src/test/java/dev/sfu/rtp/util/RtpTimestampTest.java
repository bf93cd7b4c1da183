package dev.sfu.rtp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpTimestampTest {

    @ParameterizedTest(name = "ts {0} - {1} = {2}, newer={3}")
    @CsvSource({
        "3000, 0, 3000, true",
        "0, 3000, -3000, false",
        "90000, 90000, 0, false",
        // Across the 32-bit wrap: 4294967295 = 2^32-1.
        "0, 4294967295, 1, true",
        "4294967295, 0, -1, false",
        "2000, 4294966296, 3000, true",
        "4294966296, 2000, -3000, false",
        // Half a cycle apart.
        "2147483648, 0, -2147483648, true",
        "0, 2147483648, -2147483648, false",
        "2147483647, 0, 2147483647, true",
    })
    void thirtyTwoBitWrap(long a, long b, long diff, boolean newer) {
        assertEquals(diff, RtpTimestamp.diff(a, b));
        assertEquals(newer, RtpTimestamp.isNewer(a, b));
        assertEquals(a == b ? 0 : newer ? 1 : -1, RtpTimestamp.compare(a, b));
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({"4294967295, 1, 0", "0, -1, 4294967295", "4294964296, 3000, 0", "100, 4294967296, 100"})
    void addWraps(long ts, long delta, long expected) {
        assertEquals(expected, RtpTimestamp.add(ts, delta));
    }
}
