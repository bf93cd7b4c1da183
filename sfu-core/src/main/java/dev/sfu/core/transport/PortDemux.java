package dev.sfu.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which agent a datagram on the shared media port is for, as RFC 8445 section 6.1.1 implies for a
 * port shared by many agents: a STUN Binding Request from an unknown address is matched to an
 * agent's {@link PortCandidate} by the local half of its USERNAME ({@link StunUsername}); from
 * then on that address belongs to that agent. Every other datagram from an unknown address is
 * dropped and counted ({@link DropReason#UNKNOWN_SOURCE}).
 *
 * <p>STUN for a known address goes to that address's {@link PolledDatagramSocket}, which ice4j's
 * STUN stack reads; everything else goes to the agent's component (the push API,
 * {@link org.ice4j.ice.Component#handleBuffer}), which hands it to the transport.
 */
final class PortDemux implements PortIo.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(PortDemux.class);

    /** What is known of one remote address. */
    record Peer(PortCandidate candidate, PolledDatagramSocket stunSocket, BufferHandler media) {
    }

    private final InetSocketAddress local;
    private final DropCounters drops;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, PortCandidate> candidates = new ConcurrentHashMap<>();

    PortDemux(InetSocketAddress local, DropCounters drops) {
        this.local = local;
        this.drops = drops;
    }

    /** Datagrams whose Binding Requests name {@code c}'s ufrag go to {@code c} from now on. */
    void register(PortCandidate c) {
        candidates.put(c.ufrag(), c);
    }

    /** Undoes {@link #register} and forgets the addresses {@code c} had. */
    void forget(PortCandidate c, List<InetSocketAddress> remotes) {
        candidates.remove(c.ufrag(), c);
        for (InetSocketAddress remote : remotes) {
            Peer p = peers.get(remote);
            if (p != null && p.candidate() == c) {
                peers.remove(remote, p);
            }
        }
    }

    /** The candidates registered now (to free them when the port closes). */
    List<PortCandidate> candidates() {
        return List.copyOf(candidates.values());
    }

    @Override
    public boolean dispatch(Buffer b, int len, SocketAddress from) {
        byte[] data = b.getBuffer();
        if (len == 0 || !(from instanceof InetSocketAddress remote)) {
            drops.increment(DropReason.MALFORMED);
            return false;
        }
        Peer peer = peers.get(remote);
        // RFC 7983 section 7: a first byte of 0 to 3 is STUN.
        boolean stun = (data[0] & 0xff) < 4;
        if (peer == null || (stun && !peer.candidate().isLive())) {
            peer = stun ? accept(data, len, remote) : null;
            if (peer == null) {
                drops.increment(DropReason.UNKNOWN_SOURCE);
                return false;
            }
        } else if (stun) {
            peer = remapIfOtherAgent(peer, data, len, remote);
        }
        if (stun) {
            // Checks and consent requests: a few per second per peer, so a copy is fine.
            peer.stunSocket().deliverStun(Arrays.copyOf(data, len), remote);
            return false;
        }
        b.setOffset(0);
        b.setLength(len);
        b.setRemoteAddress(remote);
        try {
            peer.media().handleBuffer(b);
        } catch (RuntimeException e) {
            LOG.warn("media port {}: handler failed", local, e);
        }
        return true;
    }

    /**
     * A known address that sends a Binding Request for another live agent (a peer that restarted
     * and reused its port) now belongs to that agent; anything else stays where it was.
     */
    private Peer remapIfOtherAgent(Peer peer, byte[] datagram, int len, InetSocketAddress remote) {
        String ufrag = StunUsername.localUfrag(datagram, len);
        if (ufrag == null || ufrag.equals(peer.candidate().ufrag()) || !candidates.containsKey(ufrag)) {
            return peer;
        }
        Peer next = accept(datagram, len, remote);
        return next != null ? next : peer;
    }

    /** A STUN datagram from a new address: a Binding Request for a known agent maps the address to it. */
    private Peer accept(byte[] datagram, int len, InetSocketAddress remote) {
        String ufrag = StunUsername.localUfrag(datagram, len);
        PortCandidate candidate = ufrag == null ? null : candidates.get(ufrag);
        if (candidate == null) {
            return null;
        }
        try {
            Peer peer = candidate.addPeer(remote);
            peers.put(remote, peer);
            return peer;
        } catch (IOException e) {
            LOG.debug("media port {}: not accepting {} for {}: {}", local, remote, ufrag, e.toString());
            return null;
        }
    }
}
