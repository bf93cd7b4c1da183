package dev.sfu.signaling.limit;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a connection's client is counted under: the TCP peer, or, when the peer is a
 * trusted reverse proxy, the last entry of its {@code X-Forwarded-For} header (the address the
 * proxy itself saw; entries before it can be forged by the client).
 */
public final class ClientAddress {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f.]{0,40}:[0-9A-Fa-f:.]{1,44}");

    private ClientAddress() {
    }

    /** The client of {@code request} on {@code channel}; null when the channel has no IP peer (tests). */
    public static InetAddress of(Channel channel, HttpRequest request, List<InetAddress> trustedProxies) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return null;
        }
        return of(peer.getAddress(), request, trustedProxies);
    }

    /** The client behind TCP peer {@code a}, as {@link #of(Channel, HttpRequest, List)}. */
    static InetAddress of(InetAddress a, HttpRequest request, List<InetAddress> trustedProxies) {
        if (!trustedProxies.isEmpty() && trustedProxies.contains(a)) {
            String xff = request.headers().get("X-Forwarded-For");
            if (xff != null) {
                String[] hops = xff.split(",");
                InetAddress client = literal(hops[hops.length - 1].strip());
                if (client != null) {
                    return client;
                }
            }
        }
        return a;
    }

    /** An IPv4 or IPv6 literal, or null for anything else (never a name lookup). */
    static InetAddress literal(String s) {
        if (s == null || !IP_LITERAL.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
