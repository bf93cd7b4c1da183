package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The media port's native socket: {@code sendmmsg} batches deliver every datagram intact and in
 * order, {@code recvmmsg} reads bursts and reports truncation, and a closed socket neither sends
 * nor lets its descriptor be used again. Real sockets on loopback throughout.
 */
class NativeUdpSocketTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @BeforeAll
    static void linkerAvailable() {
        assertNull(NativePortIo.UNAVAILABLE, "the test runner passes the foreign-linker flags");
    }

    private static NativeUdpSocket bind(DropCounters drops) throws IOException {
        return NativeUdpSocket.bind(new InetSocketAddress(LOOPBACK, 0), 1 << 20, drops);
    }

    private static DatagramSocket receiver() throws IOException {
        DatagramSocket r = new DatagramSocket(0, LOOPBACK);
        r.setSoTimeout(5_000);
        r.setReceiveBufferSize(4 << 20);
        return r;
    }

    private static byte[] datagram(int seq, int len) {
        byte[] d = new byte[len];
        for (int i = 0; i < len; i++) {
            d[i] = (byte) (seq * 31 + i);
        }
        d[0] = (byte) (seq >>> 8);
        d[1] = (byte) seq;
        return d;
    }

    private static byte[] receive(DatagramSocket r) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        r.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    @Test
    void aBatchDeliversEveryDatagramIntactAndInOrderToEachReceiver() throws Exception {
        DropCounters drops = new DropCounters();
        NativeUdpSocket s = bind(drops);
        List<DatagramSocket> receivers = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                receivers.add(receiver());
            }
            SendBatch batch = new SendBatch();
            // 150 datagrams: more than two batches' worth, so full batches go out on their own.
            int total = 150;
            for (int seq = 0; seq < total; seq++) {
                DatagramSocket to = receivers.get(seq % receivers.size());
                byte[] d = datagram(seq, 100 + seq * 7);
                batch.add(s, d, 0, d.length, (InetSocketAddress) to.getLocalSocketAddress());
            }
            assertEquals(total % SendBatch.SLOTS, batch.pending(), "full batches were sent as they filled");
            batch.flush();
            assertEquals(0, batch.pending());
            for (int seq = 0; seq < total; seq++) {
                DatagramSocket from = receivers.get(seq % receivers.size());
                assertArrayEquals(datagram(seq, 100 + seq * 7), receive(from), "datagram " + seq);
            }
            assertEquals(0, drops.total(), "nothing dropped");
        } finally {
            receivers.forEach(DatagramSocket::close);
            s.release();
        }
    }

    @Test
    void theSenderIsThePortsOwnAddress() throws Exception {
        NativeUdpSocket s = bind(new DropCounters());
        try (DatagramSocket r = receiver()) {
            SendBatch batch = new SendBatch();
            byte[] d = datagram(1, 40);
            batch.add(s, d, 0, d.length, (InetSocketAddress) r.getLocalSocketAddress());
            batch.flush();
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            r.receive(p);
            assertEquals(s.localAddress(), p.getSocketAddress(), "sent from the bound port");
            assertTrue(s.localAddress().getPort() > 0, "the bound port is known");
        } finally {
            s.release();
        }
    }

    @Test
    void aDatagramLargerThanASlotGoesOutAtOnceAfterWhatIsQueued() throws Exception {
        NativeUdpSocket s = bind(new DropCounters());
        try (DatagramSocket r = receiver()) {
            InetSocketAddress to = (InetSocketAddress) r.getLocalSocketAddress();
            SendBatch batch = new SendBatch();
            byte[] a = datagram(1, 200);
            byte[] b = datagram(2, 300);
            byte[] big = datagram(3, SendBatch.SLOT_BYTES + 1000);
            batch.add(s, a, 0, a.length, to);
            batch.add(s, b, 0, b.length, to);
            batch.add(s, big, 0, big.length, to);
            assertEquals(0, batch.pending(), "the large datagram flushed the batch and went out itself");
            assertArrayEquals(a, receive(r));
            assertArrayEquals(b, receive(r));
            assertArrayEquals(big, receive(r));
        } finally {
            s.release();
        }
    }

    @Test
    void aBatchForAnotherSocketSendsWhatIsQueuedFirst() throws Exception {
        NativeUdpSocket s1 = bind(new DropCounters());
        NativeUdpSocket s2 = bind(new DropCounters());
        try (DatagramSocket r = receiver()) {
            InetSocketAddress to = (InetSocketAddress) r.getLocalSocketAddress();
            SendBatch batch = new SendBatch();
            byte[] a = datagram(1, 50);
            byte[] b = datagram(2, 60);
            batch.add(s1, a, 0, a.length, to);
            batch.add(s2, b, 0, b.length, to);
            assertEquals(1, batch.pending(), "s1's datagram went out when s2's came");
            batch.flush();
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            r.receive(p);
            assertEquals(s1.localAddress(), p.getSocketAddress());
            r.receive(p);
            assertEquals(s2.localAddress(), p.getSocketAddress());
        } finally {
            s1.release();
            s2.release();
        }
    }

    @Test
    void sendsAfterCloseAreCountedAsFailedAndGoNowhere() throws Exception {
        DropCounters drops = new DropCounters();
        NativeUdpSocket s = bind(drops);
        try (DatagramSocket r = receiver()) {
            InetSocketAddress to = (InetSocketAddress) r.getLocalSocketAddress();
            SendBatch batch = new SendBatch();
            byte[] d = datagram(1, 80);
            for (int i = 0; i < 3; i++) {
                batch.add(s, d, 0, d.length, to);
            }
            s.release();
            batch.flush();
            assertEquals(3, drops.get(DropReason.SEND_FAILED), "the three queued datagrams are counted");
            assertThrows(IOException.class, () -> s.sendNow(d, 0, d.length, to));
            r.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> receive(r), "nothing arrived");
        }
    }

    @Test
    void anIpv6DestinationFromAnIpv4SocketIsRefusedWithAnError() throws Exception {
        NativeUdpSocket s = bind(new DropCounters());
        try {
            SendBatch batch = new SendBatch();
            byte[] d = datagram(1, 20);
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9);
            IOException e = assertThrows(IOException.class, () -> batch.add(s, d, 0, d.length, v6));
            assertTrue(e.getMessage().contains("cannot send to"), e.getMessage());
            assertEquals(0, batch.pending(), "nothing queued");
            assertThrows(IOException.class, () -> s.sendNow(d, 0, d.length, v6));
        } finally {
            s.release();
        }
    }

    @Test
    void anIpv6SocketSendsToIpv6AndReadsTheSendersAddress() throws Exception {
        InetAddress v6;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            v6 = probe.getLocalAddress();
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
            return;
        }
        assumeTrue(v6 instanceof Inet6Address);
        NativeUdpSocket s = NativeUdpSocket.bind(new InetSocketAddress(v6, 0), 1 << 20, new DropCounters());
        try (DatagramSocket peer = new DatagramSocket(0, v6)) {
            peer.setSoTimeout(5_000);
            SendBatch batch = new SendBatch();
            byte[] d = datagram(9, 64);
            batch.add(s, d, 0, d.length, (InetSocketAddress) peer.getLocalSocketAddress());
            batch.flush();
            assertArrayEquals(d, receive(peer));

            byte[] back = datagram(10, 70);
            peer.send(new DatagramPacket(back, back.length, s.localAddress()));
            NativeReceiver rx = new NativeReceiver(4, 2048);
            int n = receiveAtLeast(s, rx, 1);
            assertEquals(1, n);
            assertEquals(peer.getLocalSocketAddress(), rx.source(0));
            byte[] got = new byte[2048];
            assertEquals(back.length, rx.copy(0, got));
            assertArrayEquals(back, Arrays.copyOf(got, back.length));
        } finally {
            s.release();
        }
    }

    /** Receives until at least {@code want} datagrams came in one call, or fails after 5 s. */
    private static int receiveAtLeast(NativeUdpSocket s, NativeReceiver rx, int want) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            int n = s.receive(rx);
            if (n >= want) {
                return n;
            }
            assertTrue(n >= 0, "socket still open");
        }
        throw new AssertionError("no " + want + " datagrams within 5 s");
    }

    @Test
    void theReaderTakesABurstReportsTruncationAndReusesTheSendersAddress() throws Exception {
        NativeUdpSocket s = bind(new DropCounters());
        try (DatagramSocket peer = new DatagramSocket(0, LOOPBACK)) {
            byte[][] sent = {datagram(1, 50), datagram(2, 150), datagram(3, 60)};
            for (byte[] d : sent) {
                peer.send(new DatagramPacket(d, d.length, s.localAddress()));
            }
            // Slots of 100 bytes: the second datagram does not fit.
            NativeReceiver rx = new NativeReceiver(8, 100);
            List<byte[]> got = new ArrayList<>();
            List<Boolean> truncated = new ArrayList<>();
            List<InetSocketAddress> sources = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.size() < 3 && System.nanoTime() < deadline) {
                int n = s.receive(rx);
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[100];
                    int len = rx.copy(i, b);
                    got.add(Arrays.copyOf(b, len));
                    truncated.add(rx.truncated(i));
                    sources.add(rx.source(i));
                }
            }
            assertEquals(3, got.size(), "three datagrams read");
            assertArrayEquals(sent[0], got.get(0));
            assertEquals(List.of(false, true, false), truncated, "only the 150-byte one is reported truncated");
            assertArrayEquals(sent[2], got.get(2));
            assertEquals(peer.getLocalSocketAddress(), sources.get(0));
            assertSame(sources.get(0), sources.get(1), "one address object per sender, not one per datagram");
            assertSame(sources.get(0), sources.get(2));
        } finally {
            s.release();
        }
    }

    @Test
    void aBlockedReceiveEndsWhenTheSocketCloses() throws Exception {
        NativeUdpSocket s = bind(new DropCounters());
        AtomicInteger last = new AtomicInteger(Integer.MIN_VALUE);
        Thread reader = new Thread(() -> {
            NativeReceiver rx = new NativeReceiver(4, 2048);
            int n;
            do {
                n = s.receive(rx);
            } while (n >= 0);
            last.set(n);
        });
        reader.start();
        // Waits until the reader is inside receive (a thread blocked in a native call stays RUNNABLE).
        assertTrue(TransportTestSupport.waitFor(() -> isIn(reader, "receive"), 5), "the reader entered receive");
        assertTrue(reader.isAlive(), "blocked in receive");
        s.close();
        reader.join(2_000);
        assertFalse(reader.isAlive(), "close woke the reader");
        assertEquals(-1, last.get());
        s.release();
    }

    @Test
    void bindingAPortInUseFailsWithABindExceptionThatSaysSo() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, LOOPBACK)) {
            InetSocketAddress at = (InetSocketAddress) taken.getLocalSocketAddress();
            BindException e = assertThrows(BindException.class,
                    () -> NativeUdpSocket.bind(at, 1 << 20, new DropCounters()));
            assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(at.getPort())), e.getMessage());
        }
    }

    /** True if {@code t} is running a method of {@link NativeUdpSocket} called {@code method}. */
    private static boolean isIn(Thread t, String method) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(NativeUdpSocket.class.getName()) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
