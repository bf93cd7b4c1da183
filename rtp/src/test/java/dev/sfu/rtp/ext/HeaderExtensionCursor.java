package dev.sfu.rtp.ext;

import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.util.Bytes;

/**
 * A test oracle: an iterator over the elements of one packet's extension, walked on its own so
 * that the fuzz and unit tests can check {@link HeaderExtensions#find} and friends against it. It
 * lived in main code until issue 17: the server never needed to iterate, only to find.
 *
 * <pre>
 * HeaderExtensionCursor c = new HeaderExtensionCursor();
 * if (c.reset(buf, off, len)) {
 *     while (c.next()) { use(c.id(), c.dataOffset(), c.dataLength()); }
 * }
 * </pre>
 */
public final class HeaderExtensionCursor {
    private byte[] b;
    private int p;
    private int end;
    private int form;
    private int id;
    private int dataOffset;
    private int dataLength;
    private boolean malformed;

    /**
     * Starts iterating the packet's extension.
     *
     * @return false if the packet is malformed, has no extension or an unknown profile
     */
    public boolean reset(byte[] buf, int off, int len) {
        this.b = null;
        this.malformed = false;
        this.id = 0;
        int h = RtpPacket.validHeaderLength(buf, off, len);
        if (h < 0 || !RtpPacket.hasExtension(buf, off)) {
            malformed = h < 0;
            return false;
        }
        int ext = off + RtpPacket.FIXED_HEADER_LENGTH + 4 * RtpPacket.csrcCount(buf, off);
        form = HeaderExtensions.form(Bytes.u16(buf, ext));
        if (form == 0) {
            return false;
        }
        this.b = buf;
        this.p = ext + 4;
        this.end = off + h;
        return true;
    }

    /** Moves to the next element; false at the end, at an id-15 element or on bad bytes. */
    public boolean next() {
        if (b == null) {
            return false;
        }
        while (p < end && (form == 1 ? (b[p] & 0xFF) < 0x10 : b[p] == 0)) {
            p++;
        }
        if (p >= end) {
            return done(false);
        }
        int x = b[p] & 0xFF;
        int hdr;
        if (form == 1) {
            id = x >>> 4;
            if (id == 15) {
                return done(false);
            }
            hdr = 1;
            dataLength = (x & 0x0F) + 1;
        } else {
            if (p + 2 > end) {
                return done(true);
            }
            id = x;
            hdr = 2;
            dataLength = b[p + 1] & 0xFF;
        }
        if (p + hdr + dataLength > end) {
            return done(true);
        }
        dataOffset = p + hdr;
        p = dataOffset + dataLength;
        return true;
    }

    private boolean done(boolean bad) {
        malformed = bad;
        b = null;
        id = 0;
        return false;
    }

    /** The current element's id. */
    public int id() {
        return id;
    }

    /** Absolute offset of the current element's data. */
    public int dataOffset() {
        return dataOffset;
    }

    /** Length of the current element's data. */
    public int dataLength() {
        return dataLength;
    }

    /** True if iteration stopped on bad bytes rather than at the end. */
    public boolean malformed() {
        return malformed;
    }

    /** True for the two-byte form. */
    public boolean isTwoByte() {
        return form == 2;
    }
}
