package dev.sfu.signaling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfu.core.room.Participant;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scrapes, REST calls, extra collections and a dashboard stream run while participants join,
 * publish, send and leave in a loop, and while a steady publisher streams media. Nothing may
 * throw, every request must answer in bounded time, and the media pump must never block.
 */
class ConcurrentScrapeTest {
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Test
    @Timeout(60)
    void scrapesAndPushesDuringJoinsAndLeavesNeverThrowNorBlock() throws Exception {
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger scrapes = new AtomicInteger();
        AtomicInteger cycles = new AtomicInteger();
        AtomicInteger events = new AtomicInteger();
        try (AdminServer s = new AdminServer(AdminConfig.open())) {
            Participant pub = s.rooms.join("steady", "pub");
            SyntheticRooms.publishVideo(pub, 0xABCD);
            s.rooms.join("steady", "sub");
            long end = System.nanoTime() + RUN_NANOS;
            List<Thread> threads = new ArrayList<>();
            try (SyntheticRooms.Pump pump = new SyntheticRooms.Pump(pub, 0xABCD, 800_000, 1000)) {
                threads.add(thread("churn", errors, () -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        String room = "churn-" + (i % 3);
                        Participant a = s.rooms.join(room, "a" + i);
                        SyntheticRooms.publishVideo(a, 0x5000 + i);
                        Participant b = s.rooms.join(room, "b" + i);
                        for (int k = 0; k < 20; k++) {
                            byte[] p = SyntheticRooms.packet(k, k * 3000L, 0x5000 + i, 300);
                            a.endpoint().onRtp(p, 0, p.length);
                        }
                        s.rooms.leave(a);
                        s.rooms.leave(b);
                        i++;
                        cycles.incrementAndGet();
                    }
                }));
                threads.add(thread("collect", errors, () -> {
                    while (System.nanoTime() < end) {
                        s.collect();
                        Thread.sleep(5); // 200 collections/s on top of the server's own, once per second.
                    }
                }));
                for (int t = 0; t < 2; t++) {
                    threads.add(thread("scrape-" + t, errors, () -> {
                        while (System.nanoTime() < end) {
                            long start = System.nanoTime();
                            HttpResponse<String> m = s.get("/metrics");
                            assertEquals(200, m.statusCode());
                            PrometheusParser.parse(m.body());
                            HttpResponse<String> r = s.get("/api/rooms");
                            assertEquals(200, r.statusCode());
                            assertTrue(r.body().startsWith("{\"timestamp\":"), r.body());
                            assertEquals(200, s.get("/api/rooms/steady").statusCode());
                            // Generous for a loaded two-core machine; a blocked handler would hang for the full 10 s timeout.
                            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "three requests took over 5 s");
                            scrapes.incrementAndGet();
                        }
                    }));
                }
                threads.add(thread("stream", errors, () -> {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(s.base() + "/api/stream?room=steady"))
                            .timeout(Duration.ofSeconds(10)).build();
                    HttpResponse<InputStream> r = s.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                        while (System.nanoTime() < end) {
                            String line = in.readLine();
                            if (line == null) {
                                throw new AssertionError("the stream ended early");
                            }
                            if (line.equals("event: snapshot")) {
                                events.incrementAndGet();
                            }
                        }
                    }
                }));
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(20));
                    assertTrue(!t.isAlive(), t.getName() + " did not finish: blocked");
                }
                // Blocked, not slow: a pump waiting on a lock a scrape holds would stop for the whole
                // scrape. How long it pauses on a busy machine is a figure, printed, not asserted.
                System.out.println("media pump: longest gap " + pump.maxGapNanos / 1_000_000 + " ms, "
                        + pump.packets.get() + " packets, during " + scrapes.get() + " scrapes");
                assertTrue(pump.maxGapNanos < TimeUnit.SECONDS.toNanos(5),
                        "the media pump was blocked for " + pump.maxGapNanos / 1_000_000 + " ms");
            }
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError(errors.size() + " errors, first: " + errors.peek());
                errors.forEach(e::addSuppressed);
                throw e;
            }
            assertTrue(cycles.get() > 10, "join/leave cycles: " + cycles.get());
            assertTrue(scrapes.get() > 5, "scrapes: " + scrapes.get());
            assertTrue(events.get() >= 3, "stream events: " + events.get());
            s.collect();
            assertEquals(1, s.operators.latest().roomCount(), "churn rooms are gone, the steady one remains");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, Queue<Throwable> errors, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                errors.add(e);
            }
        }, name);
        t.start();
        return t;
    }
}
