package dev.sfu.core.transport;

import java.util.List;

/**
 * What the peer signalled in SDP for the transport.
 *
 * @param iceUfrag     remote ICE username fragment
 * @param icePwd       remote ICE password
 * @param fingerprints the peer's certificate fingerprints (any of sha-1 .. sha-512); at least one
 * @param setup        the peer's a=setup value
 * @param candidates   remote candidates known so far (more may arrive by trickle)
 */
public record RemoteParameters(String iceUfrag, String icePwd, List<Fingerprint> fingerprints,
                               DtlsSetup setup, List<IceCandidate> candidates) {
}
