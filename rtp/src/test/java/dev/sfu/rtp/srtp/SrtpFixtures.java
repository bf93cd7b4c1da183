package dev.sfu.rtp.srtp;

import java.util.Arrays;
import java.util.HexFormat;

/** Packet fixtures for the SRTP tests, each byte group decoded in a comment. */
final class SrtpFixtures {
    private static final HexFormat HEX = HexFormat.of();

    private SrtpFixtures() {
    }

    static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("\\s", ""));
    }

    static String hex(byte[] b, int off, int len) {
        return HEX.formatHex(b, off, off + len);
    }

    /** An Opus packet with the ssrc-audio-level extension (RFC 6464) in the one-byte form. */
    static byte[] opusWithAudioLevel() {
        return hex(""
                + "90 6f 1f 40"    // V=2 P=0 X=1 CC=0, M=0 PT=111, seq 8000
                + "00 01 e2 40"    // timestamp 123456
                + "de ad be ef"    // SSRC 0xdeadbeef
                + "be de 00 01"    // RFC 8285 one-byte extensions, 1 word
                + "10 aa 00 00"    // id 1 len 1: audio level V=1 level 42; padding
                + "fc ff fe 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d"   // Opus TOC and 15 payload bytes
                + "0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d"); // 16 more payload bytes
    }

    /** A video packet with two CSRCs and a two-byte-form extension block (RFC 8285 section 4.3). */
    static byte[] videoWithCsrcsAndExtension() {
        return hex(""
                + "b2 e0 ff ff"    // V=2 P=0 X=1 CC=2, M=1 PT=96, seq 65535
                + "11 22 33 44"    // timestamp
                + "01 02 03 04"    // SSRC 0x01020304
                + "0a 0b 0c 0d"    // CSRC 1
                + "0e 0f 10 11"    // CSRC 2
                + "10 00 00 02"    // two-byte extensions, 2 words
                + "03 02 12 34"    // id 3 len 2: transport-wide seq 0x1234
                + "05 01 07 00"    // id 5 len 1, then padding
                + "90 e0 80 00"    // VP8 descriptor X=1 S=1 PID=0; I=1 L=1 T=1 K=0; picture id (15 bits)
                + "00 00 9d 01 2a 80 02 e0 01 00 00 00 00 00 00 00"  // VP8 payload
                + "11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00"); // more payload
    }

    /** A compound RTCP packet: an SR with no report blocks, then an SDES CNAME (RFC 3550 6.4.1, 6.5). */
    static byte[] senderReportWithSdes() {
        return hex(""
                + "80 c8 00 06"    // V=2 P=0 RC=0, PT=200 SR, length 6 words
                + "de ad be ef"    // sender SSRC
                + "e9 5c 1f 3a 80 00 00 00"  // NTP timestamp
                + "00 01 e2 40"    // RTP timestamp
                + "00 00 00 64"    // sender's packet count 100
                + "00 00 3e 80"    // sender's octet count 16000
                + "81 ca 00 03"    // V=2 SC=1, PT=202 SDES, length 3 words
                + "de ad be ef"    // chunk SSRC
                + "01 05 61 6c 69 63 65 00"); // CNAME len 5 "alice", end of list
    }

    /** A packet with a given sequence number and SSRC: 12-byte header and a 160-byte payload. */
    static byte[] simple(int ssrc, int seq) {
        byte[] p = new byte[12 + 160];
        p[0] = (byte) 0x80;            // V=2
        p[1] = 111;                    // PT=111
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    /** Copies a packet into a larger array at {@code off}, with {@code tail} spare bytes after it. */
    static byte[] withRoom(byte[] packet, int off, int tail) {
        byte[] buf = new byte[off + packet.length + tail];
        Arrays.fill(buf, (byte) 0x5a);
        System.arraycopy(packet, 0, buf, off, packet.length);
        return buf;
    }

    static byte[] slice(byte[] buf, int off, int len) {
        return Arrays.copyOfRange(buf, off, off + len);
    }
}
