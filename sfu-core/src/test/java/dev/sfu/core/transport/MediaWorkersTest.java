package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.ice4j.util.Buffer;
import org.junit.jupiter.api.Test;

/**
 * The media threads: serial lanes never run on two threads at once (also while they move between
 * workers), lose no packet, get woken without waiting for the park timeout, and a room's group
 * stays on one worker while another group goes to the idle one.
 */
class MediaWorkersTest {
    private static final byte[] RTCP = {(byte) 0x80, (byte) 200, 0, 0};

    @Test
    void lanesRunSeriallyAndLoseNothingWhileMovingBetweenWorkers() throws Exception {
        MediaWorkers workers = new MediaWorkers("test-media", 2);
        int lanes = 8;
        int producers = 4;
        int perProducer = 20_000;
        AtomicBoolean overlap = new AtomicBoolean();
        AtomicLong handled = new AtomicLong();
        SerialLane[] lane = new SerialLane[lanes];
        for (int i = 0; i < lanes; i++) {
            AtomicBoolean inside = new AtomicBoolean();
            // Capacity covers everything a lane can receive, so nothing is dropped for space.
            lane[i] = new SerialLane("lane" + i, producers * perProducer, workers, new DropCounters(),
                    (buf, off, len, from) -> {
                        if (!inside.compareAndSet(false, true)) {
                            overlap.set(true);
                        }
                        handled.incrementAndGet();
                        inside.set(false);
                    });
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread mover = new Thread(() -> {
            int k = 0;
            while (!stop.get()) {
                lane[k % lanes].joinGroup((k / lanes) % 2 == 0 ? "room-a" : null);
                k++;
            }
        });
        mover.start();
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = new Thread(() -> {
                for (int n = 0; n < perProducer; n++) {
                    Buffer b = PacketPool.acquire(RTCP.length);
                    System.arraycopy(RTCP, 0, b.getBuffer(), 0, RTCP.length);
                    b.setOffset(0);
                    b.setLength(RTCP.length);
                    lane[n % lanes].offer(b);
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (handled.get() < (long) producers * perProducer && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        stop.set(true);
        mover.join();
        workers.shutdown(1000);
        assertEquals((long) producers * perProducer, handled.get(), "every queued datagram handled once");
        assertTrue(!overlap.get(), "a lane ran on two threads at once");
    }

    @Test
    void anIdleWorkerIsWokenByTheProducerNotByItsParkTimeout() throws Exception {
        // The park timeout is an hour: a lost wake-up would leave a task waiting far past 5 s.
        // (How fast the wake-up is, is a figure: MediaWorkersWakeBenchmark.)
        MediaWorkers workers = new MediaWorkers("test-wake", 1, TimeUnit.HOURS.toNanos(1));
        AtomicInteger done = new AtomicInteger();
        SerialLane lane = new SerialLane("wake", 16, workers, new DropCounters(), (b, o, l, f) -> done.incrementAndGet());
        Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-wake-1")).findFirst().orElseThrow();
        for (int i = 1; i <= 50; i++) {
            assertTrue(TransportTestSupport.waitFor(() -> worker.getState() == Thread.State.TIMED_WAITING, 5),
                    "the worker parks when idle");
            CountDownLatch ran = new CountDownLatch(1);
            lane.post(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS), "a task posted to a parked worker never ran (round " + i + ")");
        }
        workers.shutdown(1000);
    }

    @Test
    void aGroupStaysOnOneWorkerAndANewGroupTakesTheLeastLoaded() {
        MediaWorkers workers = new MediaWorkers("test-groups", 2);
        MediaWorkers.Worker a1 = workers.join("room-a");
        MediaWorkers.Worker a2 = workers.join("room-a");
        MediaWorkers.Worker b1 = workers.join("room-b");
        assertSame(a1, a2, "one room, one worker");
        assertNotSame(a1, b1, "the second room goes to the idle worker");
        workers.leave("room-a", a1);
        workers.leave("room-a", a2);
        workers.leave("room-b", b1);
        MediaWorkers.Worker c = workers.join("room-c");
        MediaWorkers.Worker a3 = workers.join("room-a");
        assertNotSame(c, a3, "an emptied group is placed again, on the less loaded worker");
        workers.shutdown(1000);
    }

    @Test
    void datagramsAMediaTaskSendsOnTheNativePortGoOutWhenTheTaskEnds() throws Exception {
        MediaWorkers workers = new MediaWorkers("test-media", 1);
        DropCounters drops = new DropCounters();
        NativeUdpSocket port = NativeUdpSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                1 << 20, drops);
        try (DatagramSocket r = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            r.setSoTimeout(5_000);
            InetSocketAddress to = (InetSocketAddress) r.getLocalSocketAddress();
            AtomicInteger queuedAtEnd = new AtomicInteger(-1);
            CountDownLatch ran = new CountDownLatch(1);
            SerialLane lane = new SerialLane("sender", 16, workers, drops, (buf, off, len, from) -> { });
            lane.post(() -> {
                try {
                    SendContext ctx = SendContext.current();
                    assertNotSame(SendContext.IMMEDIATE, ctx, "a media thread batches");
                    for (int i = 0; i < 10; i++) {
                        byte[] d = {(byte) i, 1, 2, 3};
                        ctx.send(port, d, 0, d.length, to);
                    }
                    queuedAtEnd.set(ctx.pending());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    ran.countDown();
                }
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            for (int i = 0; i < 10; i++) {
                r.receive(p);
                assertEquals(i, p.getData()[0], "datagram " + i + " in order");
            }
            assertEquals(10, queuedAtEnd.get(), "all ten waited in the batch until the task ended");
            assertEquals(0, drops.total());
            lane.release();
        } finally {
            workers.shutdown(1_000);
            port.release();
        }
    }
}
