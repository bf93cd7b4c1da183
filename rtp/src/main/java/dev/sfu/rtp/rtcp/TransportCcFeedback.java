package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;

/**
 * Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1: transport-layer feedback (PT 205, FMT 15) reporting, for a range of transport-wide
 * sequence numbers, which packets arrived and when.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |  ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         recv delta            |  recv delta   | zero padding  |  ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * run length chunk:    |0|S S| run length (13 bits)  |
 * status vector chunk: |1|0| 14 one-bit symbols      |   0 not received, 1 received
 *                      |1|1| 7 two-bit symbols       |   00 not received, 01 small delta,
 *                                                          10 large or negative delta
 * </pre>
 *
 * The reference time is a signed 24-bit count of 64 ms. Each received packet has a delta in
 * 250 us units from the previous received packet (the first from the reference time): one
 * unsigned byte for status 01, a signed 16-bit value for status 10. Symbol 11 is reserved and
 * rejected. {@link #wrap} walks all chunks once, so the decoders never meet a short packet.
 */
public final class TransportCcFeedback extends RtcpFeedback {
    /** Status of a packet that did not arrive. */
    public static final int NOT_RECEIVED = 0;
    /** Status of a packet with a one-byte delta of 0-255 units. */
    public static final int RECEIVED_SMALL_DELTA = 1;
    /** Status of a packet with a two-byte signed delta. */
    public static final int RECEIVED_LARGE_DELTA = 2;
    /** Microseconds in one delta unit. */
    public static final int DELTA_UNIT_US = 250;
    /** Microseconds in one reference time unit. */
    public static final int REFERENCE_TIME_UNIT_US = 64_000;
    /** Size of the message before the first chunk. */
    public static final int FIXED_SIZE = HEADER_SIZE + 8;
    private static final int MAX_RUN = 0x1FFF;
    private static final int TICKS_PER_REFERENCE_UNIT = REFERENCE_TIME_UNIT_US / DELTA_UNIT_US;

    /** Receives one packet's feedback: sequence number, status, delta in 250 us units (0 if lost). */
    @FunctionalInterface
    public interface PacketVisitor {
        void packet(int seq, int status, int delta);
    }

    private int deltasStart;

    /**
     * Binds the view to the feedback at {@code off}; false unless the chunks cover the packet
     * status count and every delta they announce fits in the packet.
     */
    public boolean wrap(byte[] buf, int off, int len) {
        if (!wrapHeader(buf, off, len, RtcpHeader.PT_RTPFB, FMT_TRANSPORT_CC, FIXED_SIZE)) {
            return false;
        }
        int remaining = packetStatusCount();
        int pos = off + FIXED_SIZE;
        int deltaBytes = 0;
        while (remaining > 0) {
            if (end - pos < 2) {
                return fail();
            }
            int chunk = Bytes.u16(buf, pos);
            pos += 2;
            if ((chunk & 0x8000) == 0) {
                int symbol = (chunk >>> 13) & 3;
                if (symbol == 3) {
                    return fail();
                }
                int n = Math.min(chunk & MAX_RUN, remaining);
                deltaBytes += n * symbol;
                remaining -= n;
            } else {
                boolean twoBit = (chunk & 0x4000) != 0;
                int n = Math.min(twoBit ? 7 : 14, remaining);
                for (int k = 0; k < n; k++) {
                    int symbol = twoBit ? (chunk >>> (12 - 2 * k)) & 3 : (chunk >>> (13 - k)) & 1;
                    if (symbol == 3) {
                        return fail();
                    }
                    deltaBytes += symbol;
                }
                remaining -= n;
            }
        }
        if (deltaBytes > end - pos) {
            return fail();
        }
        deltasStart = pos;
        return true;
    }

    /** Transport-wide sequence number of the first packet reported. */
    public int baseSequence() {
        return Bytes.u16(buf, off + HEADER_SIZE);
    }

    /** Number of packets reported, starting at {@link #baseSequence()}. */
    public int packetStatusCount() {
        return Bytes.u16(buf, off + HEADER_SIZE + 2);
    }

    /** Reference time in 64 ms units, sign-extended from 24 bits. */
    public int referenceTime() {
        return Bytes.s24(buf, off + HEADER_SIZE + 4);
    }

    /** Reference time in microseconds. */
    public long referenceTimeUs() {
        return (long) referenceTime() * REFERENCE_TIME_UNIT_US;
    }

    /** Feedback packet count, 0-255, incremented by the sender for each feedback it sends. */
    public int feedbackPacketCount() {
        return Bytes.u8(buf, off + HEADER_SIZE + 7);
    }

    /** Offset of the first receive delta (just past the last chunk). */
    public int deltasOffset() {
        return deltasStart;
    }

    /**
     * Hands every reported packet to {@code visitor} in sequence order.
     *
     * @return the number of packets visited, {@link #packetStatusCount()}
     */
    public int forEachPacket(PacketVisitor visitor) {
        return decode(visitor, null, null, null);
    }

    /**
     * Decodes every reported packet into the caller's arrays, from index 0: sequence number,
     * status, and delta in 250 us units (0 for packets not received).
     *
     * @return the number of packets, or -1 when an array is shorter than {@link #packetStatusCount()}
     */
    public int packets(int[] seqs, int[] statuses, int[] deltas) {
        int n = packetStatusCount();
        if (seqs.length < n || statuses.length < n || deltas.length < n) {
            return -1;
        }
        return decode(null, seqs, statuses, deltas);
    }

    private int decode(PacketVisitor visitor, int[] seqs, int[] statuses, int[] deltas) {
        int total = packetStatusCount();
        int seq = baseSequence();
        int pos = off + FIXED_SIZE;
        int deltaPos = deltasStart;
        int i = 0;
        while (i < total) {
            int chunk = Bytes.u16(buf, pos);
            pos += 2;
            int n;
            if ((chunk & 0x8000) == 0) {
                n = Math.min(chunk & MAX_RUN, total - i);
            } else {
                n = Math.min((chunk & 0x4000) != 0 ? 7 : 14, total - i);
            }
            for (int k = 0; k < n; k++, i++) {
                int status;
                if ((chunk & 0x8000) == 0) {
                    status = (chunk >>> 13) & 3;
                } else if ((chunk & 0x4000) != 0) {
                    status = (chunk >>> (12 - 2 * k)) & 3;
                } else {
                    status = (chunk >>> (13 - k)) & 1;
                }
                int delta = 0;
                if (status == RECEIVED_SMALL_DELTA) {
                    delta = Bytes.u8(buf, deltaPos);
                    deltaPos += 1;
                } else if (status == RECEIVED_LARGE_DELTA) {
                    delta = Bytes.s16(buf, deltaPos);
                    deltaPos += 2;
                }
                if (visitor != null) {
                    visitor.packet(seq, status, delta);
                } else {
                    seqs[i] = seq;
                    statuses[i] = status;
                    deltas[i] = delta;
                }
                seq = (seq + 1) & 0xFFFF;
            }
        }
        return total;
    }

    /** An upper bound on the length {@link #write} needs for {@code count} packets. */
    public static int maxLength(int count) {
        return (FIXED_SIZE + 2 * ((count + 6) / 7) + 2 * count + 3) & ~3;
    }

    /**
     * Writes a feedback message for the packets {@code baseSeq, baseSeq + 1, ...}: packet i
     * arrived when {@code received[i]}, at {@code arrivalUs[i]} microseconds on any monotonic
     * clock. The reference time is the first arrival rounded down to 64 ms; deltas are taken
     * between arrival times rounded down to 250 us. Each chunk is the one that covers the most
     * packets from where the previous one stopped: a run-length chunk for a run at least as long
     * as a status vector would cover, else a 1-bit vector when no packet needs a large delta,
     * else a 2-bit vector. The message is padded to 32 bits with RTCP padding (P set, last octet
     * the pad count), as browsers do.
     *
     * @param count 1-65535 packets
     * @return the packet length, or -1 when it does not fit in {@code room}, a delta between two
     *         received packets does not fit in 16 signed bits (split the feedback), or the
     *         arguments are bad
     */
    public static int write(byte[] buf, int off, int room, long senderSsrc, long mediaSsrc, int baseSeq,
                            int feedbackCount, boolean[] received, long[] arrivalUs, int count) {
        if (count < 1 || count > 0xFFFF || received.length < count || arrivalUs.length < count
                || !Bytes.window(buf, off, 0)) {
            return -1;
        }
        int limit = off + Math.min(room, buf.length - off);
        if (limit - off < FIXED_SIZE) {
            return -1;
        }
        long referenceTime = 0;
        for (int i = 0; i < count; i++) {
            if (received[i]) {
                referenceTime = Math.floorDiv(arrivalUs[i], REFERENCE_TIME_UNIT_US);
                break;
            }
        }
        long startTicks = referenceTime * TICKS_PER_REFERENCE_UNIT;
        int pos = off + FIXED_SIZE;

        // Chunks: greedy, each one covering as many packets as it can.
        long prevTicks = startTicks;
        int p = 0;
        while (p < count) {
            int first = symbol(received, arrivalUs, p, prevTicks);
            if (first < 0) {
                return -1;
            }
            long t = advance(received, arrivalUs, p, prevTicks);
            int run = 1;
            while (p + run < count && run < MAX_RUN) {
                int s = symbol(received, arrivalUs, p + run, t);
                if (s != first) {
                    break;
                }
                t = advance(received, arrivalUs, p + run, t);
                run++;
            }
            int oneBitCover = Math.min(14, count - p);
            t = prevTicks;
            boolean oneBit = true;
            for (int k = 0; k < oneBitCover; k++) {
                int s = symbol(received, arrivalUs, p + k, t);
                if (s < 0) {
                    return -1;
                }
                if (s == RECEIVED_LARGE_DELTA) {
                    oneBit = false;
                    break;
                }
                t = advance(received, arrivalUs, p + k, t);
            }
            int n;
            int chunk;
            if (run >= (oneBit ? oneBitCover : Math.min(7, count - p))) {
                n = run;
                chunk = (first << 13) | run;
            } else if (oneBit) {
                n = oneBitCover;
                chunk = 0x8000;
                t = prevTicks;
                for (int k = 0; k < n; k++) {
                    chunk |= symbol(received, arrivalUs, p + k, t) << (13 - k);
                    t = advance(received, arrivalUs, p + k, t);
                }
            } else {
                n = Math.min(7, count - p);
                chunk = 0xC000;
                t = prevTicks;
                for (int k = 0; k < n; k++) {
                    int s = symbol(received, arrivalUs, p + k, t);
                    if (s < 0) {
                        return -1;
                    }
                    chunk |= s << (12 - 2 * k);
                    t = advance(received, arrivalUs, p + k, t);
                }
            }
            if (limit - pos < 2) {
                return -1;
            }
            Bytes.put16(buf, pos, chunk);
            pos += 2;
            for (int k = 0; k < n; k++) {
                prevTicks = advance(received, arrivalUs, p + k, prevTicks);
            }
            p += n;
        }

        // Receive deltas, in sequence order.
        prevTicks = startTicks;
        for (int i = 0; i < count; i++) {
            if (!received[i]) {
                continue;
            }
            long ticks = Math.floorDiv(arrivalUs[i], DELTA_UNIT_US);
            long delta = ticks - prevTicks;
            prevTicks = ticks;
            if (delta >= 0 && delta <= 0xFF) {
                if (limit - pos < 1) {
                    return -1;
                }
                buf[pos++] = (byte) delta;
            } else {
                if (limit - pos < 2) {
                    return -1;
                }
                Bytes.put16(buf, pos, (int) delta);
                pos += 2;
            }
        }

        int unpadded = pos - off;
        int length = (unpadded + 3) & ~3;
        if (length > limit - off) {
            return -1;
        }
        for (; pos < off + length; pos++) {
            buf[pos] = 0;
        }
        if (writeHeader(buf, off, room, RtcpHeader.PT_RTPFB, FMT_TRANSPORT_CC, length, senderSsrc, mediaSsrc) < 0) {
            return -1;
        }
        if (length > unpadded) {
            buf[off + length - 1] = (byte) (length - unpadded);
            RtcpHeader.setPadding(buf, off);
        }
        int q = off + HEADER_SIZE;
        Bytes.put16(buf, q, baseSeq & 0xFFFF);
        Bytes.put16(buf, q + 2, count);
        Bytes.put24(buf, q + 4, (int) referenceTime);
        Bytes.put8(buf, q + 7, feedbackCount);
        return length;
    }

    /** Status symbol of packet i given the previous received arrival in ticks; -1 when unrepresentable. */
    private static int symbol(boolean[] received, long[] arrivalUs, int i, long prevTicks) {
        if (!received[i]) {
            return NOT_RECEIVED;
        }
        long delta = Math.floorDiv(arrivalUs[i], DELTA_UNIT_US) - prevTicks;
        if (delta >= 0 && delta <= 0xFF) {
            return RECEIVED_SMALL_DELTA;
        }
        return delta >= Short.MIN_VALUE && delta <= Short.MAX_VALUE ? RECEIVED_LARGE_DELTA : -1;
    }

    private static long advance(boolean[] received, long[] arrivalUs, int i, long prevTicks) {
        return received[i] ? Math.floorDiv(arrivalUs[i], DELTA_UNIT_US) : prevTicks;
    }
}
