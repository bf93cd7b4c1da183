package dev.sfu.core.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one transport accepts packets from and sends them to. Any ICE-validated remote address
 * may send (RFC 8445 section 12.1 lets data flow on any valid pair): the controlling peer picks
 * the pair it uses, and Chromium moves from its loopback socket to its non-loopback one, even
 * in the middle of the DTLS handshake, while ice4j keeps the first pair it selected. So this
 * side sends where the peer sends from: DTLS is answered on the pair it arrived on, and after
 * SRTP that decrypted, or any DTLS record, from another validated address, the route moves there.
 */
final class PeerRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(PeerRoutes.class);
    private static final InetSocketAddress[] NONE = new InetSocketAddress[0];

    private final String id;
    private final Function<InetSocketAddress, IceLink.Route> iceLookup;
    private volatile InetSocketAddress[] validated = NONE;
    private volatile IceLink.Route[] validatedRoutes = new IceLink.Route[0];
    private volatile InetSocketAddress selectedRemote;
    private volatile IceLink.Route route;
    private volatile IceLink.Route preSelectionRoute;
    private volatile InetSocketAddress dtlsPeer;

    /** {@code iceLookup} finds a validated pair ICE knows of but has not reported yet (or null). */
    PeerRoutes(String id, Function<InetSocketAddress, IceLink.Route> iceLookup) {
        this.id = id;
        this.iceLookup = iceLookup;
    }

    /** True when {@code from} is the selected remote address or any ICE-validated one. */
    boolean isValidatedSource(SocketAddress from) {
        InetSocketAddress sel = selectedRemote;
        if (sel != null && sel.equals(from)) {
            return true;
        }
        for (InetSocketAddress a : validated) {
            if (a.equals(from)) {
                return true;
            }
        }
        return false;
    }

    /** Records a validated pair; false when its remote address was already known. */
    synchronized boolean addValidated(IceLink.Route r) {
        InetSocketAddress remoteAddress = r.remote();
        InetSocketAddress[] cur = validated;
        for (InetSocketAddress a : cur) {
            if (a.equals(remoteAddress)) {
                return false;
            }
        }
        IceLink.Route[] routes = Arrays.copyOf(validatedRoutes, cur.length + 1);
        routes[cur.length] = r;
        validatedRoutes = routes;
        InetSocketAddress[] next = Arrays.copyOf(cur, cur.length + 1);
        next[cur.length] = remoteAddress;
        validated = next;
        return true;
    }

    /** ICE selected (nominated) a pair. */
    void select(IceLink.Route r) {
        route = r;
        selectedRemote = r.remote();
    }

    /** The remote address media goes to, or null before nomination. */
    InetSocketAddress selectedRemote() {
        return selectedRemote;
    }

    /** A DTLS record came from this validated address: answer there (before nomination too). */
    void dtlsFrom(InetSocketAddress from) {
        if (!from.equals(dtlsPeer)) {
            dtlsPeer = from;
            preSelectionRoute = validatedRouteTo(from);
        }
        follow(from);
    }

    /** After an authenticated packet or a DTLS record from another validated address: send there. */
    void follow(InetSocketAddress from) {
        IceLink.Route r = route;
        if (r == null || from == null || r.remote().equals(from)) {
            return;
        }
        IceLink.Route next = validatedRouteTo(from);
        if (next != null) {
            LOG.debug("{}: the peer moved to {}; sending there", id, from);
            route = next;
            selectedRemote = from;
        }
    }

    /** The selected pair, or before nomination the validated pair DTLS came from; null when none. */
    IceLink.Route sendRoute() {
        IceLink.Route r = route;
        if (r == null) {
            r = preSelectionRoute;
            InetSocketAddress peer = dtlsPeer;
            if (r == null && peer != null) {
                r = validatedRouteTo(peer);
                preSelectionRoute = r;
            }
        }
        return r;
    }

    /** Where DTLS goes now, for logs. */
    InetSocketAddress dtlsTarget() {
        IceLink.Route r = route;
        return r != null ? r.remote() : dtlsPeer;
    }

    private IceLink.Route validatedRouteTo(InetSocketAddress remoteAddress) {
        for (IceLink.Route r : validatedRoutes) {
            if (r.remote().equals(remoteAddress)) {
                return r;
            }
        }
        return iceLookup.apply(remoteAddress);
    }
}
