package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link DatagramSocket} that ice4j sees for a socket this package reads itself: a client
 * transport's host socket read by a {@link ClientSocketPoller}, or one remote address of the
 * server's {@link SharedUdpPort}. Sends go straight to the channel; {@code receive} returns the
 * STUN datagrams the reader handed over (the only ones ice4j reads: its multiplexing socket's
 * STUN filter is the only reader). The STUN queue is bounded; when full, new STUN is dropped,
 * as a full socket buffer would. A shared channel (the server port's) is not closed with this
 * socket and its options are not changed through it.
 */
final class PolledDatagramSocket extends DatagramSocket {
    private static final int STUN_QUEUE = 256;

    private record Datagram(byte[] data, InetSocketAddress from) {
    }

    /** Where a shared socket sends (the server port's sockets); null for an owned channel. */
    interface Sender {
        void send(DatagramPacket p) throws IOException;
    }

    /** The client's own channel, or null for a socket on the server's shared port. */
    private final DatagramChannel channel;
    private final Sender sender;
    private final InetSocketAddress local;
    private final ArrayBlockingQueue<Datagram> stun = new ArrayBlockingQueue<>(STUN_QUEUE);
    /** Guarded by this: a reusable wrapper of the last array sent from, and the last target. */
    private ByteBuffer sendWrap;
    private InetSocketAddress lastTarget;
    private volatile int soTimeoutMillis;
    private volatile boolean closed;

    PolledDatagramSocket(DatagramChannel channel) throws IOException {
        this(channel, null, (InetSocketAddress) channel.getLocalAddress());
    }

    private PolledDatagramSocket(DatagramChannel channel, Sender sender, InetSocketAddress local) throws IOException {
        // An unbound placeholder, as ice4j's own delegating sockets create: every operation that
        // matters is overridden to use the channel.
        super((SocketAddress) null);
        this.channel = channel;
        this.sender = sender;
        this.local = local;
    }

    /** One remote address's socket on a port others share: sends go to {@code sender}; close leaves the port open. */
    static PolledDatagramSocket shared(InetSocketAddress local, Sender sender) throws IOException {
        return new PolledDatagramSocket(null, sender, local);
    }

    /** From the poller thread: one received STUN datagram. */
    void deliverStun(byte[] data, InetSocketAddress from) {
        stun.offer(new Datagram(data, from));
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        Datagram d;
        try {
            int timeout = soTimeoutMillis;
            while (true) {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                d = stun.poll(timeout > 0 ? timeout : 250, TimeUnit.MILLISECONDS);
                if (d != null) {
                    break;
                }
                if (timeout > 0) {
                    throw new SocketTimeoutException("Receive timed out");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        }
        byte[] buf = p.getData();
        int n = Math.min(d.data.length, buf.length - p.getOffset());
        System.arraycopy(d.data, 0, buf, p.getOffset(), n);
        p.setLength(n);
        p.setSocketAddress(d.from);
    }

    @Override
    public synchronized void send(DatagramPacket p) throws IOException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
        if (sender != null) {
            sender.send(p);
            return;
        }
        byte[] data = p.getData();
        if (sendWrap == null || sendWrap.array() != data) {
            sendWrap = ByteBuffer.wrap(data);
        }
        sendWrap.limit(p.getOffset() + p.getLength()).position(p.getOffset());
        InetAddress address = p.getAddress();
        int port = p.getPort();
        if (lastTarget == null || lastTarget.getPort() != port || !lastTarget.getAddress().equals(address)) {
            lastTarget = new InetSocketAddress(address, port);
        }
        // A channel closes for good when its user is interrupted (ClosedByInterruptException),
        // and ice4j sends STUN from threads it interrupts when it cancels their tasks: a send from
        // a thread whose interrupt is pending must not close this transport's socket. The
        // interrupt is kept for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            channel.send(sendWrap, lastTarget);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public InetAddress getLocalAddress() {
        return local.getAddress();
    }

    @Override
    public int getLocalPort() {
        return local.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return local;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void setSoTimeout(int timeout) {
        soTimeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return soTimeoutMillis;
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (channel == null) {
            return;
        }
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, size);
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        if (channel == null) {
            return 0;
        }
        try {
            return channel.getOption(StandardSocketOptions.SO_RCVBUF);
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        super.close();
    }
}
