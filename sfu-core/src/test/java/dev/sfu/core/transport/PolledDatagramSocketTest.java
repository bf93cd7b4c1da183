package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A client transport's socket survives a send from an interrupted thread: ice4j sends STUN from
 * threads it interrupts when it cancels their tasks, and an interrupted user closes a channel
 * for good (ClosedByInterruptException), which would end that transport.
 */
class PolledDatagramSocketTest {

    @Test
    void aSendFromAnInterruptedThreadLeavesTheChannelOpenAndTheInterruptPending() throws Exception {
        try (DatagramChannel channel = DatagramChannel.open();
             DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PolledDatagramSocket socket = new PolledDatagramSocket(channel);
            peer.setSoTimeout(5000);
            byte[] data = {0, 1, 2, 3, 4};
            DatagramPacket out = new DatagramPacket(data, data.length, peer.getLocalSocketAddress());
            Thread.currentThread().interrupt();
            try {
                socket.send(out);
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
            } finally {
                Thread.interrupted();
            }
            assertTrue(channel.isOpen(), "the channel is still open");
            DatagramPacket in = new DatagramPacket(new byte[16], 16);
            peer.receive(in);
            assertArrayEquals(data, Arrays.copyOf(in.getData(), in.getLength()));
            socket.send(out);
            peer.receive(in);
            assertArrayEquals(data, Arrays.copyOf(in.getData(), in.getLength()), "and it still sends");
        }
    }
}
