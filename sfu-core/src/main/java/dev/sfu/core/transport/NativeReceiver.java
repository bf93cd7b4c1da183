package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/** The reader thread's receive area: {@code slots} messages of {@code slotBytes} each. */
final class NativeReceiver {
    final int slots;
    final int slotBytes;
    private final MemorySegment memory;
    final ByteBuffer view;
    final long headers;
    private final int iovAt;
    private final int nameAt;
    private final int dataAt;
    private final SourceAddresses sources = new SourceAddresses();

    NativeReceiver(int slots, int slotBytes) {
        this.slots = slots;
        this.slotBytes = slotBytes;
        iovAt = slots * MmsgLayout.MMSGHDR;
        nameAt = iovAt + slots * MmsgLayout.IOVEC;
        dataAt = nameAt + slots * Sockaddr.SOCKADDR;
        memory = MemorySegment.allocateNative((long) dataAt + (long) slots * slotBytes, 16,
                ResourceScope.newImplicitScope());
        view = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        long base = memory.address().toRawLongValue();
        headers = base;
        for (int i = 0; i < slots; i++) {
            int h = i * MmsgLayout.MMSGHDR;
            view.putLong(h + MmsgLayout.MSG_NAME, base + nameAt + (long) i * Sockaddr.SOCKADDR);
            view.putLong(h + MmsgLayout.MSG_IOV, base + iovAt + (long) i * MmsgLayout.IOVEC);
            view.putLong(h + MmsgLayout.MSG_IOVLEN, 1);
            view.putLong(iovAt + i * MmsgLayout.IOVEC, base + dataAt + (long) i * slotBytes);
            view.putLong(iovAt + i * MmsgLayout.IOVEC + 8, slotBytes);
        }
    }

    /** Resets what the kernel overwrites (name lengths and flags). */
    void prepare() {
        for (int i = 0; i < slots; i++) {
            view.putInt(i * MmsgLayout.MMSGHDR + MmsgLayout.MSG_NAMELEN, Sockaddr.SOCKADDR);
            view.putInt(i * MmsgLayout.MMSGHDR + MmsgLayout.MSG_FLAGS, 0);
        }
    }

    int length(int i) {
        return view.getInt(i * MmsgLayout.MMSGHDR + MmsgLayout.MSG_LEN);
    }

    boolean truncated(int i) {
        return (view.getInt(i * MmsgLayout.MMSGHDR + MmsgLayout.MSG_FLAGS) & MmsgLayout.MSG_TRUNC) != 0;
    }

    /** The sender of message {@code i}, or null when its address is of neither family. */
    InetSocketAddress source(int i) {
        return sources.lookup(view, nameAt + i * Sockaddr.SOCKADDR);
    }

    /** Copies message {@code i} into {@code dst}; its length. */
    int copy(int i, byte[] dst) {
        int len = Math.min(length(i), dst.length);
        view.get(dataAt + i * slotBytes, dst, 0, len);
        return len;
    }
}
