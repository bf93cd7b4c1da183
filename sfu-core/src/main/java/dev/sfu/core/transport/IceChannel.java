package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a transport needs from its ICE agent (RFC 8445): local credentials and candidates for
 * SDP, the remote ones, routes to validated pairs, and close. {@link IceLink} is the ice4j
 * implementation; tests drive a transport through a scripted one.
 */
interface IceChannel {
    String localUfrag();

    String localPassword();

    List<IceCandidate> localCandidates();

    /** Sets the remote credentials and candidates and starts the checks once. */
    void setRemote(String ufrag, String password, List<IceCandidate> candidates);

    /** Adds one remote candidate (trickle). */
    void addRemoteCandidate(IceCandidate candidate);

    /** A route to a validated pair's remote address, or null. */
    IceLink.Route validatedRoute(InetSocketAddress remote);

    void close();
}
