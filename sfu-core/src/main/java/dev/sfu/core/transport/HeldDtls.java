package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * DTLS datagrams from sources ICE has not validated yet, held for one transport. A peer's
 * ClientHello often overtakes the answer to our own check of the same pair; these are kept (a
 * few, copied) until that pair validates and then replayed, and dropped and counted
 * ({@link DropReason#UNVALIDATED_SOURCE}) otherwise. Owned by the transport's serial task.
 */
final class HeldDtls {
    static final int LIMIT = 4;

    /** Where a held datagram goes once its source is validated. */
    interface Replay {
        void handle(byte[] buf, int off, int len, InetSocketAddress from);
    }

    private record Held(byte[] data, InetSocketAddress from) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final PeerRoutes routes;
    private final DropCounters drops;

    HeldDtls(PeerRoutes routes, DropCounters drops) {
        this.routes = routes;
        this.drops = drops;
    }

    /** Handles {@code data} now if its source validated meanwhile, else holds it (dropping the oldest when full). */
    void hold(byte[] data, InetSocketAddress from, Replay replay) {
        if (routes.isValidatedSource(from)) {
            replay.handle(data, 0, data.length, from);
            return;
        }
        if (held.size() >= LIMIT) {
            held.poll();
            drops.increment(DropReason.UNVALIDATED_SOURCE);
        }
        held.add(new Held(data, from));
    }

    /** After a pair validated or was selected: replay what its address sent, drop what others sent. */
    void release(Replay replay) {
        if (held.isEmpty()) {
            return;
        }
        boolean selected = routes.selectedRemote() != null;
        for (int i = held.size(); i > 0; i--) {
            Held h = held.poll();
            if (routes.isValidatedSource(h.from())) {
                replay.handle(h.data(), 0, h.data().length, h.from());
            } else if (selected) {
                drops.increment(DropReason.UNVALIDATED_SOURCE);
            } else {
                held.add(h);
            }
        }
    }

    /** At close: everything still held is dropped and counted. */
    void discard() {
        drops.add(DropReason.UNVALIDATED_SOURCE, held.size());
        held.clear();
    }
}
