package dev.sfu.signaling.sdp;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.Fingerprint;
import dev.sfu.core.transport.IceCandidate;

import java.util.List;

/**
 * The server's transport parameters written into each media section it generates.
 *
 * @param iceUfrag    the server's ICE username fragment
 * @param icePwd      the server's ICE password
 * @param fingerprint the server certificate's fingerprint
 * @param setup       the server's a=setup (passive in answers to actpass, actpass in offers)
 * @param candidates  the server's candidates (one host candidate on the media port)
 */
public record LocalTransport(String iceUfrag, String icePwd, Fingerprint fingerprint, DtlsSetup setup,
                             List<IceCandidate> candidates) {
    public LocalTransport {
        candidates = List.copyOf(candidates);
    }

    /** A copy with another a=setup value. */
    public LocalTransport withSetup(DtlsSetup s) {
        return new LocalTransport(iceUfrag, icePwd, fingerprint, s, candidates);
    }
}
