package dev.sfu.bench.loadtest;

import java.util.Random;

/**
 * Synthetic Opus audio with the RFC 6464 audio level, as a browser sends it. While the publisher
 * speaks ({@link SpeakingSchedule}): one packet every 20 ms (50 packets/s), payloads of 60 to 160
 * bytes as an Opus voice encoder produces, starting with a TOC byte (RFC 6716 section 3.1:
 * config 31, CELT-only fullband 20 ms, mono, one frame), level 25 to 45 -dBov with the voice
 * flag. While it is silent: level 127 (silence) without the flag and a one-byte frame (plus the tester's trailer) every 20 ms;
 * or, when the server's answer asked for discontinuous transmission ({@code usedtx=1}, RFC 7587
 * section 6.1), one such packet every 400 ms, as libopus's DTX does. RTP clock 48 kHz, 960
 * samples per 20 ms whether a packet goes or not.
 */
public final class AudioSender extends OutboundStream {
    public static final long PACKET_INTERVAL_NANOS = 20_000_000L;
    /** libopus sends one packet every 400 ms during DTX (20 frames of 20 ms). */
    public static final int DTX_FRAMES = 20;
    public static final int MIN_PAYLOAD = 60;
    public static final int MAX_PAYLOAD = 160;
    /** A silent frame: the TOC byte and the tester's {@link ProbeTrailer} (libopus's DTX frames are 1 to 3 bytes). */
    public static final int SILENCE_PAYLOAD = 1 + ProbeTrailer.LENGTH;
    private static final int TOC = 31 << 3;
    private static final int SILENCE_LEVEL = 127;
    private static final int VOICE = 0x80;

    private final int headerLength;
    private final SpeakingSchedule schedule;
    private volatile boolean dtx;
    private int rng;
    private long frames;
    private int silentFrames;

    public AudioSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname,
                       long startNanos, Random random) {
        this(sink, info, extensions, cname, startNanos, random, SpeakingSchedule.always());
    }

    public AudioSender(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname,
                       long startNanos, Random random, SpeakingSchedule schedule) {
        super(sink, info, extensions, cname, 48000, startNanos, random);
        this.headerLength = extensions.headerLength(mid, HeaderExtensionIds.NONE, false, 0);
        this.schedule = schedule;
        this.rng = random.nextInt() | 1;
    }

    /** The server's answer: whether it asked for DTX (its Opus fmtp says {@code usedtx=1}). */
    public void setDtx(boolean on) {
        dtx = on;
    }

    public boolean dtx() {
        return dtx;
    }

    @Override
    public void onDue(long now, byte[] b) {
        nextDue += PACKET_INTERVAL_NANOS;
        long ts = timestampAfter(960 * frames++);
        int payload;
        int level;
        if (schedule.speaking(now)) {
            silentFrames = 0;
            payload = MIN_PAYLOAD + (nextRandom() % (MAX_PAYLOAD - MIN_PAYLOAD + 1));
            level = VOICE | (25 + nextRandom() % 21);
        } else {
            if (dtx && silentFrames++ % DTX_FRAMES != 0) {
                return;
            }
            payload = SILENCE_PAYLOAD;
            level = SILENCE_LEVEL;
        }
        int h = extensions.writeHeader(b, 0, false, info.payloadType(), sequence, ts, info.ssrc(), mid,
                HeaderExtensionIds.NONE, false, now, sink.nextTransportSequence(), level);
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
