package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.TransportCcFeedback;

import java.util.Arrays;

/**
 * The receive side of transport-wide congestion control towards one publisher
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): records the transport-wide sequence
 * number and arrival time of every RTP packet the participant sends with the extension (media,
 * RTX and padding alike, which is why it runs before any stage can drop a packet), and reports
 * them back in {@link TransportCcFeedback} messages. The browser's send-side estimator turns
 * those reports into its send rate and its simulcast layers, so what the server feeds back is
 * what the publisher's uplink carries. The arrival time is when the transport read the packet
 * off the socket: a wait in the server's own queue is not the network's delay.
 *
 * <p>Feedback goes out on a packet once {@link #INTERVAL_NANOS} has passed since the last one
 * and covers every sequence number from just after the last one reported up to the highest
 * received; a packet missing in that range is reported lost. A late packet still inside the
 * unreported range counts; one at or below a sequence number already reported is ignored (the
 * sender has already judged it lost), as is a duplicate. A jump of {@link #WINDOW} or more
 * sequence numbers past the unreported range flushes what is pending and starts over at the
 * new number. A feedback message never exceeds the endpoint's RTCP buffer minus the SRTCP
 * trailer's room, nor a receive delta of 16 signed bits (8.2 s): beyond either, it is split.
 *
 * <p>Runs on the publisher's executor with its RTCP buffer; allocates nothing per packet (two
 * preallocated arrays indexed by sequence number minus the first unreported one).
 */
final class TransportFeedbackSender {
    /**
     * Time between two feedback messages. libwebrtc's receiver (RemoteEstimatorProxy) sends
     * every 50 to 250 ms, spending 5 % of the incoming bitrate on feedback: from about
     * 110 kbit/s upwards that is its 50 ms minimum, where every video publisher is.
     */
    static final long INTERVAL_NANOS = 50_000_000L;
    /** Sequence numbers one feedback round can hold (80,000 packets/s at the interval). */
    static final int WINDOW = 4096;
    /** The largest gap between two reported arrivals one message can carry: 16 signed bits of 250 us. */
    private static final long MAX_DELTA_TICKS = Short.MAX_VALUE;

    private final MediaEndpoint endpoint;
    private final StageCounters stage;
    private final long epochNanos;
    /** The most packets one message may report so that it fits the RTCP buffer with the SRTCP trailer. */
    private final int maxPerMessage;

    /** Index: sequence number minus {@link #base}; whether it arrived, and when (us since the epoch). */
    private final boolean[] received = new boolean[WINDOW];
    private final long[] arrivalUs = new long[WINDOW];

    private volatile int extensionId = -1;
    private boolean started;
    /** The first unreported transport-wide sequence number, unwrapped. */
    private long base;
    /** The highest sequence number received, unwrapped; {@code base - 1} when none is pending. */
    private long highest;
    private long mediaSsrc;
    private long lastSentNanos;
    private int feedbackCount;

    private long messagesSent;
    private long sendFailures;
    private long lateIgnored;
    private long duplicates;
    private long restarts;

    TransportFeedbackSender(MediaEndpoint endpoint, StageCounters stage, long nowNanos) {
        this.endpoint = endpoint;
        this.stage = stage;
        this.epochNanos = nowNanos;
        this.lastSentNanos = nowNanos;
        int room = endpoint.rtcpBuffer.length - RtpPacket.TAIL_ROOM;
        int n = 1;
        while (n < WINDOW && TransportCcFeedback.maxLength(n + 1) <= room) {
            n++;
        }
        this.maxPerMessage = n;
    }

    /**
     * Sets the publisher's negotiated id of the transport-wide sequence number extension;
     * 0 or less: none negotiated, nothing recorded. Any thread.
     */
    void setExtensionId(int id) {
        extensionId = id;
    }

    int extensionId() {
        return extensionId;
    }

    /**
     * Records one received packet; sends feedback when the interval has passed.
     *
     * @param arrival when the packet came off the socket (nanoseconds, the endpoint's clock)
     * @param now     the endpoint's clock now
     */
    void onPacket(byte[] buf, int off, int len, long arrival, long now) {
        int id = extensionId;
        if (id <= 0) {
            return;
        }
        int seq = TransportCcExtension.read(buf, off, len, id);
        if (seq < 0) {
            return;
        }
        stage.in();
        mediaSsrc = Integer.toUnsignedLong(RtpPacket.ssrc(buf, off));
        record(seq, Math.floorDiv(arrival - epochNanos, 1000L), now);
        stage.out();
        if (now - lastSentNanos >= INTERVAL_NANOS) {
            flush(now);
        }
    }

    private void record(int seq, long us, long now) {
        if (!started) {
            started = true;
            base = seq;
            highest = seq - 1L;
        }
        long ref = highest >= base ? highest : base;
        long u = ref + (short) (seq - (int) ref);
        long i = u - base;
        if (i < 0) {
            lateIgnored++;
            return;
        }
        if (i >= WINDOW) {
            flush(now);
            i = u - base;
            if (i >= WINDOW) {
                restarts++;
                base = u;
                highest = u - 1;
                i = 0;
            }
        }
        int k = (int) i;
        if (received[k]) {
            duplicates++;
            return;
        }
        received[k] = true;
        arrivalUs[k] = us;
        if (u > highest) {
            highest = u;
        }
    }

    /** Reports everything pending, in as many messages as it takes. */
    private void flush(long now) {
        lastSentNanos = now;
        MediaEndpoint e = endpoint;
        byte[] b = e.rtcpBuffer;
        int room = b.length - RtpPacket.TAIL_ROOM;
        while (highest >= base) {
            int count = (int) (highest - base + 1);
            int n = messageLength(count);
            int len = TransportCcFeedback.write(b, 0, room, e.rtcpSsrc, mediaSsrc, (int) base & 0xFFFF,
                    feedbackCount, received, arrivalUs, n);
            if (len > 0 && e.transport.sendRtcp(b, 0, len)) {
                messagesSent++;
            } else {
                sendFailures++;
            }
            // The count advances for every message built, sent or not (the draft: per feedback sent).
            feedbackCount = (feedbackCount + 1) & 0xFF;
            System.arraycopy(received, n, received, 0, count - n);
            System.arraycopy(arrivalUs, n, arrivalUs, 0, count - n);
            Arrays.fill(received, count - n, count, false);
            base += n;
        }
    }

    /** How many of {@code count} pending packets the next message reports. */
    private int messageLength(int count) {
        int n = Math.min(count, maxPerMessage);
        boolean any = false;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            if (!received[i]) {
                continue;
            }
            long t = Math.floorDiv(arrivalUs[i], TransportCcFeedback.DELTA_UNIT_US);
            if (any && Math.abs(t - prev) > MAX_DELTA_TICKS) {
                return i;
            }
            any = true;
            prev = t;
        }
        return n;
    }

    /** Feedback messages handed to the transport. */
    long messagesSent() {
        return messagesSent;
    }

    /** Messages that could not be built or sent (their packets are not reported again). */
    long sendFailures() {
        return sendFailures;
    }

    /** Packets at or below a sequence number already reported, not reported again. */
    long lateIgnored() {
        return lateIgnored;
    }

    /** Packets whose sequence number was already recorded. */
    long duplicates() {
        return duplicates;
    }

    /** Jumps too large for the window: the record started over. */
    long restarts() {
        return restarts;
    }

    /** The most packets one message reports. */
    int maxPerMessage() {
        return maxPerMessage;
    }
}
