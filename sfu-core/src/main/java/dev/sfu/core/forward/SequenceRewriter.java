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
        return !started || ssrc != sourceSsrc;
    }

    /**
     * Rewrites the packet's sequence number and timestamp in place. A new source continues right
     * after the last packet sent: sequence + 1, timestamp advanced by the wall time elapsed
     * (at least one tick).
     */
    public void rewrite(byte[] b, int off, long ssrc, long nowNanos) {
        int seq = RtpPacket.sequenceNumber(b, off);
        long ts = RtpPacket.timestamp(b, off);
        if (!started || ssrc != sourceSsrc) {
            long advance = 1;
            if (started) {
                long elapsed = (nowNanos - lastNanos) * clockRate / 1_000_000_000L;
                advance = Math.max(1, elapsed);
            }
            seqOffset = ((lastSeq + 1) - seq) & 0xFFFF;
            tsOffset = ((lastTs + (started ? advance : 0)) - ts) & 0xFFFFFFFFL;
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
