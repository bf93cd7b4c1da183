package dev.sfu.rtp.rtcp;

/** Hex fixtures shared by the RTCP tests, each byte group decoded in its comment. */
final class Fixtures {
    private Fixtures() {
    }

    /** An SR with one report block, as a browser sends for a video stream. */
    static final String SR = """
            81 c8 00 0c   # V=2 P=0 RC=1, PT=200 SR, length=12 (52 bytes)
            5b 0c 3a 1d   # SSRC of sender
            e9 a2 c4 b1   # NTP timestamp, seconds
            4f df 3b 64   # NTP timestamp, fraction
            9e 3d 1c 20   # RTP timestamp
            00 00 04 d2   # sender's packet count 1234
            00 0f 1b 30   # sender's octet count 990000
            0a 1b 2c 3d   # block 1: SSRC_1
            19 00 00 03   # fraction lost 25/256, cumulative lost 3
            00 01 ff d2   # extended highest seq: cycles 1, seq 65490
            00 00 00 21   # jitter 33
            c4 b1 4f df   # LSR
            00 01 00 00   # DLSR 1 s (65536/65536)
            """;

    /** A compound RR + SDES(CNAME) + generic NACK + transport-cc, as one SRTCP payload. */
    static final String RR = """
            81 c9 00 07   # V=2 P=0 RC=1, PT=201 RR, length=7 (32 bytes)
            00 00 00 01   # SSRC of packet sender
            5b 0c 3a 1d   # block 1: SSRC_1
            00 ff ff fe   # fraction lost 0, cumulative lost -2 (duplicates)
            00 00 30 39   # extended highest seq 12345
            00 00 01 2c   # jitter 300
            00 00 00 00   # LSR none yet
            00 00 00 00   # DLSR none yet
            """;

    static final String SDES = """
            81 ca 00 06   # V=2 P=0 SC=1, PT=202 SDES, length=6 (28 bytes)
            00 00 00 01   # chunk 1: SSRC
            01 10         # CNAME, 16 bytes
            4a 76 61 32 4e 51 6b 6f 4c 62 57 64 78 34 70 51   # "Jva2NQkoLbWdx4pQ"
            00 00         # END, then null padding to 32 bits
            """;

    static final String NACK = """
            81 cd 00 04   # V=2 P=0 FMT=1 NACK, PT=205 RTPFB, length=4 (20 bytes)
            00 00 00 01   # SSRC of packet sender
            5b 0c 3a 1d   # SSRC of media source
            ff fa 80 05   # PID 65530, BLP bits 0,2,15: 65531, 65533, 10 (across the wrap)
            00 64 00 00   # PID 100, BLP none
            """;

    /**
     * Transport-cc feedback in the shape libwebrtc sends: a 2-bit status vector, a run-length
     * chunk, one negative (large) delta, RTCP padding with P set.
     */
    static final String TCC = """
            af cd 00 08   # V=2 P=1 FMT=15, PT=205 RTPFB, length=8 (36 bytes)
            00 00 00 01   # SSRC of packet sender
            5b 0c 3a 1d   # SSRC of media source
            03 e8 00 0a   # base sequence 1000, packet status count 10
            1a 2b 3c 07   # reference time 0x1a2b3c (x 64 ms), feedback packet count 7
            d5 16         # 2-bit vector: 01 01 01 00 01 01 10 (1000-1002 small, 1003 lost, 1004-1005 small, 1006 large)
            20 03         # run length: status 01 small delta, run 3 (1007-1009)
            20            # 1000: +32 = 8 ms after the reference time
            14            # 1001: +20 = 5 ms
            00            # 1002: +0
            50            # 1004: +80 = 20 ms
            04            # 1005: +4 = 1 ms
            ff ec         # 1006: -20 = -5 ms (reordered)
            28            # 1007: +40 = 10 ms
            01            # 1008: +1 = 250 us
            10            # 1009: +16 = 4 ms
            00 02         # RTCP padding, count 2
            """;
}
