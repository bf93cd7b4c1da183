package dev.sfu.core.transport;

import java.util.List;

/**
 * The ICE/DTLS half of a {@link MediaTransport} for transports that have none: the forwarding
 * warm-up, benchmarks and tests, which only implement sending. Fixed credentials, no candidates,
 * a placeholder fingerprint, always passive, remote parameters ignored, always connected.
 */
public abstract class NoIceTransport implements MediaTransport {
    private final String id;

    protected NoIceTransport(String id) {
        this.id = id;
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
}
