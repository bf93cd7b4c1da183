package dev.sfu.core.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * The datagram pipe bctls runs DTLS over: records received from the ICE-validated address are
 * queued here by the transport's serial task (bounded; bctls reassembles handshake fragments
 * itself within {@link DtlsSrtpPeer#MAX_HANDSHAKE_MESSAGE}), and records bctls sends go out on
 * the selected ICE pair.
 *
 * <p>During the handshake a dedicated thread blocks in {@link #receive}. Afterwards the
 * transport switches to non-blocking mode and pumps the few post-handshake records (alerts,
 * retransmitted Finished flights) from its serial task: an empty queue then ends the pump
 * with an {@link InterruptedIOException}, which bctls passes through without failing.
 */
final class IceDatagramTransport implements DatagramTransport {
    /** The largest DTLS datagram accepted; anything longer is dropped as malformed. */
    static final int MAX_RECORD_DATAGRAM = 1500;
    /** The DTLS datagram size sent: fits a 1280-byte IPv6 minimum MTU path. */
    private static final int SEND_LIMIT = 1200;
    private static final int QUEUE_CAPACITY = 32;

    /** Where outgoing records go. */
    interface Sender {
        boolean sendDtls(byte[] buf, int off, int len);
    }

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Sender sender;
    private volatile boolean nonBlocking;
    private volatile boolean closed;

    IceDatagramTransport(Sender sender) {
        this.sender = sender;
    }

    /** Queues a copy of one received DTLS datagram; false when the queue is full or closed. */
    boolean offer(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        return queue.offer(copy);
    }

    void setNonBlocking() {
        nonBlocking = true;
    }

    @Override
    public int getReceiveLimit() {
        return MAX_RECORD_DATAGRAM;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        byte[] datagram;
        if (nonBlocking) {
            datagram = queue.poll();
            if (datagram == null) {
                throw new InterruptedIOException("no pending DTLS record");
            }
        } else {
            try {
                datagram = queue.poll(waitMillis <= 0 ? 1000 : waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (closed) {
                throw new IOException("transport closed");
            }
            if (datagram == null) {
                return -1;
            }
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("transport closed");
        }
        // A datagram that cannot go out is lost, as UDP may lose it; bctls retransmits the flight.
        sender.sendDtls(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
    }
}
