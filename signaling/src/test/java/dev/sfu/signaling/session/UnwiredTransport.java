package dev.sfu.signaling.session;

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
import java.util.function.BiFunction;

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

    public UnwiredTransport(String id, String ufrag, String pwd, List<IceCandidate> candidates, Fingerprint fingerprint) {
        this.id = id;
        this.ufrag = ufrag;
        this.pwd = pwd;
        this.candidates = List.copyOf(candidates);
        this.fingerprint = fingerprint;
    }

    /**
     * Makes transports for {@code SfuRoomService}: random credentials and one host candidate per
     * address on {@code port}; the listener is kept so tests can end a transport ({@link #end}).
     */
    public static BiFunction<String, TransportListener, MediaTransport> maker(List<String> addresses, int port) {
        return (participantId, listener) -> {
            List<IceCandidate> c = new ArrayList<>();
            int n = 1;
            for (String a : addresses) {
                c.add(new IceCandidate(Integer.toString(n++), 1, "udp", 2130706431L - n, a, port, "host"));
            }
            byte[] fp = new byte[32];
            RANDOM.nextBytes(fp);
            String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp);
            UnwiredTransport t = new UnwiredTransport(participantId, random(8), random(24), c, new Fingerprint("sha-256", hex));
            t.listener = listener;
            return t;
        };
    }

    /** Ends the transport as if ICE consent expired: the listener hears it once. */
    public void end(CloseReason reason, String detail) {
        if (!closed) {
            closed = true;
            listener.onClosed(this, reason, detail);
        }
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
        if (!closed) {
            closed = true;
            if (listener != null) {
                listener.onClosed(this, CloseReason.LOCAL_CLOSE, "closed");
            }
        }
    }
}
