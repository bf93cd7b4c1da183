package dev.sfu.bench.loadtest;

/**
 * The run-wide numbering of publisher streams, carried in every {@link ProbeTrailer} so that a
 * receiver knows what it got whatever the server rewrote. Participant {@code p} owns the ids
 * {@code p * k} to {@code p * k + k - 1}: audio, then its single video stream, then (with
 * {@code --simulcast}, k = 5) one id per simulcast layer, so each layer has its own probe
 * sequence and a receiver measures loss per layer.
 *
 * <p>A <em>track</em> is what a receiver sees as one stream from the server: the audio, or the
 * video whichever layer is forwarded. Its id is the audio id or the single-video id.
 */
public final class StreamIds {
    /** Audio and one video stream per participant. */
    public static final StreamIds SINGLE = new StreamIds(2);
    /** Audio, one video stream (when the server declines simulcast) and three layers. */
    public static final StreamIds SIMULCAST = new StreamIds(2 + SimulcastLayer.values().length);

    private final int perParticipant;

    private StreamIds(int perParticipant) {
        this.perParticipant = perParticipant;
    }

    public static StreamIds of(boolean simulcast) {
        return simulcast ? SIMULCAST : SINGLE;
    }

    /** Stream ids for {@code participants} participants. */
    public int count(int participants) {
        return perParticipant * participants;
    }

    public int audio(int participant) {
        return perParticipant * participant;
    }

    /** The single video stream, and the id of the participant's video track. */
    public int video(int participant) {
        return perParticipant * participant + 1;
    }

    /** The stream of one simulcast layer; only with {@link #SIMULCAST}. */
    public int layer(int participant, SimulcastLayer layer) {
        if (perParticipant == 2) {
            throw new IllegalStateException("no layer stream ids without --simulcast");
        }
        return perParticipant * participant + 2 + layer.ordinal();
    }

    public int publisherOf(int streamId) {
        return streamId / perParticipant;
    }

    /** True for video streams: the single stream and the layers. */
    public boolean isVideo(int streamId) {
        return streamId % perParticipant != 0;
    }

    /** The track a stream belongs to: itself for audio and single video, the video track for a layer. */
    public int trackOf(int streamId) {
        return isVideo(streamId) ? video(publisherOf(streamId)) : streamId;
    }

    /** The simulcast layer of a stream id, or null (audio, single video). */
    public SimulcastLayer layerOf(int streamId) {
        int i = streamId % perParticipant - 2;
        return i < 0 ? null : SimulcastLayer.values()[i];
    }
}
