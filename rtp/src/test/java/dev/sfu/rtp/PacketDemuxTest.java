package dev.sfu.rtp;

import static dev.sfu.rtp.PacketFixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketDemuxTest {

    /** A datagram of {@code len} bytes starting with {@code first} and {@code second}. */
    private static byte[] datagram(int first, int second, int len) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) 0x11);
        b[0] = (byte) first;
        if (len > 1) {
            b[1] = (byte) second;
        }
        return b;
    }

    @ParameterizedTest(name = "first={0} second={1} len={2} -> {3}")
    @CsvSource({
        // RFC 7983 section 7: 0-3 STUN
        "0, 1, 20, STUN",
        "1, 1, 20, STUN",
        "3, 0, 20, STUN",
        "0, 1, 19, UNKNOWN",
        // 4-19: unassigned and ZRTP
        "4, 0, 100, UNKNOWN",
        "16, 0, 100, UNKNOWN",
        "19, 0, 100, UNKNOWN",
        // 20-63: DTLS (22 = handshake, 23 = application data)
        "20, 254, 13, DTLS",
        "22, 254, 100, DTLS",
        "63, 0, 13, DTLS",
        "22, 254, 12, UNKNOWN",
        // 64-79: TURN channels; 80-127 unassigned
        "64, 0, 100, UNKNOWN",
        "127, 0, 100, UNKNOWN",
        // 128-191: RTP and RTCP, told apart by the second byte (RFC 5761 section 4)
        "128, 96, 12, RTP",
        "144, 224, 100, RTP", // M=1 PT=96: second byte 224, just above the RTCP range
        "128, 111, 11, UNKNOWN",
        "128, 191, 100, RTP",
        "128, 192, 4, RTCP", // 192 = FIR (RFC 2032), lowest reserved
        "128, 200, 28, RTCP", // SR
        "129, 201, 8, RTCP", // RR
        "129, 205, 12, RTCP", // RTPFB, reduced-size (RFC 5506)
        "129, 206, 12, RTCP", // PSFB (PLI)
        "128, 223, 4, RTCP",
        "128, 200, 3, UNKNOWN",
        "191, 96, 12, RTP",
        // 192-255 unassigned
        "192, 96, 100, UNKNOWN",
        "255, 200, 100, UNKNOWN",
    })
    void rfc7983FirstByteRanges(int first, int second, int len, PacketKind expected) {
        assertEquals(expected, PacketDemux.classify(datagram(first, second, len), 0, len));
    }

    @Test
    void realFirstBytes() {
        byte[] stunBindingRequest = hex(
                "00 01 00 00", // Binding request, message length 0
                "21 12 a4 42", // magic cookie
                "b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"); // transaction id
        assertEquals(PacketKind.STUN, PacketDemux.classify(stunBindingRequest, 0, 20));
        byte[] dtlsClientHello = hex(
                "16 fe fd 00 00", // handshake, DTLS 1.2, epoch 0
                "00 00 00 00 00 00", // sequence number
                "00 2c 01"); // length 44, ClientHello (rest cut)
        assertEquals(PacketKind.DTLS, PacketDemux.classify(dtlsClientHello, 0, 14));
        byte[] rtp = PacketFixtures.vp8WithExtensions();
        assertEquals(PacketKind.RTP, PacketDemux.classify(rtp, 0, rtp.length));
        byte[] rtcpRr = hex(
                "80 c9 00 01", // V=2 RC=0 | PT=201 RR | length 1
                "12 34 56 78"); // sender SSRC
        assertEquals(PacketKind.RTCP, PacketDemux.classify(rtcpRr, 0, rtcpRr.length));
    }

    @Test
    void badWindowsAreUnknown() {
        byte[] rtp = PacketFixtures.vp8WithExtensions();
        assertEquals(PacketKind.UNKNOWN, PacketDemux.classify(rtp, 0, 0));
        assertEquals(PacketKind.UNKNOWN, PacketDemux.classify(rtp, rtp.length, 1));
        assertEquals(PacketKind.UNKNOWN, PacketDemux.classify(rtp, -1, 12));
        assertEquals(PacketKind.UNKNOWN, PacketDemux.classify(null, 0, 12));
        assertEquals(PacketKind.RTP, PacketDemux.classify(rtp, 0, 12));
    }
}
