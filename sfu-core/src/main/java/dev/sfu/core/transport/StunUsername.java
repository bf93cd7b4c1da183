package dev.sfu.core.transport;

import dev.sfu.rtp.util.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * Reads the local ufrag out of a STUN Binding Request, which is how the server's shared media
 * port ({@link PortDemux}) tells which ICE agent a datagram from a new address is for. It parses
 * bytes that anyone on the network can send, so it checks every length before it reads and
 * returns null on anything that is not a well-formed request; it never throws.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|  STUN Message Type (0x0001) |       Message Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Magic Cookie (0x2112A442)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Transaction ID (96 bits)                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Attribute Type               |  Attribute Length             |   ... (4-byte aligned)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * (RFC 8489 sections 5 and 14.)
 */
final class StunUsername {
    private static final int STUN_HEADER = 20;
    private static final int STUN_MAGIC_COOKIE = 0x2112A442;
    private static final int STUN_BINDING_REQUEST = 0x0001;
    private static final int STUN_USERNAME = 0x0006;

    private StunUsername() {
    }

    /**
     * The local ufrag of a STUN Binding Request: the part of its USERNAME attribute before the
     * colon (RFC 8445 section 7.2.2), or null when the datagram is not a well-formed Binding
     * Request with one (RFC 8489 sections 5 and 14: header, magic cookie, 4-byte aligned
     * attributes within the declared length).
     */
    static String localUfrag(byte[] d, int len) {
        if (len < STUN_HEADER || len > d.length || Bytes.u16(d, 0) != STUN_BINDING_REQUEST
                || Bytes.s32(d, 4) != STUN_MAGIC_COOKIE) {
            return null;
        }
        int bodyLength = Bytes.u16(d, 2);
        if ((bodyLength & 3) != 0 || STUN_HEADER + bodyLength > len) {
            return null;
        }
        int end = STUN_HEADER + bodyLength;
        int at = STUN_HEADER;
        while (at + 4 <= end) {
            int type = Bytes.u16(d, at);
            int attrLength = Bytes.u16(d, at + 2);
            int value = at + 4;
            if (value + attrLength > end) {
                return null;
            }
            if (type == STUN_USERNAME) {
                for (int i = 0; i < attrLength; i++) {
                    if (d[value + i] == ':') {
                        return i == 0 ? null : new String(d, value, i, StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
            at = value + ((attrLength + 3) & ~3);
        }
        return null;
    }
}
