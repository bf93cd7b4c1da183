package dev.sfu.rtp.rtcp;

import dev.sfu.rtp.util.Bytes;
import java.util.function.IntConsumer;

/**
 * Generic NACK, RFC 4585 section 6.2.1: transport-layer feedback (PT 205, FMT 1) whose FCI is
 * one or more (PID, BLP) pairs. PID is a lost sequence number; bit i of BLP (least significant
 * first) reports PID + i + 1 lost as well.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=205      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  (repeated)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class NackPacket extends RtcpFeedback {
    /** Size of one FCI entry. */
    public static final int FCI_SIZE = 4;
    /** Most sequence numbers one entry can report: PID and the 16 BLP bits. */
    public static final int MAX_PER_ENTRY = 17;

    /** Binds the view to the NACK at {@code off}; false unless it carries at least one FCI entry. */
    public boolean wrap(byte[] buf, int off, int len) {
        return wrapHeader(buf, off, len, RtcpHeader.PT_RTPFB, FMT_NACK, HEADER_SIZE + FCI_SIZE);
    }

    /** Number of (PID, BLP) entries. */
    public int entryCount() {
        return fciLength() / FCI_SIZE;
    }

    /** PID of entry {@code i}. */
    public int pid(int i) {
        return Bytes.u16(buf, fciOffset() + i * FCI_SIZE);
    }

    /** BLP of entry {@code i}. */
    public int blp(int i) {
        return Bytes.u16(buf, fciOffset() + i * FCI_SIZE + 2);
    }

    /** Number of sequence numbers the packet reports lost, duplicates across entries counted. */
    public int lostCount() {
        int n = 0;
        for (int i = entryCount() - 1; i >= 0; i--) {
            n += 1 + Integer.bitCount(blp(i));
        }
        return n;
    }

    /**
     * Expands every entry into the lost sequence numbers, in packet order, into {@code out}.
     *
     * @return how many were written, or -1 when {@code out} has no room for {@link #lostCount()}
     */
    public int lostSequenceNumbers(int[] out, int outOff) {
        int n = lostCount();
        if (outOff < 0 || outOff > out.length - n) {
            return -1;
        }
        int w = outOff;
        int entries = entryCount();
        for (int i = 0; i < entries; i++) {
            int pid = pid(i);
            int blp = blp(i);
            out[w++] = pid;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    out[w++] = (pid + bit + 1) & 0xFFFF;
                }
            }
        }
        return n;
    }

    /** Hands every lost sequence number to {@code consumer}, in packet order, without boxing. */
    public void forEachLost(IntConsumer consumer) {
        int entries = entryCount();
        for (int i = 0; i < entries; i++) {
            int pid = pid(i);
            int blp = blp(i);
            consumer.accept(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    consumer.accept((pid + bit + 1) & 0xFFFF);
                }
            }
        }
    }

    /**
     * Number of entries {@link #write} will use for {@code seqs[from .. from + count)}, given in
     * RTP order (ascending modulo 2^16, so 65535 may be followed by 0).
     */
    public static int entriesFor(int[] seqs, int from, int count) {
        int entries = 0;
        int i = from;
        int last = from + count;
        while (i < last) {
            int pid = seqs[i++];
            while (i < last && ((seqs[i] - pid) & 0xFFFF) <= 16) {
                i++;
            }
            entries++;
        }
        return entries;
    }

    /**
     * Writes a generic NACK for the sequence numbers {@code seqs[from .. from + count)}. Given in
     * RTP order they pack into the fewest entries (each entry greedily takes every number within
     * 16 after its PID, across the 16-bit wrap); duplicates are dropped. Out-of-order input still
     * yields a correct, only larger, packet.
     *
     * @param count at least 1
     * @return the packet length, or -1 when it does not fit in {@code room} or the arguments are bad
     */
    public static int write(byte[] buf, int off, int room, long senderSsrc, long mediaSsrc,
                            int[] seqs, int from, int count) {
        if (count < 1 || from < 0 || from > seqs.length - count || !Bytes.window(buf, off, 0)) {
            return -1;
        }
        int limit = off + Math.min(room, buf.length - off);
        int pos = off + HEADER_SIZE;
        int i = from;
        int last = from + count;
        while (i < last) {
            int pid = seqs[i++] & 0xFFFF;
            int blp = 0;
            while (i < last) {
                int d = (seqs[i] - pid) & 0xFFFF;
                if (d > 16) {
                    break;
                }
                if (d > 0) {
                    blp |= 1 << (d - 1);
                }
                i++;
            }
            if (pos + FCI_SIZE > limit) {
                return -1;
            }
            Bytes.put16(buf, pos, pid);
            Bytes.put16(buf, pos + 2, blp);
            pos += FCI_SIZE;
        }
        int length = pos - off;
        return writeHeader(buf, off, room, RtcpHeader.PT_RTPFB, FMT_NACK, length, senderSsrc, mediaSsrc) < 0
                ? -1 : length;
    }
}
