package dev.sfu.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * One media thread's outgoing datagrams on the way to one {@code sendmmsg(2)}: forwarding a
 * packet to 19 subscribers queues 19 messages here, and the worker sends them with one system
 * call when its task ends ({@link MediaWorkers}), when {@value #SLOTS} are queued, or before a
 * message for another socket. The delay this adds is the rest of one task, well under a
 * millisecond.
 *
 * <p>Owned by its thread; nothing in it is shared. Each slot has its message header, I/O
 * vector, destination address and {@value #SLOT_BYTES} bytes of data in native memory, laid
 * out once; queuing a datagram copies it and its destination into the next slot.
 */
final class SendBatch {
    static final int SLOTS = 64;
    static final int SLOT_BYTES = 2048;

    /** Held so that its implicit scope lives as long as the batch (calls get raw addresses). */
    private final MemorySegment memory;
    private final ByteBuffer view;
    /** Where the header of each slot starts: sendmmsg resumes from any of them. */
    private final long[] headers = new long[SLOTS];
    private final int iovAt;
    private final int nameAt;
    private final int dataAt;
    private final DestinationNames names = new DestinationNames();
    private NativeUdpSocket socket;
    private int count;

    SendBatch() {
        iovAt = SLOTS * MmsgLayout.MMSGHDR;
        nameAt = iovAt + SLOTS * MmsgLayout.IOVEC;
        dataAt = nameAt + SLOTS * Sockaddr.SOCKADDR;
        memory = MemorySegment.allocateNative((long) dataAt + (long) SLOTS * SLOT_BYTES, 16,
                ResourceScope.newImplicitScope());
        view = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        long base = memory.address().toRawLongValue();
        for (int i = 0; i < SLOTS; i++) {
            int h = i * MmsgLayout.MMSGHDR;
            headers[i] = base + h;
            view.putLong(h + MmsgLayout.MSG_NAME, base + nameAt + (long) i * Sockaddr.SOCKADDR);
            view.putLong(h + MmsgLayout.MSG_IOV, base + iovAt + (long) i * MmsgLayout.IOVEC);
            view.putLong(h + MmsgLayout.MSG_IOVLEN, 1);
            view.putLong(iovAt + i * MmsgLayout.IOVEC, base + dataAt + (long) i * SLOT_BYTES);
        }
    }

    /** Datagrams queued and not sent yet. */
    int pending() {
        return count;
    }

    /**
     * Queues one datagram from {@code s} to {@code to}. A datagram larger than a slot goes out
     * at once, after what is queued. Throws when {@code to} cannot be reached from the socket's
     * address family (the caller counts that as a failed send, as with a JDK socket).
     */
    void add(NativeUdpSocket s, byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        if (len > SLOT_BYTES) {
            flush();
            s.sendNow(buf, off, len, to);
            return;
        }
        if (s != socket) {
            flush();
            socket = s;
        }
        int i = count;
        int nameLen = names.encode(view, nameAt + i * Sockaddr.SOCKADDR, s.family(), to);
        if (nameLen < 0) {
            throw new IOException("cannot send to " + to + " from a socket of family " + s.family());
        }
        int h = i * MmsgLayout.MMSGHDR;
        view.putInt(h + MmsgLayout.MSG_NAMELEN, nameLen);
        view.putLong(iovAt + i * MmsgLayout.IOVEC + 8, len);
        view.put(dataAt + i * SLOT_BYTES, buf, off, len);
        count = i + 1;
        if (count == SLOTS) {
            flush();
        }
    }

    /** Sends everything queued. */
    void flush() {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;
        socket.sendBatch(headers, n);
    }
}
