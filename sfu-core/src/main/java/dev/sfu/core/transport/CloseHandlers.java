package dev.sfu.core.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The close handlers of one {@link MediaTransport} ({@link MediaTransport#addCloseHandler}): each
 * is called once, in the order added, when the transport ends; one added after that is called at
 * once. A handler that throws is logged and the others still run. Transports own one of these and
 * call {@link #fire} from their close path.
 */
public final class CloseHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(CloseHandlers.class);

    private final String transportId;
    private List<BiConsumer<CloseReason, String>> handlers = new ArrayList<>();
    private CloseReason reason;
    private String detail;

    public CloseHandlers(String transportId) {
        this.transportId = transportId;
    }

    /** Adds a handler; when the transport has already ended, calls it now on this thread. */
    public void add(BiConsumer<CloseReason, String> handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        CloseReason r;
        String d;
        synchronized (this) {
            if (reason == null) {
                handlers.add(handler);
                return;
            }
            r = reason;
            d = detail;
        }
        call(handler, r, d);
    }

    /**
     * Records the end and calls the handlers added so far, on this thread. Only the first call
     * does anything; returns whether this was it.
     */
    public boolean fire(CloseReason closeReason, String closeDetail) {
        java.util.Objects.requireNonNull(closeReason, "closeReason");
        List<BiConsumer<CloseReason, String>> toCall;
        synchronized (this) {
            if (reason != null) {
                return false;
            }
            reason = closeReason;
            detail = closeDetail;
            toCall = handlers;
            handlers = List.of();
        }
        for (BiConsumer<CloseReason, String> h : toCall) {
            call(h, closeReason, closeDetail);
        }
        return true;
    }

    /** Why the transport ended, or null while it has not. */
    public synchronized CloseReason reason() {
        return reason;
    }

    private void call(BiConsumer<CloseReason, String> handler, CloseReason r, String d) {
        try {
            handler.accept(r, d);
        } catch (RuntimeException e) {
            LOG.warn("{}: close handler failed", transportId, e);
        }
    }
}
