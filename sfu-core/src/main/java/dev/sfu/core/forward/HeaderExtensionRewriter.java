package dev.sfu.core.forward;

/**
 * Rewrites RTP header extension ids in place (RFC 8285), so the ids a subscriber sees are the
 * ones it negotiated for the same URI. Elements the subscriber did not negotiate become padding
 * bytes (value 0, RFC 8285 section 4.2), which receivers skip; the packet length is unchanged.
 *
 * <pre>
 * one-byte form (profile 0xBEDE):          two-byte form (profile 0x100X):
 *  0 1 2 3 4 5 6 7                          0                   1
 * +-+-+-+-+-+-+-+-+                         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * |  ID   |  len  | data (len+1 bytes)     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * +-+-+-+-+-+-+-+-+                        |       ID      |     length    | data (length bytes)
 *                                          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class HeaderExtensionRewriter {
    private HeaderExtensionRewriter() {
    }

    /**
     * Maps every element id through {@code idMap} (index: publisher id, value: subscriber id,
     * 0: remove). Returns false when the extension block is malformed; the packet must then be
     * dropped. Packets without an extension block are accepted unchanged.
     */
    public static boolean rewrite(byte[] b, int off, int headerLength, int[] idMap) {
        if (!Rtp.hasExtension(b, off)) {
            return true;
        }
        int p = Rtp.extensionOffset(b, off);
        int profile = Rtp.u16(b, p);
        int end = off + headerLength;
        int i = p + 4;
        if (profile == 0xBEDE) {
            while (i < end) {
                int h = b[i] & 0xFF;
                if (h == 0) {
                    i++;
                    continue;
                }
                int id = h >>> 4;
                int l = (h & 0x0F) + 1;
                if (id == 15) {
                    return true; // Reserved id: stop processing (RFC 8285 section 4.2).
                }
                if (i + 1 + l > end) {
                    return false;
                }
                int to = id < idMap.length ? idMap[id] : 0;
                if (to <= 0 || to > 14) {
                    java.util.Arrays.fill(b, i, i + 1 + l, (byte) 0);
                } else {
                    b[i] = (byte) ((to << 4) | (h & 0x0F));
                }
                i += 1 + l;
            }
            return true;
        }
        if ((profile & 0xFFF0) == 0x1000) {
            while (i < end) {
                int id = b[i] & 0xFF;
                if (id == 0) {
                    i++;
                    continue;
                }
                if (i + 2 > end) {
                    return false;
                }
                int l = b[i + 1] & 0xFF;
                if (i + 2 + l > end) {
                    return false;
                }
                int to = id < idMap.length ? idMap[id] : 0;
                if (to <= 0 || to > 255) {
                    java.util.Arrays.fill(b, i, i + 2 + l, (byte) 0);
                } else {
                    b[i] = (byte) to;
                }
                i += 2 + l;
            }
            return true;
        }
        return true; // Unknown profile: left as is, receivers ignore it.
    }

    /**
     * Finds the element with {@code id}; returns {@code (dataOffset << 16) | length} or -1.
     * Used off the per-packet path (learning an SSRC from sdes:mid).
     */
    public static long find(byte[] b, int off, int headerLength, int id) {
        if (!Rtp.hasExtension(b, off) || id <= 0) {
            return -1;
        }
        int p = Rtp.extensionOffset(b, off);
        int profile = Rtp.u16(b, p);
        int end = off + headerLength;
        int i = p + 4;
        boolean oneByte = profile == 0xBEDE;
        if (!oneByte && (profile & 0xFFF0) != 0x1000) {
            return -1;
        }
        while (i < end) {
            int h = b[i] & 0xFF;
            if (h == 0) {
                i++;
                continue;
            }
            int eid;
            int l;
            int data;
            if (oneByte) {
                eid = h >>> 4;
                if (eid == 15) {
                    return -1;
                }
                l = (h & 0x0F) + 1;
                data = i + 1;
            } else {
                if (i + 2 > end) {
                    return -1;
                }
                eid = h;
                l = b[i + 1] & 0xFF;
                data = i + 2;
            }
            if (data + l > end) {
                return -1;
            }
            if (eid == id) {
                return ((long) data << 16) | l;
            }
            i = data + l;
        }
        return -1;
    }
}
