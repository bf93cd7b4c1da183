package dev.sfu.core.forward;

import dev.sfu.core.transport.MediaTransport;
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
 *
 * <p>A relay's receiving end uses one too ({@code RelayReceiver}): the far node stamps its own
 * transport-wide sequence numbers on everything it sends across, and this node reports their
 * arrival so that the far node can estimate the relay ({@link RelayEgress}). It reads the
 * sequence number itself (its extension id depends on the track) and calls
 * {@link #onSequence}.
 */
public final class TransportFeedbackSender {
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

    private final MediaTransport transport;
    private final byte[] rtcpBuffer;
    private final long rtcpSsrc;
    /** Null on a relay (no receive stage to count in). */
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
        this(endpoint.transport, endpoint.rtcpBuffer, endpoint.rtcpSsrc, stage, nowNanos);
    }

    /**
     * A sender of its own (a relay's receiving end).
     *
     * @param transport  where feedback goes
     * @param rtcpBuffer the buffer feedback is built in, owned by the caller's thread, with
     *                   {@link RtpPacket#TAIL_ROOM} for the SRTCP trailer
     * @param rtcpSsrc   the SSRC feedback is sent from
     */
    public TransportFeedbackSender(MediaTransport transport, byte[] rtcpBuffer, long rtcpSsrc, long nowNanos) {
        this(transport, rtcpBuffer, rtcpSsrc, null, nowNanos);
    }

    private TransportFeedbackSender(MediaTransport transport, byte[] rtcpBuffer, long rtcpSsrc, StageCounters stage,
                                    long nowNanos) {
        this.transport = transport;
        this.rtcpBuffer = rtcpBuffer;
        this.rtcpSsrc = rtcpSsrc;
        this.stage = stage;
        this.epochNanos = nowNanos;
        this.lastSentNanos = nowNanos;
        int room = rtcpBuffer.length - RtpPacket.TAIL_ROOM;
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
        onSequence(seq, Integer.toUnsignedLong(RtpPacket.ssrc(buf, off)), arrival, now);
        stage.out();
    }

    /**
     * Records one received packet whose transport-wide sequence number the caller read; sends
     * feedback when the interval has passed.
     *
     * @param seq     the packet's transport-wide sequence number (16 bits)
     * @param ssrc    the packet's SSRC (feedback names the latest as its media source)
     * @param arrival when the packet came off the socket (nanoseconds, the caller's clock)
     * @param now     that clock now
     */
    public void onSequence(int seq, long ssrc, long arrival, long now) {
        mediaSsrc = ssrc;
        record(seq, Math.floorDiv(arrival - epochNanos, 1000L), now);
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
        byte[] b = rtcpBuffer;
        int room = b.length - RtpPacket.TAIL_ROOM;
        while (highest >= base) {
            int count = (int) (highest - base + 1);
            int n = messageLength(count);
            int len = TransportCcFeedback.write(b, 0, room, rtcpSsrc, mediaSsrc, (int) base & 0xFFFF,
                    feedbackCount, received, arrivalUs, n);
            if (len > 0 && transport.sendRtcp(b, 0, len)) {
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
    public long messagesSent() {
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
