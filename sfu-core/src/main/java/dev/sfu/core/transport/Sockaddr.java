package dev.sfu.core.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Linux socket addresses in native memory (struct sockaddr_in and sockaddr_in6), as
 * {@link NativeUdpSocket}, {@link SendBatch} and {@link NativeReceiver} pass them to the C library.
 */
final class Sockaddr {
    // Linux constants, the same on x86-64 and arm64.
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** Room for a sockaddr_in6 (28 bytes), rounded up. */
    static final int SOCKADDR = 32;

    private Sockaddr() {
    }

    /**
     * Writes a sockaddr for a socket of {@code family} at {@code at}: sockaddr_in (16 bytes) or
     * sockaddr_in6 (28 bytes, IPv4 as ::ffff:a.b.c.d). Returns its length, or -1 when the
     * address cannot be reached from that family.
     */
    static int encode(ByteBuffer v, int at, int family, InetAddress address, int port) {
        byte[] a = address.getAddress();
        for (int i = 0; i < SOCKADDR; i++) {
            v.put(at + i, (byte) 0);
        }
        v.putShort(at, (short) family);
        v.put(at + 2, (byte) (port >>> 8));
        v.put(at + 3, (byte) port);
        if (family == AF_INET) {
            if (a.length != 4) {
                return -1;
            }
            v.put(at + 4, a, 0, 4);
            return 16;
        }
        if (a.length == 4) {
            v.put(at + 18, (byte) 0xff);
            v.put(at + 19, (byte) 0xff);
            v.put(at + 20, a, 0, 4);
        } else {
            v.put(at + 8, a, 0, 16);
            v.putInt(at + 24, ((Inet6Address) address).getScopeId());
        }
        return 28;
    }

    /** The address in a sockaddr, or null when it is of neither family. */
    static InetSocketAddress decode(ByteBuffer v, int at) {
        int fam = v.getShort(at) & 0xffff;
        int port = (v.get(at + 2) & 0xff) << 8 | (v.get(at + 3) & 0xff);
        try {
            if (fam == AF_INET) {
                byte[] a = new byte[4];
                v.get(at + 4, a);
                return new InetSocketAddress(InetAddress.getByAddress(a), port);
            }
            if (fam == AF_INET6) {
                byte[] a = new byte[16];
                v.get(at + 8, a);
                int scope = v.getInt(at + 24);
                InetAddress ia = InetAddress.getByAddress(a);
                if (ia instanceof Inet6Address && scope != 0) {
                    ia = Inet6Address.getByAddress(null, a, scope);
                }
                return new InetSocketAddress(ia, port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
