package dev.sfu.core.transport;

/**
 * The LP64 layouts of {@code struct mmsghdr} ({@code struct msghdr msg_hdr; unsigned msg_len;})
 * and {@code struct iovec} that {@code sendmmsg(2)} and {@code recvmmsg(2)} read and write, the
 * same on x86-64 and arm64: byte offsets for {@link SendBatch} and {@link NativeReceiver}.
 */
final class MmsgLayout {
    static final int MMSGHDR = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_FLAGS = 48;
    static final int MSG_LEN = 56;
    static final int IOVEC = 16;
    /** The msg_flags bit of a datagram longer than its buffer. */
    static final int MSG_TRUNC = 0x20;

    private MmsgLayout() {
    }
}
