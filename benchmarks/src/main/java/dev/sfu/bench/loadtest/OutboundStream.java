package dev.sfu.bench.loadtest;

import dev.sfu.rtp.rtcp.Sdes;
import dev.sfu.rtp.rtcp.SenderReport;

import java.nio.charset.StandardCharsets;

/**
 * One RTP stream a synthetic publisher sends, driven by a {@link SendScheduler} thread: the
 * scheduler calls {@link #onDue} when {@link #nextDueNanos()} has come and {@link #service} on
 * every tick. All sending happens on that one thread; requests from the server (NACK, PLI,
 * FIR) arrive on the transport's thread through {@link #requestKeyframe} and {@link #nack}.
 */
public abstract class OutboundStream {
    private static final long SR_INTERVAL_NANOS = 1_000_000_000L;
    /** Seconds between 1900 (NTP epoch) and 1970 (Unix epoch). */
    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;

    protected final MediaSink sink;
    protected final StreamInfo info;
    protected final HeaderExtensionIds extensions;
    protected final byte[] mid;
    private final byte[] cname;
    private final int clockRate;
    private final long startNanos;
    private final int timestampBase;
    protected int sequence;
    protected int probeSequence;
    protected long nextDue;
    private long lastReportNanos;
    private volatile long packetsSent;
    private volatile long octetsSent;
    private volatile long bytesSent;
    private volatile long sendFailures;

    /**
     * What identifies a stream.
     *
     * @param streamId    run-wide id carried in every {@link ProbeTrailer}
     * @param ssrc        the SSRC signalled in the publisher's offer
     * @param payloadType the negotiated payload type
     * @param mid         the publisher's m-line mid
     */
    public record StreamInfo(int streamId, int ssrc, int payloadType, String mid) {
    }

    protected OutboundStream(MediaSink sink, StreamInfo info, HeaderExtensionIds extensions, String cname,
                             int clockRate, long startNanos, java.util.Random random) {
        this.sink = sink;
        this.info = info;
        this.extensions = extensions;
        this.mid = HeaderExtensionIds.ascii(info.mid());
        this.cname = cname.getBytes(StandardCharsets.UTF_8);
        this.clockRate = clockRate;
        this.startNanos = startNanos;
        this.timestampBase = random.nextInt();
        this.sequence = random.nextInt(0x8000);
        this.nextDue = startNanos;
        this.lastReportNanos = startNanos;
    }

    public StreamInfo info() {
        return info;
    }

    /** When the stream next wants {@link #onDue}. */
    public long nextDueNanos() {
        return nextDue;
    }

    /** Sends what is due at {@code now} (one audio packet, one video frame) and advances the due time. */
    public abstract void onDue(long now, byte[] scratch);

    /** Handles pending requests (retransmissions) and sends sender reports; called every tick. */
    public void service(long now, byte[] scratch) {
        if (now - lastReportNanos >= SR_INTERVAL_NANOS) {
            lastReportNanos = now;
            if (reporting()) {
                sendReport(now, scratch);
            }
        }
    }

    /** Whether sender reports go out now; false while a stream sends nothing (a stopped layer). */
    protected boolean reporting() {
        return true;
    }

    /** A PLI or FIR from the server (transport thread). Audio ignores it. */
    public void requestKeyframe() {
    }

    /** A NACKed sequence number from the server (transport thread). Audio ignores it. */
    public void nack(int seq) {
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long octetsSent() {
        return octetsSent;
    }

    /** Whole RTP packets' bytes sent (header included, SRTP tag not). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Original packets given a probe sequence so far (retransmissions excluded). */
    public long probesSent() {
        return probeSequence;
    }

    public long sendFailures() {
        return sendFailures;
    }

    /** The RTP timestamp for a media time of {@code nanos}. */
    protected final long rtpTimestamp(long nanos) {
        long elapsed = nanos - startNanos;
        return (timestampBase + elapsed / 1000 * clockRate / 1_000_000L) & 0xFFFFFFFFL;
    }

    /** The RTP timestamp {@code ticks} clock ticks after the stream's start. */
    protected final long timestampAfter(long ticks) {
        return (timestampBase + ticks) & 0xFFFFFFFFL;
    }

    /** Sends one RTP packet and counts it (payload octets as RFC 3550 counts them). */
    protected final void send(byte[] buf, int len, int payloadLength) {
        if (sink.sendRtp(buf, 0, len)) {
            packetsSent++;
            octetsSent += payloadLength;
            bytesSent += len;
        } else {
            sendFailures++;
        }
    }

    /** An RFC 3550 sender report and SDES CNAME in one compound packet. */
    private void sendReport(long now, byte[] b) {
        long wallMillis = System.currentTimeMillis();
        long seconds = wallMillis / 1000 + NTP_EPOCH_OFFSET;
        long fraction = ((wallMillis % 1000) << 32) / 1000;
        int n = SenderReport.write(b, 0, b.length, info.ssrc() & 0xFFFFFFFFL, (seconds << 32) | fraction,
                rtpTimestamp(now), packetsSent, octetsSent, 0);
        if (n < 0) {
            return;
        }
        int m = Sdes.writeCname(b, n, b.length - n, info.ssrc() & 0xFFFFFFFFL, cname);
        if (m < 0) {
            return;
        }
        sink.sendRtcp(b, 0, n + m);
    }
}
