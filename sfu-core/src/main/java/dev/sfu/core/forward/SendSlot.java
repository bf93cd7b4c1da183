package dev.sfu.core.forward;

import dev.sfu.core.room.MediaKind;

/**
 * One subscriber-facing send stream: the SSRC and RTX SSRC the server chose, the mid of the
 * m-line signaling put it on, and the sequence/timestamp state (which continues across a
 * publisher that restarts its stream on a new SSRC).
 */
final class SendSlot {
    final MediaKind kind;
    final long ssrc;
    final long rtxSsrc;
    final SequenceRewriter rewriter;
    volatile String mid;
    int rtxSeq;

    SendSlot(MediaKind kind, long ssrc, long rtxSsrc, int clockRate, java.util.Random random) {
        this.kind = kind;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        this.rewriter = new SequenceRewriter(clockRate, random.nextInt(0x8000), random.nextInt() & 0xFFFFFFFFL);
        this.rtxSeq = random.nextInt(0x8000);
    }
}
