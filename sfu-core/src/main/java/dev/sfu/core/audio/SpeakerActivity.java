package dev.sfu.core.audio;

/**
 * One participant's speech, as the RFC 6464 audio levels of its audio packets show it.
 *
 * <p>The publisher's media thread calls {@link #onLevel} for every audio packet. A packet counts
 * as speech when all of these hold:
 * <ul>
 *   <li>its level is at most {@link DominantSpeakerDetector.Settings#maxSpeechLevel()} -dBov;</li>
 *   <li>it is at least {@link DominantSpeakerDetector.Settings#speechMarginDb()} louder than
 *       this participant's noise floor (so steady background noise is not speech);</li>
 *   <li>its V bit is set, if this sender has ever set it (a sender that never sets V is judged by
 *       level alone, since RFC 6464 makes the flag optional).</li>
 * </ul>
 * Each speech packet adds the time since the previous packet (at most
 * {@link DominantSpeakerDetector.Settings#maxPacketDuration()}) to a running total of speech
 * time. That total is the only field the media thread shares: it has one writer and is
 * published by a volatile write, so {@code onLevel} takes no lock and allocates nothing.
 *
 * <p>The noise floor is the loudness of the quietest recent packets: it starts at the first
 * packet's loudness, falls halfway to any quieter packet, and rises by at most
 * {@link DominantSpeakerDetector.Settings#noiseFloorRiseDbPerSecond()} while packets are
 * louder. A steady noise therefore becomes the floor, while the dips between syllables keep a
 * talker's floor down.
 *
 * <p>The detector's tick thread reads the total once per tick and keeps the speech time of each
 * of its last ticks in a ring, from which it computes the three scores. Those fields belong to
 * the tick thread alone.
 */
public final class SpeakerActivity {
    private static final int SILENCE = 127;
    private static final double FLOOR_FALL = 0.5;

    private final String participantId;
    private final int maxSpeechLevel;
    private final int speechMarginDb;
    private final double floorRisePerNano;
    private final long maxPacketNanos;
    private final boolean useVoiceActivity;

    // Written by the publisher's media thread only.
    private boolean heard;
    private long lastPacketNanos;
    private double floorLoudness;
    private boolean senderSetsVoiceActivity;
    /** Speech heard so far, in nanoseconds: one writer, read by the tick thread. */
    private volatile long speechNanos;

    // Read and written by the detector's tick thread only (under its lock).
    private final long[] speechPerTick;
    private long sampledSpeechNanos;
    double immediate;
    double medium;
    double longTerm;

    SpeakerActivity(String participantId, DominantSpeakerDetector.Settings settings, int ticks) {
        this.participantId = participantId;
        this.maxSpeechLevel = settings.maxSpeechLevel();
        this.speechMarginDb = settings.speechMarginDb();
        this.floorRisePerNano = settings.noiseFloorRiseDbPerSecond() / 1e9;
        this.maxPacketNanos = settings.maxPacketDuration().toNanos();
        this.useVoiceActivity = settings.useVoiceActivity();
        this.speechPerTick = new long[ticks];
    }

    public String participantId() {
        return participantId;
    }

    /**
     * Per audio packet, by the publisher's single media thread: no allocation, no lock. Calls may
     * move between threads only where the hand-over orders them (a serial executor does).
     *
     * @param levelMinusDbov the RFC 6464 level, 0 (loudest) to 127 (silence); others are clamped
     * @param voiceActivity  the RFC 6464 V bit
     * @param nowNanos       the packet's arrival on the clock that {@link DominantSpeakerDetector#tick} uses
     */
    public void onLevel(int levelMinusDbov, boolean voiceActivity, long nowNanos) {
        int level = Math.max(0, Math.min(SILENCE, levelMinusDbov));
        double loudness = SILENCE - level;
        if (!heard) {
            heard = true;
            lastPacketNanos = nowNanos;
            floorLoudness = loudness;
            senderSetsVoiceActivity = voiceActivity;
            return;
        }
        long gap = nowNanos - lastPacketNanos;
        long duration = gap <= 0 ? 0 : Math.min(gap, maxPacketNanos);
        lastPacketNanos = nowNanos;
        if (voiceActivity) {
            senderSetsVoiceActivity = true;
        }
        boolean speech = level <= maxSpeechLevel
                && loudness - floorLoudness >= speechMarginDb
                && (voiceActivity || !useVoiceActivity || !senderSetsVoiceActivity);
        if (loudness < floorLoudness) {
            floorLoudness -= (floorLoudness - loudness) * FLOOR_FALL;
        } else {
            floorLoudness = Math.min(loudness, floorLoudness + floorRisePerNano * duration);
        }
        if (speech && duration > 0) {
            speechNanos = speechNanos + duration;
        }
    }

    /** Tick thread: stores the speech heard since the previous sample in the ring's slot. */
    void sample(int slot) {
        long total = speechNanos;
        speechPerTick[slot] = total - sampledSpeechNanos;
        sampledSpeechNanos = total;
    }

    /** Tick thread: the speech time in the {@code ticks} slots ending at {@code lastSlot}. */
    long speechIn(int lastSlot, int ticks) {
        long sum = 0;
        int n = speechPerTick.length;
        for (int i = 0; i < ticks; i++) {
            sum += speechPerTick[Math.floorMod(lastSlot - i, n)];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "SpeakerActivity[" + participantId + "]";
    }
}
