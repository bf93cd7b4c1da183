package dev.sfu.bench.loadtest;

import java.util.Random;

/**
 * Synthetic Opus audio: one packet every 20 ms (50 packets/s), payloads of 60 to 160 bytes as an
 * Opus voice encoder produces, starting with a TOC byte (RFC 6716 section 3.1: config 31,
 * CELT-only fullband 20 ms, mono, one frame). RTP clock 48 kHz, 960 samples per packet.
 */
public final class AudioSender extends OutboundStream {
    public static final long PACKET_INTERVAL_NANOS = 20_000_000L;
    public static final int MIN_PAYLOAD = 60;
    public static final int MAX_PAYLOAD = 160;
    private static final int TOC = 31 << 3;

    private final int headerLength;
    private int rng;
    private long packets;

    public AudioSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname,
                       long startNanos, Random random) {
        super(sink, info, extensions, cname, 48000, startNanos, random);
        this.headerLength = extensions.headerLength(mid);
        this.rng = random.nextInt() | 1;
    }

    @Override
    public void onDue(long now, byte[] b) {
        nextDue += PACKET_INTERVAL_NANOS;
        int payload = MIN_PAYLOAD + (nextRandom() % (MAX_PAYLOAD - MIN_PAYLOAD + 1));
        int h = extensions.writeHeader(b, 0, false, info.payloadType(), sequence, timestampAfter(960 * packets++), info.ssrc(), mid,
                now, sink.nextTransportSequence());
        sequence = (sequence + 1) & 0xFFFF;
        b[h] = (byte) TOC;
        int len = h + payload;
        ProbeTrailer.write(b, len, info.streamId(), probeSequence++, System.nanoTime());
        send(b, len, payload);
    }

    /** The header length of this stream's packets. */
    public int headerLength() {
        return headerLength;
    }

    private int nextRandom() {
        int x = rng;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        rng = x;
        return x & 0x7FFFFFFF;
    }
}
