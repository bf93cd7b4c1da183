package dev.sfu.bench.loadtest;

import dev.sfu.rtp.rtcp.TransportCcFeedback;

import java.util.Arrays;

/**
 * The receive side of transport-wide congestion control for one synthetic participant, as a
 * browser runs it (draft-holmer-rmcat-transport-wide-cc-extensions-01): every RTP packet the
 * server sends it (media, RTX, padding) carries the server's transport-wide sequence number;
 * this records when each one arrived and, every {@link #INTERVAL_NANOS}, writes a
 * {@link TransportCcFeedback} covering the sequence numbers since the previous one, so the
 * server's estimator sees this participant's downlink as a browser's would show it.
 *
 * <p>Enabled only when the server's offer negotiated it ({@link #negotiate}: the extension and
 * {@code a=rtcp-fb transport-cc}); otherwise nothing is recorded or sent.
 *
 * <p>Arrival times come from the caller: behind a {@link DownlinkBottleneck} they are the
 * bottleneck's departure times, which may lie ahead of the clock; a feedback reports only
 * packets that have arrived by its own time, and stops at the newest of them. Sequence numbers
 * are unwrapped to 64 bits; arrivals live in a ring of {@link #WINDOW} slots, so a packet
 * older than the last feedback or further back than the ring is counted late and not
 * reported again (rare on a FIFO link; the server's estimator keeps it as lost).
 *
 * <p>Packets are noted on the transport's serial thread and {@link #tick} runs on the send
 * thread; both are synchronized. Nothing is allocated per packet or per feedback.
 */
final class TransportCcReceiver {
    /**
     * Feedback interval: libwebrtc's receive-side proxy sends every 100 ms by default (50 ms at
     * least, 250 ms at most), {@code RemoteEstimatorProxy::kDefaultSendIntervalMs} in
     * modules/remote_bitrate_estimator/remote_estimator_proxy.cc.
     */
    static final long INTERVAL_NANOS = 100_000_000L;
    /** Arrival slots kept; a power of two. Ten seconds of a 3 Mbit/s downlink. */
    static final int WINDOW = 4096;
    /** Packets one feedback message reports at most (it must fit the caller's buffer anyway). */
    static final int MAX_PER_MESSAGE = 1024;
    private static final long EMPTY = Long.MIN_VALUE;

    private final long ownSsrc;
    private final long[] arrivals = new long[WINDOW];
    private final boolean[] received = new boolean[MAX_PER_MESSAGE];
    private final long[] arrivalUs = new long[MAX_PER_MESSAGE];
    private volatile int extensionId = -1;
    private long highest = -1;
    private long nextBase = -1;
    private long epochNanos;
    private long mediaSsrc;
    private int feedbackCount;
    private long nextSend;
    /** The newest sequence the feedback due covers, -1 when all of it is written. */
    private long pendingEnd = -1;
    /** The time of the feedback being written: packets arrived by then are received. */
    private long reportTime;
    private long packets;
    private long late;
    private long messages;
    private long missingExtension;

    /** @param ownSsrc the SSRC this participant sends RTCP from */
    TransportCcReceiver(long ownSsrc) {
        this.ownSsrc = ownSsrc;
        Arrays.fill(arrivals, EMPTY);
    }

    /**
     * What the server's latest offer negotiated: the transport-wide sequence number extension's
     * id, or -1 when the offer lacks the extension or the {@code transport-cc} feedback.
     */
    void negotiate(int id) {
        extensionId = id > 0 && id < 256 ? id : -1;
    }

    /** The negotiated extension id, -1 when transport-cc is not negotiated. */
    int extensionId() {
        return extensionId;
    }

    boolean enabled() {
        return extensionId > 0;
    }

    /** An RTP packet of SSRC {@code ssrc} with transport-wide sequence {@code seq} arrived at {@code arrivalNanos}. */
    synchronized void onPacket(int seq, long arrivalNanos, int ssrc) {
        packets++;
        mediaSsrc = ssrc & 0xFFFFFFFFL;
        long ext;
        if (highest < 0) {
            ext = seq & 0xFFFF;
            highest = ext;
            nextBase = ext;
            epochNanos = arrivalNanos;
        } else {
            ext = highest + (short) (seq - (int) (highest & 0xFFFF));
        }
        if (ext < nextBase || ext <= highest - WINDOW) {
            late++;
            return;
        }
        if (ext > highest) {
            long from = Math.max(highest + 1, ext - WINDOW + 1);
            for (long s = from; s < ext; s++) {
                arrivals[(int) (s & (WINDOW - 1))] = EMPTY;
            }
            highest = ext;
            if (ext - nextBase >= WINDOW) {
                // Never reported and about to be overwritten: the feedback resumes within the ring.
                nextBase = ext - WINDOW + 1;
            }
        }
        arrivals[(int) (ext & (WINDOW - 1))] = arrivalNanos;
    }

    /** An RTP packet arrived without the negotiated extension (the server did not stamp it). */
    synchronized void onPacketWithoutExtension() {
        missingExtension++;
    }

    /**
     * Writes the transport-cc feedback message due at {@code now} into {@code buf} at
     * {@code off}: it covers the sequence numbers from the previous feedback to the newest
     * packet arrived by {@code now}, or as many of them as fit in {@code room}; then
     * {@link #hasMore()} says that the rest is due at once, in another datagram (one message
     * per compound, as RTCP padding belongs on a compound's last packet, RFC 3550 section 6.4.1).
     * Returns the bytes written, 0 when nothing is due (not negotiated, not time yet, or nothing
     * new arrived).
     */
    synchronized int tick(long now, byte[] buf, int off, int room) {
        if (extensionId <= 0 || highest < 0) {
            return 0;
        }
        if (pendingEnd < nextBase) {
            if (now < nextSend) {
                return 0;
            }
            nextSend = now + INTERVAL_NANOS;
            pendingEnd = -1;
            for (long s = nextBase; s <= highest; s++) {
                long a = arrivals[(int) (s & (WINDOW - 1))];
                if (a != EMPTY && a <= now) {
                    pendingEnd = s;
                }
            }
            if (pendingEnd < 0) {
                return 0;
            }
            reportTime = now;
        }
        long base = nextBase;
        int count = (int) Math.min(pendingEnd - base + 1, MAX_PER_MESSAGE);
        while (count > 1 && TransportCcFeedback.maxLength(count) > room) {
            count /= 2;
        }
        int len = -1;
        while (len < 0 && count >= 1) {
            for (int i = 0; i < count; i++) {
                long a = arrivals[(int) ((base + i) & (WINDOW - 1))];
                received[i] = a != EMPTY && a <= reportTime;
                arrivalUs[i] = received[i] ? Math.floorDiv(a - epochNanos, 1000) : 0;
            }
            len = TransportCcFeedback.write(buf, off, room, ownSsrc, mediaSsrc, (int) (base & 0xFFFF),
                    feedbackCount & 0xFF, received, arrivalUs, count);
            if (len < 0) {
                // Too big for the room, or a delta beyond 16 bits (a pause of 8 s): fewer packets.
                count /= 2;
            }
        }
        if (len < 0) {
            pendingEnd = -1;
            return 0;
        }
        feedbackCount++;
        messages++;
        nextBase = base + count;
        return len;
    }

    /** True when the feedback due is not all written: call {@link #tick} again now. */
    synchronized boolean hasMore() {
        return pendingEnd >= nextBase;
    }

    /** RTP packets noted (those carrying the extension). */
    synchronized long packets() {
        return packets;
    }

    /** Feedback messages written. */
    synchronized long messages() {
        return messages;
    }

    /** Packets that arrived after their sequence number was reported, or too far behind. */
    synchronized long late() {
        return late;
    }

    /** RTP packets that arrived without the negotiated extension. */
    synchronized long missingExtension() {
        return missingExtension;
    }
}
