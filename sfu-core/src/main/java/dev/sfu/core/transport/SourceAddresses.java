package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Source addresses by value, so the reader hands the same {@link InetSocketAddress} object
 * for every datagram of a peer instead of allocating one each time.
 */
final class SourceAddresses {
    private static final int SIZE = 1024;
    private final long[] k0 = new long[SIZE];
    private final long[] k1 = new long[SIZE];
    private final long[] k2 = new long[SIZE];
    private final int[] k3 = new int[SIZE];
    private final InetSocketAddress[] values = new InetSocketAddress[SIZE];

    InetSocketAddress lookup(ByteBuffer v, int at) {
        // sockaddr_in: family, port, address in the first 8 bytes. sockaddr_in6: family,
        // port, flow info; the address in the next 16; the scope id after it.
        long a = v.getLong(at);
        long b = 0;
        long c = 0;
        int d = 0;
        if ((a & 0xffff) == Sockaddr.AF_INET6) {
            b = v.getLong(at + 8);
            c = v.getLong(at + 16);
            d = v.getInt(at + 24);
        }
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L ^ d;
        int i = (int) (h ^ (h >>> 29)) & (SIZE - 1);
        InetSocketAddress hit = values[i];
        if (hit != null && k0[i] == a && k1[i] == b && k2[i] == c && k3[i] == d) {
            return hit;
        }
        InetSocketAddress fresh = Sockaddr.decode(v, at);
        if (fresh != null) {
            k0[i] = a;
            k1[i] = b;
            k2[i] = c;
            k3[i] = d;
            values[i] = fresh;
        }
        return fresh;
    }
}
