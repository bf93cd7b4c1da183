package dev.sfu.core.transport;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The ICE/DTLS half of a {@link MediaTransport} for transports that have none: the forwarding
 * warm-up, benchmarks and tests, which only implement sending. Fixed credentials, no candidates,
 * a placeholder fingerprint, always passive, remote parameters ignored, always connected. It
 * keeps the bound listener ({@link #listener()}) and the close handlers; a subclass reports its
 * end with {@link #closed}.
 */
public abstract class NoIceTransport implements MediaTransport {
    private final String id;
    private final CloseHandlers closeHandlers;
    private volatile TransportListener listener;

    protected NoIceTransport(String id) {
        this.id = id;
        this.closeHandlers = new CloseHandlers(id);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String localIceUfrag() {
        return "noice";
    }

    @Override
    public String localIcePwd() {
        return "noicenoicenoicenoicenoice";
    }

    @Override
    public List<IceCandidate> localCandidates() {
        return List.of();
    }

    @Override
    public Fingerprint localFingerprint() {
        return new Fingerprint("sha-256", "00");
    }

    @Override
    public DtlsSetup localSetup(DtlsSetup remote) {
        return DtlsSetup.PASSIVE;
    }

    @Override
    public void setRemote(RemoteParameters remote) {
    }

    @Override
    public void addRemoteCandidate(IceCandidate candidate) {
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public synchronized void bind(TransportListener l) {
        java.util.Objects.requireNonNull(l, "listener");
        if (listener != null) {
            throw new IllegalStateException(id + ": a listener is already bound");
        }
        listener = l;
    }

    /** The bound listener, or null before {@link #bind}. */
    protected TransportListener listener() {
        return listener;
    }

    @Override
    public void addCloseHandler(BiConsumer<CloseReason, String> handler) {
        closeHandlers.add(handler);
    }

    /**
     * Tells the close handlers that this transport ended; only the first call does anything.
     * Returns whether this was it.
     */
    protected boolean closed(CloseReason reason, String detail) {
        return closeHandlers.fire(reason, detail);
    }
}
