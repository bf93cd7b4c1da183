package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what a transport reports, for tests: media and connection as its listener, its end as
 * one of its close handlers ({@link #listenTo}, {@link #hearCloseOf}).
 */
final class RecordingListener implements TransportListener {
    final CountDownLatch connected = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    final CountDownLatch routeChanged = new CountDownLatch(1);
    final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
    volatile SrtpProfile profile;
    volatile CloseReason closeReason;
    volatile String closeDetail;
    volatile long closedAtNanos;

    /** Binds this recorder as {@code t}'s listener and adds it as a close handler. */
    <T extends MediaTransport> T listenTo(T t) {
        t.bind(this);
        return hearCloseOf(t);
    }

    /** Adds this recorder as a close handler of {@code t} (bound already). */
    <T extends MediaTransport> T hearCloseOf(T t) {
        t.addCloseHandler(this::onClosed);
        return t;
    }

    @Override
    public void onConnected(SrtpProfile p) {
        profile = p;
        connected.countDown();
    }

    /** When set, the next onRtp counts this latch down and then blocks the serial task this long. */
    volatile long stallNextRtpMillis;
    final CountDownLatch stalling = new CountDownLatch(1);

    @Override
    public void onRtp(byte[] buf, int off, int len) {
        rtp.add(Arrays.copyOfRange(buf, off, off + len));
        long stall = stallNextRtpMillis;
        if (stall > 0) {
            stallNextRtpMillis = 0;
            stalling.countDown();
            try {
                Thread.sleep(stall);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void onRouteChanged() {
        routeChanged.countDown();
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        rtcp.add(Arrays.copyOfRange(buf, off, off + len));
    }

    void onClosed(CloseReason reason, String detail) {
        closeReason = reason;
        closeDetail = detail;
        closedAtNanos = System.nanoTime();
        closed.countDown();
    }

    boolean awaitConnected(long ms) throws InterruptedException {
        return connected.await(ms, TimeUnit.MILLISECONDS);
    }

    boolean awaitClosed(long ms) throws InterruptedException {
        return closed.await(ms, TimeUnit.MILLISECONDS);
    }
}
