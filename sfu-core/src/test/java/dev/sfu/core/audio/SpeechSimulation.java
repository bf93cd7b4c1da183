package dev.sfu.core.audio;

import java.util.ArrayList;
import java.util.List;

/**
 * A room on a fake clock: every participant sends one audio level each 20 ms (at its own phase
 * within those 20 ms) and the detector ticks every 100 ms. Times are milliseconds from the start.
 */
final class SpeechSimulation {
    static final int PACKET_MS = 20;
    static final int TICK_MS = 100;
    /** An arbitrary clock origin below zero: System.nanoTime() may be negative too. */
    private static final long ORIGIN_NANOS = -3_000_000_000L;

    /** What one participant sends: the RFC 6464 byte, V bit (0x80) and level, at each time. */
    interface Voice {
        int at(long ms);
    }

    /** A change of dominant speaker that {@link DominantSpeakerDetector#tick} returned. */
    record Change(long ms, String id) {
    }

    private static final class Sender {
        final SpeakerActivity activity;
        final int phaseMs;
        final Voice voice;

        Sender(SpeakerActivity activity, int phaseMs, Voice voice) {
            this.activity = activity;
            this.phaseMs = phaseMs;
            this.voice = voice;
        }
    }

    final DominantSpeakerDetector detector;
    final List<Change> changes = new ArrayList<>();
    private final List<Sender> senders = new ArrayList<>();
    private long nowMs;

    SpeechSimulation(DominantSpeakerDetector detector) {
        this.detector = detector;
    }

    static long nanos(long ms) {
        return ORIGIN_NANOS + ms * 1_000_000L;
    }

    SpeakerActivity join(String id, Voice voice) {
        SpeakerActivity a = detector.add(id);
        senders.add(new Sender(a, (senders.size() * 7) % PACKET_MS, voice));
        return a;
    }

    void leave(SpeakerActivity a) {
        senders.removeIf(s -> s.activity == a);
        detector.remove(a);
    }

    /** Sends packets and ticks up to and including {@code untilMs}. */
    void runUntil(long untilMs) {
        for (long t = nowMs + 1; t <= untilMs; t++) {
            for (Sender s : senders) {
                if ((t - s.phaseMs) % PACKET_MS == 0) {
                    int b = s.voice.at(t);
                    s.activity.onLevel(b & 0x7F, (b & 0x80) != 0, nanos(t));
                }
            }
            if (t % TICK_MS == 0) {
                String id = detector.tick(nanos(t));
                if (id != null) {
                    changes.add(new Change(t, id));
                }
            }
        }
        nowMs = untilMs;
    }

    /** The changes from {@code fromMs} on. */
    List<Change> changesSince(long fromMs) {
        return changes.stream().filter(c -> c.ms() >= fromMs).toList();
    }

    /** Digital silence, as a muted or quiet microphone sends it. */
    static int silence(long ms) {
        return 127;
    }

    /**
     * Continuous speech with the V bit set: 200-ms syllables around -30 dBov, each followed by a
     * 50-ms dip to -75 dBov between syllables.
     */
    static int speech(long ms) {
        long p = Math.floorMod(ms, 250);
        return p < 200 ? 0x80 | (26 + (int) (ms / PACKET_MS % 5) * 2) : 0x80 | 75;
    }

    /** Speech during {@code [fromMs, toMs)}, silence otherwise. */
    static Voice talking(long fromMs, long toMs) {
        return ms -> ms >= fromMs && ms < toMs ? speech(ms - fromMs) : silence(ms);
    }

    /** Words of {@code wordMs} at -30 dBov with V set, every other word from {@code fromMs} on. */
    static Voice everyOtherWord(long fromMs, long toMs, int wordMs, boolean first) {
        return ms -> {
            if (ms < fromMs || ms >= toMs) {
                return silence(ms);
            }
            boolean mine = ((ms - fromMs) / wordMs) % 2 == (first ? 0 : 1);
            return mine ? 0x80 | 30 : silence(ms);
        };
    }

    /** A steady noise wavering 2 dB around {@code level}, with or without the V bit. */
    static Voice steady(int level, boolean voiceActivity) {
        return ms -> (voiceActivity ? 0x80 : 0) | (level - 2 + (int) (ms / PACKET_MS % 5));
    }
}
