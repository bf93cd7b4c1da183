package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.PacketDemux;
import dev.sfu.rtp.PacketKind;
import dev.sfu.rtp.RtpPacket;

/** Fuzzes the RFC 7983 demux: total, window-bound, and consistent with the RTP parser. */
class PacketDemuxFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void classify(byte[] data) {
        PacketKind kind = PacketDemux.classify(data, 0, data.length);
        byte[] embedded = FuzzWindows.embed(data);
        assertEquals(kind, PacketDemux.classify(embedded, FuzzWindows.BEFORE, data.length));
        for (int cut = 0; cut < Math.min(data.length, 24); cut++) {
            PacketDemux.classify(data, 0, cut);
            PacketDemux.classify(data, data.length - cut, cut);
        }
        if (RtpPacket.isValid(data, 0, data.length)) {
            assertTrue(kind == PacketKind.RTP || kind == PacketKind.RTCP, "valid RTP is media");
        }
        if (kind == PacketKind.RTP) {
            assertTrue(data.length >= RtpPacket.FIXED_HEADER_LENGTH);
            assertEquals(2, (data[0] & 0xFF) >>> 6);
        }
    }
}
