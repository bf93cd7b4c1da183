package dev.sfu.bench.loadtest;

/**
 * Who speaks when in a room of synthetic publishers: {@code speakers} of the room's
 * {@code publishers} at a time, the turn passing on every {@link #TURN_NANOS}, so that over a run
 * every publisher speaks and is silent. As in a real meeting, most people are quiet most of the
 * time; {@code --speakers} sets how many talk at once (all of them by default, the old behaviour).
 */
public final class SpeakingSchedule {
    /** How long one set of speakers keeps the floor. */
    public static final long TURN_NANOS = 4_000_000_000L;

    private final int rank;
    private final int publishers;
    private final int speakers;
    private final long epochNanos;

    /**
     * @param rank       the publisher's place in its room, 0 to {@code publishers - 1}
     * @param publishers publishers in the room
     * @param speakers   how many speak at once; {@code publishers} or more means everyone always
     * @param epochNanos when the first turn starts (shared by the whole run)
     */
    public SpeakingSchedule(int rank, int publishers, int speakers, long epochNanos) {
        if (publishers < 1 || rank < 0 || rank >= publishers || speakers < 0) {
            throw new IllegalArgumentException("rank " + rank + " of " + publishers + " publishers, " + speakers + " speakers");
        }
        this.rank = rank;
        this.publishers = publishers;
        this.speakers = speakers;
        this.epochNanos = epochNanos;
    }

    /** Everyone speaking all the time. */
    public static SpeakingSchedule always() {
        return new SpeakingSchedule(0, 1, 1, 0);
    }

    /** Whether this publisher is speaking at {@code nowNanos}. */
    public boolean speaking(long nowNanos) {
        if (speakers >= publishers) {
            return true;
        }
        long turn = Math.floorDiv(nowNanos - epochNanos, TURN_NANOS);
        long first = Math.floorMod(turn * speakers, publishers);
        return Math.floorMod(rank - first, publishers) < speakers;
    }
}
