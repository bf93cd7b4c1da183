package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encoded destinations by identity: a route sends to the same {@link InetSocketAddress}
 * object for its whole life, so after the first packet an address costs a lookup and a
 * 32-byte copy, not an encoding (which allocates).
 */
final class DestinationNames {
    private static final int SIZE = 256;
    private final InetSocketAddress[] keys = new InetSocketAddress[SIZE];
    private final int[] families = new int[SIZE];
    private final int[] lengths = new int[SIZE];
    private final byte[] encoded = new byte[SIZE * Sockaddr.SOCKADDR];
    private final ByteBuffer encodedView = ByteBuffer.wrap(encoded).order(ByteOrder.nativeOrder());

    /** Writes the sockaddr of {@code to} at {@code at} in {@code v}; its length, or -1. */
    int encode(ByteBuffer v, int at, int family, InetSocketAddress to) {
        int i = System.identityHashCode(to) & (SIZE - 1);
        if (keys[i] != to || families[i] != family) {
            if (to.isUnresolved()) {
                return -1;
            }
            int len = Sockaddr.encode(encodedView, i * Sockaddr.SOCKADDR, family, to.getAddress(), to.getPort());
            if (len < 0) {
                return -1;
            }
            keys[i] = to;
            families[i] = family;
            lengths[i] = len;
        }
        v.put(at, encoded, i * Sockaddr.SOCKADDR, Sockaddr.SOCKADDR);
        return lengths[i];
    }
}
