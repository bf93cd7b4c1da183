package dev.sfu.rtp.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable {@link ByteArrayBuffer} over the caller's {@code (buf, off, len)}, so that jitsi-srtp
 * works in place without a wrapper per packet. It never reallocates: {@link SrtpSession} checks the
 * tail room before an encrypt, and {@link #grow} only confirms that room.
 */
final class PacketBuffer implements ByteArrayBuffer {
    private byte[] buf;
    private int off;
    private int len;

    /** Points this adapter at a packet; returns this. */
    PacketBuffer wrap(byte[] buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    /** Drops the reference to the caller's array after an operation. */
    void clear() {
        buf = null;
        off = 0;
        len = 0;
    }

    @Override
    public byte[] getBuffer() {
        return buf;
    }

    @Override
    public int getOffset() {
        return off;
    }

    @Override
    public int getLength() {
        return len;
    }

    @Override
    public void setLength(int len) {
        this.len = len;
    }

    @Override
    public void setOffset(int off) {
        this.off = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int regionOff, int regionLen, byte[] out) {
        System.arraycopy(buf, off + regionOff, out, 0, regionLen);
    }

    @Override
    public void grow(int howMuch) {
        if (buf.length - off - len < howMuch) {
            // Unreachable through SrtpSession, which checks the tail room first.
            throw new IllegalStateException("no tail room for " + howMuch + " bytes");
        }
    }

    @Override
    public void append(byte[] data, int dataLen) {
        grow(dataLen);
        System.arraycopy(data, 0, buf, off + len, dataLen);
        len += dataLen;
    }

    @Override
    public void shrink(int howMuch) {
        len = Math.max(0, len - howMuch);
    }
}
