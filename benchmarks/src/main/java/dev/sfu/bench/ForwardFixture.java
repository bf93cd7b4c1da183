package dev.sfu.bench;

import dev.sfu.bench.loadtest.ClientSdp;
import dev.sfu.bench.loadtest.HeaderExtensionIds;
import dev.sfu.bench.loadtest.Vp8Packetizer;
import dev.sfu.core.room.Participant;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * What both forwarding benchmarks share: a publisher's SRTP session (it encrypts, as the
 * browser would), the server's matching session for it (it decrypts), one server session per
 * subscriber, a UDP sink on loopback that nobody reads (the kernel drops what overflows, as a
 * slow receiver would), and a VP8 packet of 1,100 bytes with the header extensions a browser
 * sends (mid, abs-send-time, transport-cc).
 */
final class ForwardFixture {
    static final SrtpProfile PROFILE = SrtpProfile.AEAD_AES_128_GCM;
    static final int PAYLOAD = 1100;
    static final int SSRC = 0x1234ABCD;

    final SrtpSession publisherSide;
    final SrtpSession serverForPublisher;
    final DatagramChannel sink;
    final InetSocketAddress sinkAddress;
    final byte[] keyframe;
    final byte[] delta;
    final int keyframeLength;
    final int deltaLength;

    ForwardFixture() throws IOException {
        SrtpSession.warmUp();
        byte[] material = material(1);
        publisherSide = SrtpSession.fromKeyingMaterial(PROFILE, material, true);
        serverForPublisher = SrtpSession.fromKeyingMaterial(PROFILE, material, false);
        sink = DatagramChannel.open();
        sink.bind(new InetSocketAddress("127.0.0.1", 0));
        sinkAddress = (InetSocketAddress) sink.getLocalAddress();
        keyframe = new byte[2048];
        delta = new byte[2048];
        keyframeLength = packet(keyframe, true);
        deltaLength = packet(delta, false);
    }

    /** A server-side session for subscriber {@code i} (its own keys). */
    static SrtpSession subscriberSession(int i) {
        return SrtpSession.fromKeyingMaterial(PROFILE, material(100 + i), false);
    }

    static byte[] material(int seed) {
        byte[] m = new byte[PROFILE.keyingMaterialLength()];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (i * 31 + seed * 7 + 1);
        }
        return m;
    }

    private static int packet(byte[] b, boolean key) {
        HeaderExtensionIds ids = ClientSdp.EXTENSION_IDS;
        byte[] mid = {'1'};
        int h = ids.writeHeader(b, 0, false, ClientSdp.VP8_PT, 0, 0, SSRC, mid, System.nanoTime(), 0);
        int payload = new Vp8Packetizer(1200, 640, 360).writePayload(b, h, PAYLOAD - Vp8Packetizer.OVERHEAD, 0, 1, key, 7);
        return h + payload;
    }

    /**
     * Writes the next publisher packet into {@code buf} (sequence {@code seq}, 30 fps timestamps)
     * and encrypts it as the publisher's browser would; returns the SRTP length.
     */
    int nextEncrypted(byte[] buf, int seq, boolean key) {
        byte[] src = key ? keyframe : delta;
        int len = key ? keyframeLength : deltaLength;
        System.arraycopy(src, 0, buf, 0, len);
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
        long ts = (seq / 3L) * 3000L;
        buf[4] = (byte) (ts >>> 24);
        buf[5] = (byte) (ts >>> 16);
        buf[6] = (byte) (ts >>> 8);
        buf[7] = (byte) ts;
        return publisherSide.encryptRtp(buf, 0, len);
    }

    /**
     * Decrypts one SRTP packet from the publisher in place and hands it to {@code publisher}'s
     * endpoint, as the transport would: the measured path. Returns the RTP length, or the
     * negative SRTP error.
     */
    int decryptAndForward(Participant publisher, byte[] buf, int srtpLength) {
        int n = serverForPublisher.decryptRtp(buf, 0, srtpLength);
        if (n < 0) {
            return n;
        }
        publisher.endpoint().onRtp(buf, 0, n);
        return n;
    }

    void close() throws IOException {
        sink.close();
        publisherSide.close();
        serverForPublisher.close();
    }
}
