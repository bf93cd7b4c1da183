package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.TransportClient;

import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What all participants of one run share: the options, the HTTP client for the WebSockets, the
 * transport's client role (one certificate, one thread pool), the sending threads, the
 * numbering of the publishers' streams, and the server-assigned id of each participant (to
 * check that a stream arrives on the SSRC the server announced for its publisher).
 */
public final class RunContext {
    final LoadTestOptions options;
    final HttpClient http;
    final TransportClient transports;
    final SendScheduler[] schedulers;
    final int participantCount;
    final StreamIds ids;
    private final AtomicReferenceArray<String> serverIds;
    /** When the publishers' first speaking turn starts ({@link SpeakingSchedule}); one clock for the run. */
    final long speakingEpochNanos = System.nanoTime();

    public RunContext(LoadTestOptions options, HttpClient http, TransportClient transports,
                      SendScheduler[] schedulers, int participantCount) {
        this.options = options;
        this.http = http;
        this.transports = transports;
        this.schedulers = schedulers;
        this.participantCount = participantCount;
        this.ids = StreamIds.of(options.simulcast());
        this.serverIds = new AtomicReferenceArray<>(participantCount);
    }

    /** The numbering of the publishers' streams in this run. */
    public StreamIds ids() {
        return ids;
    }

    public int streamCount() {
        return ids.count(participantCount);
    }

    void setServerId(int participant, String id) {
        serverIds.set(participant, id);
    }

    /** The id the server gave participant {@code p}, or null before its join. */
    public String serverId(int participant) {
        return serverIds.get(participant);
    }

    /**
     * Who speaks when for a publisher: {@code --speakers} of the room's publishers at a time.
     *
     * @param slot the publisher's place in its room (rooms fill slot by slot, publishers first)
     */
    SpeakingSchedule speakingSchedule(int slot) {
        int publishers = options.publishers();
        int speakers = options.speakers() < 0 ? publishers : options.speakers();
        return new SpeakingSchedule(slot, publishers, speakers, speakingEpochNanos);
    }

    SendScheduler schedulerFor(int participant) {
        return schedulers[(participant / Math.max(1, options.participantsPerThread())) % schedulers.length];
    }
}
