package dev.sfu.core.forward;

import dev.sfu.rtp.RtpPacket;

/**
 * Maps a publisher's RTP sequence numbers and timestamps onto one subscriber-facing stream
 * (RFC 3550 section 5.1, RFC 7667 section 3.7 "media-switching mixer"), so the subscriber sees
 * one continuous stream even when the source behind it changes: a publisher restarting with a
 * new SSRC, or a recycled m-line now carrying another publisher. Both fields wrap naturally:
 * sequence numbers modulo 2^16, timestamps modulo 2^32.
 *
 * <p>Written only by the publisher's serial executor; {@link #toSource} may be read from the
 * subscriber's executor to answer NACKs, and tolerates a stale offset (the cache check then
 * fails and the NACK goes unanswered).
 */
public final class SequenceRewriter {
    private final int clockRate;
    private boolean started;
    private long sourceSsrc = -1;
    private volatile int seqOffset;
    private long tsOffset;
    private int lastSeq;
    private long lastTs;
    private long lastNanos;
    private int lastSourceSeq;
    private boolean restart;
    private long alignedTs = -1;

    /**
     * @param clockRate   the RTP clock rate, used to advance the timestamp across a switch
     * @param initialSeq  the first outgoing sequence number (random for a new stream)
     * @param initialTs   the first outgoing timestamp (random for a new stream)
     */
    public SequenceRewriter(int clockRate, int initialSeq, long initialTs) {
        this.clockRate = clockRate;
        this.lastSeq = (initialSeq - 1) & 0xFFFF;
        this.lastTs = initialTs & 0xFFFFFFFFL;
    }

    /** True when a packet of {@code ssrc} would start a new source (first packet or a switch). */
    public boolean isNewSource(long ssrc) {
        return !started || restart || ssrc != sourceSsrc;
    }

    /**
     * Makes the next packet start a new source even on the same SSRC (forwarding resumes after a
     * pause, or switches layers): it continues right after the last packet sent.
     *
     * @param alignedTimestamp the outgoing timestamp the next packet should carry, as aligned
     *                         with sender reports, or -1 to advance by the wall time elapsed
     */
    public void restart(long alignedTimestamp) {
        restart = true;
        alignedTs = alignedTimestamp;
    }

    /**
     * A packet of the current source that is not forwarded (its temporal layer is dropped): the
     * packets after it move down by one so the subscriber sees no gap. A reordered packet older
     * than the last one seen changes nothing.
     */
    public void skip(long ssrc, int seq) {
        if (!started || restart || ssrc != sourceSsrc) {
            return;
        }
        if (((seq - lastSourceSeq) & 0xFFFF) < 0x8000 && seq != lastSourceSeq) {
            seqOffset = (seqOffset - 1) & 0xFFFF;
            lastSourceSeq = seq;
        }
    }

    /**
     * Rewrites the packet's sequence number and timestamp in place. A new source continues right
     * after the last packet sent: sequence + 1, timestamp advanced by the wall time elapsed
     * (at least one tick).
     */
    public void rewrite(byte[] b, int off, long ssrc, long nowNanos) {
        int seq = RtpPacket.sequenceNumber(b, off);
        long ts = RtpPacket.timestamp(b, off);
        if (!started || restart || ssrc != sourceSsrc) {
            long advance = 1;
            if (started) {
                long elapsed = (nowNanos - lastNanos) * clockRate / 1_000_000_000L;
                advance = Math.max(1, elapsed);
            }
            long firstTs = (lastTs + (started ? advance : 0)) & 0xFFFFFFFFL;
            if (started && alignedTs >= 0 && plausible(alignedTs)) {
                firstTs = alignedTs;
            }
            seqOffset = ((lastSeq + 1) - seq) & 0xFFFF;
            tsOffset = (firstTs - ts) & 0xFFFFFFFFL;
            restart = false;
            alignedTs = -1;
            sourceSsrc = ssrc;
            started = true;
            lastSourceSeq = seq;
            lastNanos = nowNanos;
        }
        int outSeq = (seq + seqOffset) & 0xFFFF;
        long outTs = (ts + tsOffset) & 0xFFFFFFFFL;
        RtpPacket.setSequenceNumber(b, off, outSeq);
        RtpPacket.setTimestamp(b, off, outTs);
        // Only newer packets move the "last" marks; a reordered older one keeps them.
        if (((seq - lastSourceSeq) & 0xFFFF) < 0x8000) {
            lastSourceSeq = seq;
            lastSeq = outSeq;
            lastTs = outTs;
            lastNanos = nowNanos;
        }
    }

    /** An aligned timestamp is used when it moves forward from the last one by at most 5 s. */
    private boolean plausible(long outTs) {
        long delta = (outTs - lastTs) & 0xFFFFFFFFL;
        return delta > 0 && delta <= 5L * clockRate;
    }

    /** Maps a subscriber-facing sequence number back to the current source's. */
    public int toSource(int outSeq) {
        return (outSeq - seqOffset) & 0xFFFF;
    }

    /** Maps a source RTP timestamp (e.g. from a sender report) to the subscriber-facing one. */
    public long toOutgoingTimestamp(long sourceTs) {
        return (sourceTs + tsOffset) & 0xFFFFFFFFL;
    }

    public boolean started() {
        return started;
    }

    public long sourceSsrc() {
        return sourceSsrc;
    }

    /** The last subscriber-facing sequence number sent. */
    public int lastSequence() {
        return lastSeq;
    }

    public long lastTimestamp() {
        return lastTs;
    }
}
