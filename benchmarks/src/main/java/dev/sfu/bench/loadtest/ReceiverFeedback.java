package dev.sfu.bench.loadtest;

import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;

/**
 * The RTCP a browser's receiver sends, for one synthetic participant: generic NACKs for RTP
 * sequence gaps (RFC 4585 section 6.2.1), retried until the packet arrives (as the original or as
 * RTX, RFC 4588), and a receiver report per second with one report block per stream received
 * (RFC 3550 section 6.4.2: fraction lost, cumulative lost, extended highest sequence). So the
 * server's NACK handling, retransmission cache and RTCP termination carry load in a load test,
 * and a packet lost on the way can still arrive, as it would in a browser.
 *
 * <p>Packets are noted on the transport's serial thread; {@link #tick} runs on the participant's
 * send thread and writes the due RTCP into the caller's buffer. Both are synchronized (one
 * participant, two threads, rarely at the same time). Nothing is allocated per packet: each
 * stream's state is made on its first packet.
 */
final class ReceiverFeedback {
    /** Gaps tracked per stream; a longer burst NACKs its newest packets. */
    static final int MAX_MISSING = 64;
    /** WebRTC assumes a 100 ms round trip until it has measured one; this tester does not measure it. */
    static final long RETRY_NANOS = 100_000_000L;
    static final int MAX_TRIES = 3;
    static final long GIVE_UP_NANOS = 1_000_000_000L;
    static final long REPORT_NANOS = 1_000_000_000L;
    /** Gaps wider than this are a restart of the stream, not loss. */
    private static final int MAX_GAP = 3_000;

    private static final class Stream {
        final int ssrc;
        int highest;
        long cycles;
        long baseSeq;
        long received;
        long expectedPrior;
        long receivedPrior;
        /** Distinct sequence numbers that arrived, as originals or repaired by RTX. */
        long delivered = 1;
        /** When the packet that set {@link #highest} arrived. */
        long highestArrival;
        final int[] missing = new int[MAX_MISSING];
        /** Missing before the measured window began (see {@link #markWindowStart}): a repair is not counted. */
        final boolean[] carried = new boolean[MAX_MISSING];
        final long[] since = new long[MAX_MISSING];
        final long[] sentAt = new long[MAX_MISSING];
        final int[] tries = new int[MAX_MISSING];
        int missingCount;

        Stream(int ssrc, int seq, long now) {
            this.ssrc = ssrc;
            this.highest = seq;
            this.baseSeq = seq;
            this.highestArrival = now;
        }

        long extendedHighest() {
            return cycles + highest;
        }
    }

    private final long ownSsrc;
    private final Stream[] streams;
    private final int[] seqScratch = new int[MAX_MISSING];
    private long nextReport;
    /** Expected and delivered sequence numbers of streams replaced by a new SSRC. */
    private long closedExpected;
    private long closedDelivered;
    private long nacksSent;
    private long reportsSent;
    /** The measured window's start ({@link #markWindowStart}), or Long.MIN_VALUE. */
    private long windowStart = Long.MIN_VALUE;
    /** Sequence numbers missing in gaps that opened before the window began, found after it. */
    private long carriedOver;

    /**
     * @param ownSsrc     the SSRC this participant reports from
     * @param streamCount run-wide number of publisher streams (ids 0 .. count-1)
     */
    ReceiverFeedback(long ownSsrc, int streamCount) {
        this.ownSsrc = ownSsrc;
        this.streams = new Stream[streamCount];
    }

    /** An original (not RTX) packet of stream {@code id} arrived with RTP sequence {@code seq}. */
    synchronized void onOriginal(int id, int ssrc, int seq, long now) {
        if (id < 0 || id >= streams.length) {
            return;
        }
        Stream s = streams[id];
        if (s == null || s.ssrc != ssrc) {
            if (s != null) {
                closedExpected += s.extendedHighest() - s.baseSeq + 1;
                closedDelivered += s.delivered;
            }
            streams[id] = new Stream(ssrc, seq, now);
            streams[id].received = 1;
            return;
        }
        s.received++;
        int delta = (short) (seq - s.highest);
        if (delta > 0) {
            s.delivered++;
            if (delta > MAX_GAP) {
                // A restart, not loss: the sequence numbers in between were never sent to us.
                s.missingCount = 0;
                s.baseSeq += delta - 1;
            } else {
                // A gap after a packet that arrived before the window began: what is missing was
                // sent then, right after that packet, unless it came at the window's very edge.
                // Seen for a video the server paused after the joins: the packets it sent just
                // before the pause were lost in the join burst, and the gap showed only at the
                // resume, in the window (77 % of a capped run's "loss in the window").
                boolean carry = s.highestArrival < windowStart && now >= windowStart;
                if (carry) {
                    carriedOver += delta - 1;
                }
                for (int i = 1; i < delta; i++) {
                    addMissing(s, (s.highest + i) & 0xFFFF, now, carry);
                }
            }
            s.highestArrival = now;
            if (seq < s.highest) {
                s.cycles += 1 << 16;
            }
            s.highest = seq;
        } else if (removeMissing(s, seq) == FOUND) {
            s.delivered++;
        }
    }

    /**
     * The measured window begins now: sequence numbers found missing from here on count in it
     * only when the packet before their gap arrived in it too ({@link #deliveryCounts}).
     */
    synchronized void markWindowStart(long now) {
        windowStart = now;
        carriedOver = 0;
    }

    /** A retransmission of stream {@code id} with original sequence {@code osn} arrived. */
    synchronized void onRetransmission(int id, int osn) {
        if (id >= 0 && id < streams.length && streams[id] != null && removeMissing(streams[id], osn & 0xFFFF) == FOUND) {
            streams[id].delivered++;
        }
    }

    /**
     * What the server sent this receiver and what of it arrived, counted on the RTP sequence
     * numbers of the streams it forwards (which it keeps contiguous over what it chooses not to
     * send: other layers, dropped temporal layers, pauses): {expected, delivered}, delivered
     * counting each sequence number once whether it arrived as the original or repaired by RTX.
     * A packet NACKed in vain, or still missing now, is expected and not delivered. Sequence
     * numbers missing in a gap that opened before {@link #markWindowStart} are left out of both
     * (they were sent before the window), as is their repair.
     */
    synchronized long[] deliveryCounts() {
        long expected = closedExpected;
        long delivered = closedDelivered;
        for (Stream s : streams) {
            if (s != null) {
                expected += s.extendedHighest() - s.baseSeq + 1;
                delivered += s.delivered;
            }
        }
        return new long[] {expected - carriedOver, delivered};
    }

    /**
     * Writes the RTCP due at {@code now} into {@code buf} (a receiver report when one is due, then
     * one NACK per stream with packets to request); returns its length, 0 when nothing is due.
     */
    synchronized int tick(long now, byte[] buf, int room) {
        int at = 0;
        boolean report = now >= nextReport;
        if (report) {
            nextReport = now + REPORT_NANOS;
            at = writeReports(buf, room);
        } else {
            // An RTCP compound starts with SR or RR (RFC 3550 section 6.1): an empty RR.
            at = ReceiverReport.write(buf, 0, room, ownSsrc, 0);
        }
        int header = at;
        for (Stream s : streams) {
            if (s == null || s.missingCount == 0) {
                continue;
            }
            int n = due(s, now);
            if (n > 0 && room - at > 16 + 4 * n) {
                int len = NackPacket.write(buf, at, room - at, ownSsrc, s.ssrc & 0xFFFFFFFFL, seqScratch, 0, n);
                if (len > 0) {
                    at += len;
                    nacksSent += n;
                }
            }
        }
        if (at == header && !report) {
            return 0;
        }
        if (report) {
            reportsSent++;
        }
        return at;
    }

    synchronized long nacksSent() {
        return nacksSent;
    }

    synchronized long reportsSent() {
        return reportsSent;
    }

    /** Receiver reports, 31 blocks per RR packet, for every stream received so far. */
    private int writeReports(byte[] buf, int room) {
        int at = 0;
        int blocks = 0;
        int rrStart = 0;
        for (Stream s : streams) {
            if (s == null) {
                continue;
            }
            if (blocks == 31) {
                ReceiverReport.write(buf, rrStart, room - rrStart, ownSsrc, blocks);
                rrStart = at;
                blocks = 0;
            }
            if (blocks == 0) {
                at += 8;
            }
            if (room - at < ReportBlock.SIZE + 8) {
                break;
            }
            long expected = s.extendedHighest() - s.baseSeq + 1;
            long lost = Math.max(0, expected - s.received);
            long expectedInterval = expected - s.expectedPrior;
            long lostInterval = expectedInterval - (s.received - s.receivedPrior);
            s.expectedPrior = expected;
            s.receivedPrior = s.received;
            int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
            ReportBlock.write(buf, at, room - at, s.ssrc & 0xFFFFFFFFL, Math.min(255, fraction), (int) Math.min(lost,
                    0x7F_FFFF), s.extendedHighest() & 0xFFFFFFFFL, 0, 0, 0);
            at += ReportBlock.SIZE;
            blocks++;
        }
        if (blocks == 0 && at == 0) {
            return ReceiverReport.write(buf, 0, room, ownSsrc, 0);
        }
        ReceiverReport.write(buf, rrStart, room - rrStart, ownSsrc, blocks);
        return at;
    }

    /** Collects the sequences of {@code s} to NACK now into {@link #seqScratch}; drops the hopeless ones. */
    private int due(Stream s, long now) {
        int n = 0;
        int keep = 0;
        for (int i = 0; i < s.missingCount; i++) {
            boolean expired = now - s.since[i] > GIVE_UP_NANOS || s.tries[i] >= MAX_TRIES
                    && now - s.sentAt[i] > RETRY_NANOS;
            if (expired) {
                continue;
            }
            if (s.tries[i] < MAX_TRIES && (s.tries[i] == 0 || now - s.sentAt[i] >= RETRY_NANOS)) {
                seqScratch[n++] = s.missing[i];
                s.tries[i]++;
                s.sentAt[i] = now;
            }
            s.missing[keep] = s.missing[i];
            s.carried[keep] = s.carried[i];
            s.since[keep] = s.since[i];
            s.sentAt[keep] = s.sentAt[i];
            s.tries[keep] = s.tries[i];
            keep++;
        }
        s.missingCount = keep;
        return n;
    }

    private static void addMissing(Stream s, int seq, long now, boolean carried) {
        if (s.missingCount == MAX_MISSING) {
            // Keep the newest: drop the oldest entry.
            System.arraycopy(s.missing, 1, s.missing, 0, MAX_MISSING - 1);
            System.arraycopy(s.carried, 1, s.carried, 0, MAX_MISSING - 1);
            System.arraycopy(s.since, 1, s.since, 0, MAX_MISSING - 1);
            System.arraycopy(s.sentAt, 1, s.sentAt, 0, MAX_MISSING - 1);
            System.arraycopy(s.tries, 1, s.tries, 0, MAX_MISSING - 1);
            s.missingCount--;
        }
        int i = s.missingCount++;
        s.missing[i] = seq;
        s.carried[i] = carried;
        s.since[i] = now;
        s.sentAt[i] = 0;
        s.tries[i] = 0;
    }

    private static final int NOT_MISSING = 0;
    private static final int FOUND = 1;
    private static final int FOUND_CARRIED = 2;

    /**
     * Removes {@code seq} from the missing list: {@link #FOUND}, {@link #FOUND_CARRIED} (missing
     * since before the window), or {@link #NOT_MISSING} (a duplicate, or given up).
     */
    private static int removeMissing(Stream s, int seq) {
        for (int i = 0; i < s.missingCount; i++) {
            if (s.missing[i] == seq) {
                boolean carried = s.carried[i];
                int tail = s.missingCount - i - 1;
                System.arraycopy(s.missing, i + 1, s.missing, i, tail);
                System.arraycopy(s.carried, i + 1, s.carried, i, tail);
                System.arraycopy(s.since, i + 1, s.since, i, tail);
                System.arraycopy(s.sentAt, i + 1, s.sentAt, i, tail);
                System.arraycopy(s.tries, i + 1, s.tries, i, tail);
                s.missingCount--;
                return carried ? FOUND_CARRIED : FOUND;
            }
        }
        return NOT_MISSING;
    }
}
