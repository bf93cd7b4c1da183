package dev.sfu.signaling.session;

import dev.sfu.core.transport.CloseHandlers;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.core.transport.TransportListener;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A transport that signals real-looking parameters (random ICE credentials, a host candidate on
 * the media port, a random fingerprint) but carries no media. Signaling tests run the real
 * room layer ({@code SfuRoomService}) over it without sockets; browsers would never connect.
 */
public final class UnwiredTransport implements MediaTransport {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private final String id;
    private final String ufrag;
    private final String pwd;
    private final List<IceCandidate> candidates;
    private final Fingerprint fingerprint;
    private volatile RemoteParameters remote;
    private final List<IceCandidate> remoteCandidates = new ArrayList<>();
    private volatile boolean closed;
    private volatile TransportListener listener;
    private final CloseHandlers closeHandlers;

    public UnwiredTransport(String id, String ufrag, String pwd, List<IceCandidate> candidates, Fingerprint fingerprint) {
        this.id = id;
        this.ufrag = ufrag;
        this.pwd = pwd;
        this.candidates = List.copyOf(candidates);
        this.fingerprint = fingerprint;
        this.closeHandlers = new CloseHandlers(id);
    }

    /**
     * Makes transports for {@code SfuRoomService}: random credentials and one host candidate per
     * address on {@code port}.
     */
    public static Function<String, MediaTransport> maker(List<String> addresses, int port) {
        return participantId -> {
            List<IceCandidate> c = new ArrayList<>();
            int n = 1;
            for (String a : addresses) {
                c.add(new IceCandidate(Integer.toString(n++), 1, "udp", 2130706431L - n, a, port, "host"));
            }
            byte[] fp = new byte[32];
            RANDOM.nextBytes(fp);
            String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp);
            return new UnwiredTransport(participantId, random(8), random(24), c, new Fingerprint("sha-256", hex));
        };
    }

    /** Ends the transport by itself (as if ICE consent expired): the close handlers hear it once. */
    public void end(CloseReason reason, String detail) {
        closed = true;
        closeHandlers.fire(reason, detail);
    }

    @Override
    public synchronized void bind(TransportListener l) {
        if (listener != null) {
            throw new IllegalStateException(id + ": a listener is already bound");
        }
        listener = java.util.Objects.requireNonNull(l, "listener");
    }

    /** The bound listener (the participant's endpoint), or null (tests). */
    public TransportListener listener() {
        return listener;
    }

    @Override
    public void addCloseHandler(BiConsumer<CloseReason, String> handler) {
        closeHandlers.add(handler);
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String localIceUfrag() {
        return ufrag;
    }

    @Override
    public String localIcePwd() {
        return pwd;
    }

    @Override
    public List<IceCandidate> localCandidates() {
        return candidates;
    }

    @Override
    public Fingerprint localFingerprint() {
        return fingerprint;
    }

    @Override
    public DtlsSetup localSetup(DtlsSetup remoteSetup) {
        return remoteSetup == DtlsSetup.PASSIVE ? DtlsSetup.ACTIVE : DtlsSetup.PASSIVE;
    }

    @Override
    public void setRemote(RemoteParameters parameters) {
        this.remote = parameters;
    }

    @Override
    public synchronized void addRemoteCandidate(IceCandidate candidate) {
        remoteCandidates.add(candidate);
    }

    /** The last remote parameters set (tests). */
    public RemoteParameters remote() {
        return remote;
    }

    /** The trickled candidates received (tests). */
    public synchronized List<IceCandidate> remoteCandidates() {
        return new ArrayList<>(remoteCandidates);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        return false;
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return false;
    }

    @Override
    public void close() {
        end(CloseReason.LOCAL_CLOSE, "closed");
    }
}
