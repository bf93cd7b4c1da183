package dev.sfu.core.room;

import dev.sfu.core.forward.AllocationConfig;
import dev.sfu.core.forward.BandwidthAllocator;
import dev.sfu.core.forward.DownTrack;
import dev.sfu.core.forward.LayerAllocator;
import dev.sfu.core.forward.MediaEndpoint;
import dev.sfu.core.forward.UpTrack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The decisions a room takes over time rather than per packet, on one thread for all rooms:
 * <ul>
 *   <li>every 100 ms, the dominant speaker (its detector rate-limits changes to one per 300 ms);
 *       a change goes to the room and re-runs the allocation when last-N is on;</li>
 *   <li>every 200 ms, and at once when a subscriber's tile hints change, the layer allocation:
 *       per video track the ceiling of each subscriber and its pauses ({@link LayerAllocator}),
 *       then per subscriber the spread of its downlink estimate over its videos
 *       ({@link BandwidthAllocator}), then the result applied to the DownTracks, with
 *       dynacast.</li>
 * </ul>
 * Tests drive it by hand ({@link #tick}, {@link #allocate}) with their own clock; the server
 * calls {@link #start}.
 */
public final class RoomScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomScheduler.class);
    static final long TICK_MILLIS = 100;
    private static final int ALLOCATE_EVERY_TICKS = 2;
    private static final int RECENT_SPEAKERS = 10;

    private final RoomManager manager;
    private final RoomListener listener;
    private final LongSupplier clock;
    private volatile LayerAllocator allocator = new LayerAllocator(1.0, true);
    private volatile BandwidthAllocator bandwidth = new BandwidthAllocator(AllocationConfig.defaults());
    private volatile ToLongFunction<MediaEndpoint> downlinkEstimate = MediaEndpoint::estimatedDownlinkBps;
    private volatile int lastN;
    private ScheduledExecutorService executor;
    private long ticks;

    RoomScheduler(RoomManager manager, RoomListener listener, LongSupplier clock) {
        this.manager = manager;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * @param tileSizeFactor multiplies tile sizes before choosing a layer
     * @param dynacast       tell publishers which simulcast layers to send
     * @param lastN          forward only the N most recent speakers' video to each subscriber; 0: all
     */
    public void configure(double tileSizeFactor, boolean dynacast, int lastN) {
        this.allocator = new LayerAllocator(tileSizeFactor, dynacast);
        this.lastN = Math.max(0, lastN);
    }

    /** Sets the hysteresis of the bandwidth allocation per subscriber. */
    public void configureAllocation(AllocationConfig config) {
        this.bandwidth = new BandwidthAllocator(config);
    }

    /**
     * Where the allocation reads each subscriber's downlink estimate (bits/s, -1 unknown);
     * {@link MediaEndpoint#estimatedDownlinkBps} unless a test sets its own.
     */
    void useDownlinkEstimate(ToLongFunction<MediaEndpoint> estimate) {
        this.downlinkEstimate = estimate;
    }

    public int lastN() {
        return lastN;
    }

    /** Starts the scheduler thread (idempotent). */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfu-room-scheduler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::safeTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("room scheduler tick failed", e);
        }
    }

    /** One tick over every room (the scheduler thread, or a test). */
    public void tick() {
        long now = clock.getAsLong();
        boolean allocate = ticks++ % ALLOCATE_EVERY_TICKS == 0;
        for (Room room : manager.rooms()) {
            String speaker = room.speakers().tick(now);
            if (speaker != null) {
                listener.dominantSpeakerChanged(room, speaker, room.speakers().recentSpeakers(RECENT_SPEAKERS));
            }
            if (allocate || (speaker != null && lastN > 0)) {
                allocate(room);
            }
        }
    }

    /** Runs {@link #allocate} for the room on the scheduler thread, or right here when not started. */
    public void requestAllocation(Room room) {
        ScheduledExecutorService e;
        synchronized (this) {
            e = executor;
        }
        if (e == null) {
            allocate(room);
            return;
        }
        try {
            e.execute(() -> {
                try {
                    allocate(room);
                } catch (RuntimeException ex) {
                    LOG.error("allocation in {} failed", room.id(), ex);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            LOG.debug("allocation after close dropped");
        }
    }

    /** Allocates every video track of the room now. */
    public void allocate(Room room) {
        long now = clock.getAsLong();
        BiPredicate<String, String> forwarded = lastNFilter(room);
        LayerAllocator a = allocator;
        LayerAllocator.Listener events = new LayerAllocator.Listener() {
            @Override
            public void videoStateChanged(DownTrack d, boolean paused, String reason, String rid) {
                Participant s = room.participant(d.subscriber().id());
                LOG.debug("{}: {}'s video {} ({}, layer {})", d.subscriber().id(), d.streamId(),
                        paused ? "paused" : "forwarded", reason, rid);
                if (s != null) {
                    listener.videoStateChanged(s, d, paused, reason, rid);
                }
            }

            @Override
            public void layersNeeded(UpTrack u, List<String> rids) {
                Participant p = room.participant(u.publisher().id());
                LOG.debug("{}: layers needed {}", u.publisher().id(), rids);
                if (p != null && p.isRemote()) {
                    // Its publisher is on another node: the relay asks that node for these layers.
                    for (RoomRelay r : room.relays()) {
                        r.remoteLayersNeeded(p, u, rids);
                    }
                } else if (p != null) {
                    listener.layersNeeded(p, u, rids);
                }
            }
        };
        BandwidthAllocator b = bandwidth;
        ToLongFunction<MediaEndpoint> estimate = downlinkEstimate;
        List<UpTrack> measured = null;
        synchronized (room) {
            List<Participant> participants = room.participants();
            for (Participant p : participants) {
                for (UpTrack u : p.upTracks()) {
                    if (a.decide(u, forwarded, now)) {
                        if (measured == null) {
                            measured = new ArrayList<>(2);
                        }
                        measured.add(u);
                    }
                }
            }
            String speaker = room.dominantSpeaker();
            for (Participant p : participants) {
                b.allocate(p.endpoint(), estimate.applyAsLong(p.endpoint()), speaker, now);
            }
            for (Participant p : participants) {
                for (UpTrack u : p.upTracks()) {
                    a.apply(u, events);
                }
            }
        }
        if (measured != null) {
            // Outside the room's lock: a relay describes under its own lock, and a relay holding
            // it may run an allocation inline (requestAllocation before start), which takes the
            // room's lock. Under the room's lock this was a lock-order inversion.
            for (UpTrack u : measured) {
                LayerAllocator.describeMeasured(u);
            }
        }
    }

    /**
     * Last-N: each subscriber receives the video of the N others who spoke most recently; before
     * enough people spoke, the earliest joiners fill the places.
     */
    private BiPredicate<String, String> lastNFilter(Room room) {
        int n = lastN;
        if (n <= 0) {
            return (publisher, subscriber) -> true;
        }
        List<String> order = new ArrayList<>(room.speakers().recentSpeakers(room.size()));
        for (Participant p : room.participants()) {
            if (!order.contains(p.id())) {
                order.add(p.id());
            }
        }
        return (publisher, subscriber) -> {
            int rank = 0;
            for (String id : order) {
                if (id.equals(subscriber)) {
                    continue;
                }
                if (id.equals(publisher)) {
                    return rank < n;
                }
                rank++;
            }
            return false;
        };
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
