package dev.sfu.core.audio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A room's dominant speaker, with hysteresis, from its participants' audio levels.
 *
 * <p>Each {@link SpeakerActivity} turns audio levels into speech time. Every tick this detector
 * turns each participant's speech time into three scores, the share of time spoken over an
 * immediate, a medium and a long window (200 ms, 1 s and 3 s by default). The three time scales
 * come from Volfin and Cohen, "Dominant Speaker Identification for Multipoint
 * Videoconferencing" (Computer Speech and Language 27(4), 2013), which compares
 * likelihood ratios of such scores; this detector compares the shares themselves. A challenger
 * replaces the dominant speaker only when all of these hold:
 * <ol>
 *   <li>it is speaking now: immediate share at least {@link Settings#speakingShare()};</li>
 *   <li>it has spoken enough of late: medium share at least {@link Settings#mediumMinShare()};</li>
 *   <li>it has spoken clearly more of late: medium share at least the dominant's plus
 *       {@link Settings#mediumMargin()};</li>
 *   <li>it is not a short interjection: long share at least {@link Settings#longRatio()} times
 *       the dominant's;</li>
 *   <li>the last change is at least {@link Settings#minChangeInterval()} old.</li>
 * </ol>
 * Of several challengers that qualify, the one with the highest medium share wins. Without a
 * dominant speaker (at the start, or after {@link #remove} took it away) conditions 3 and 4 do
 * not apply, and when nobody qualifies the most recent present speaker takes over.
 * Nobody qualifies in silence, so silence keeps the last dominant speaker.
 *
 * <p>Threads: {@link SpeakerActivity#onLevel} runs lock-free on publishers' media threads; the
 * other methods may run on any thread and share one lock, which the tick takes about ten times
 * a second.
 */
public final class DominantSpeakerDetector {
    private final Settings settings;
    private final int immediateTicks;
    private final int mediumTicks;
    private final int longTicks;
    private final long minChangeNanos;
    private final Object lock = new Object();

    // Guarded by lock.
    private final long[] tickNanos;
    private SpeakerActivity[] members = new SpeakerActivity[0];
    private final List<SpeakerActivity> recent = new ArrayList<>();
    private SpeakerActivity current;
    private long ticks;
    private long lastTickNanos;
    private boolean changedBefore;
    private long lastChangeNanos;

    private volatile String dominantId;

    /** A detector with {@link Settings#DEFAULTS}. */
    public DominantSpeakerDetector() {
        this(Settings.DEFAULTS);
    }

    public DominantSpeakerDetector(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        long tick = settings.tickInterval().toNanos();
        immediateTicks = ticksIn(settings.immediateWindow(), tick);
        mediumTicks = ticksIn(settings.mediumWindow(), tick);
        longTicks = ticksIn(settings.longWindow(), tick);
        minChangeNanos = settings.minChangeInterval().toNanos();
        tickNanos = new long[Math.max(longTicks, Math.max(mediumTicks, immediateTicks))];
    }

    private static int ticksIn(Duration window, long tickNanos) {
        return (int) Math.max(1, Math.round((double) window.toNanos() / tickNanos));
    }

    /** Starts following a participant; one activity per participant. Any thread. */
    public SpeakerActivity add(String participantId) {
        SpeakerActivity s = new SpeakerActivity(Objects.requireNonNull(participantId, "participantId"),
                settings, tickNanos.length);
        synchronized (lock) {
            SpeakerActivity[] next = Arrays.copyOf(members, members.length + 1);
            next[members.length] = s;
            members = next;
        }
        return s;
    }

    /**
     * Stops following a participant. If it was dominant, {@link #dominant()} is null until the
     * next tick picks another, which {@link #tick} then returns. Any thread.
     */
    public void remove(SpeakerActivity s) {
        synchronized (lock) {
            int i = Arrays.asList(members).indexOf(s);
            if (i < 0) {
                return;
            }
            SpeakerActivity[] next = new SpeakerActivity[members.length - 1];
            System.arraycopy(members, 0, next, 0, i);
            System.arraycopy(members, i + 1, next, i, next.length - i);
            members = next;
            recent.remove(s);
            if (current == s) {
                current = null;
                dominantId = null;
            }
        }
    }

    /**
     * Runs the decision; called by one scheduler thread about every {@link Settings#tickInterval()}.
     * Returns the new dominant participant id when it changed, else null. Changes at most every
     * {@link Settings#minChangeInterval()}. A call whose clock does not advance does nothing.
     */
    public String tick(long nowNanos) {
        synchronized (lock) {
            long length = ticks == 0 ? settings.tickInterval().toNanos() : nowNanos - lastTickNanos;
            if (length <= 0) {
                return null;
            }
            lastTickNanos = nowNanos;
            int slot = (int) (ticks % tickNanos.length);
            tickNanos[slot] = length;
            ticks++;
            for (SpeakerActivity m : members) {
                m.sample(slot);
                m.immediate = share(m, slot, immediateTicks);
                m.medium = share(m, slot, mediumTicks);
                m.longTerm = share(m, slot, longTicks);
            }
            if (changedBefore && nowNanos - lastChangeNanos < minChangeNanos) {
                return null;
            }
            SpeakerActivity next = elect();
            if (next == null) {
                return null;
            }
            current = next;
            recent.remove(next);
            recent.add(0, next);
            changedBefore = true;
            lastChangeNanos = nowNanos;
            dominantId = next.participantId();
            return dominantId;
        }
    }

    /** The share of the last {@code window} ticks (those that happened) that {@code m} spoke. */
    private double share(SpeakerActivity m, int slot, int window) {
        int n = (int) Math.min(window, ticks);
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += tickNanos[Math.floorMod(slot - i, tickNanos.length)];
        }
        return Math.min(1.0, (double) m.speechIn(slot, n) / time);
    }

    /** The participant that takes over now, or null to keep the current one. */
    private SpeakerActivity elect() {
        SpeakerActivity best = null;
        for (SpeakerActivity m : members) {
            if (m != current && takesOver(m) && (best == null || m.medium > best.medium)) {
                best = m;
            }
        }
        if (best == null && current == null && !recent.isEmpty()) {
            best = recent.get(0);
        }
        return best;
    }

    private boolean takesOver(SpeakerActivity m) {
        if (m.immediate < settings.speakingShare() || m.medium < settings.mediumMinShare()) {
            return false;
        }
        return current == null
                || m.medium >= current.medium + settings.mediumMargin()
                && m.longTerm >= current.longTerm * settings.longRatio();
    }

    /** The dominant participant's id; null before anyone spoke. */
    public String dominant() {
        return dominantId;
    }

    /**
     * Up to {@code n} participants that have been dominant, the most recent first, each once,
     * present participants only. For last-N forwarding the caller fills any remaining places.
     */
    public List<String> recentSpeakers(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be at least 0, not " + n);
        }
        synchronized (lock) {
            List<String> ids = new ArrayList<>(Math.min(n, recent.size()));
            for (int i = 0; i < recent.size() && i < n; i++) {
                ids.add(recent.get(i).participantId());
            }
            return List.copyOf(ids);
        }
    }

    /**
     * The constants of the detector. {@link #DEFAULTS} gives the reasoning for each value.
     *
     * @param tickInterval              how often {@link #tick} runs; the windows count in ticks of this length
     * @param immediateWindow           the window of the immediate score: is the participant speaking now?
     * @param mediumWindow              the window of the medium score: has it been speaking this last second?
     * @param longWindow                the window of the long score: has it been holding the floor?
     * @param speakingShare             the least immediate share of a participant taking over
     * @param mediumMinShare            the least medium share of a participant taking over
     * @param mediumMargin              how much a challenger's medium share must exceed the dominant's
     * @param longRatio                 the least ratio of a challenger's long share to the dominant's
     * @param minChangeInterval         the shortest time between two changes of dominant speaker
     * @param maxSpeechLevel            the quietest level (in -dBov) that may count as speech
     * @param speechMarginDb            how far above the noise floor (in dB) speech must be
     * @param noiseFloorRiseDbPerSecond how fast the noise floor rises to a louder steady level
     * @param maxPacketDuration         the most speech time one packet adds (the rest is loss or DTX)
     * @param useVoiceActivity          whether V=0 means "not speech" for a sender that sets V
     */
    public record Settings(Duration tickInterval, Duration immediateWindow, Duration mediumWindow,
                           Duration longWindow, double speakingShare, double mediumMinShare,
                           double mediumMargin, double longRatio, Duration minChangeInterval,
                           int maxSpeechLevel, int speechMarginDb, double noiseFloorRiseDbPerSecond,
                           Duration maxPacketDuration, boolean useVoiceActivity) {
        /**
         * The defaults, and why:
         * <ul>
         *   <li>tick 100 ms: the scheduler's period, fine enough to switch within a second;</li>
         *   <li>windows 200 ms, 1 s and 3 s: a syllable or short word, a phrase, a few sentences
         *       (the immediate, medium and long time scales of Volfin and Cohen);</li>
         *   <li>speaking share 0.5: half of the last 200 ms was speech, so the challenger has not
         *       just stopped;</li>
         *   <li>medium minimum 0.3: 300 ms of speech in the last second, so a lone speaker takes
         *       the floor in about 0.4 s and a cough (under 300 ms) never does;</li>
         *   <li>medium margin 0.3: two people trading 200-ms words each hold 0.4 to 0.6 of a
         *       second, never 0.3 apart, so they do not flap; after a clear change the new
         *       speaker is 0.3 ahead within about 0.65 s;</li>
         *   <li>long ratio 0.5: the challenger spoke at least half as much as the dominant over
         *       3 s. A 500-ms "yes" during a monologue has a sixth, so it does not take over; a
         *       new speaker after a long monologue reaches half after 1 s (t/3 = (1 - t/3) / 2);</li>
         *   <li>minimum change interval 300 ms: the API's promise to clients, so video layouts
         *       never switch faster than people can follow;</li>
         *   <li>quietest speech -70 dBov: speech after automatic gain control is tens of dB
         *       louder, so quieter packets are room noise or fading echo;</li>
         *   <li>speech margin 12 dB above the floor: more than the few dB that steady noise
         *       wavers, less than the tens of dB between speech and a room's quiet;</li>
         *   <li>floor rise 6 dB/s: a noise 60 dB above the floor is learnt in about 8 s, while
         *       speech 50 dB above it survives more than 6 s without a pause between words;</li>
         *   <li>largest packet 60 ms: the longest common Opus packet time; a longer gap is loss
         *       or discontinuous transmission, not speech;</li>
         *   <li>voice activity bit used: RFC 6464 section 3 lets a sender flag voice; one that
         *       has ever set the flag means it.</li>
         * </ul>
         */
        public static final Settings DEFAULTS = new Settings(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofSeconds(3), 0.5, 0.3, 0.3, 0.5, Duration.ofMillis(300),
                70, 12, 6.0, Duration.ofMillis(60), true);

        public Settings {
            for (Duration d : new Duration[] {tickInterval, immediateWindow, mediumWindow, longWindow,
                    maxPacketDuration}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("windows, tick and packet time must be positive: " + d);
                }
            }
            if (minChangeInterval == null || minChangeInterval.isNegative()) {
                throw new IllegalArgumentException("minChangeInterval must be at least 0: " + minChangeInterval);
            }
            if (maxSpeechLevel < 0 || maxSpeechLevel > 127 || speechMarginDb < 0 || noiseFloorRiseDbPerSecond < 0) {
                throw new IllegalArgumentException("maxSpeechLevel must be 0-127, the margin and the rise at least 0");
            }
        }
    }
}
