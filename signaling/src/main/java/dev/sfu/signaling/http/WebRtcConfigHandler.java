package dev.sfu.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.ice.TurnRestCredentials;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /webrtc/config}: what a browser needs to build its {@code RTCPeerConnection}, in the
 * shape WebRTC signaling APIs use:
 * <pre>
 * {"ice_servers":[{"urls":["stun:stun.example.net:3478"]},
 *                 {"urls":["turn:turn.example.net:3478?transport=udp"],"username":"1767225600:p-3f2a","credential":"..."}],
 *  "ice_transport_policy":"all","bundle_policy":"max-bundle","rtcp_mux_policy":"require"}
 * </pre>
 * With a shared TURN secret every response carries fresh time-limited credentials
 * ({@link TurnRestCredentials}), so it is never cached. Who may ask is decided by a
 * {@link ConfigCaller} (the place for a token check). Other requests pass on unchanged.
 */
@ChannelHandler.Sharable
public final class WebRtcConfigHandler extends ChannelInboundHandlerAdapter {
    public static final String PATH = "/webrtc/config";

    private final IceServersConfig ice;
    private final TurnRestCredentials rest;
    private final ConfigCaller caller;
    private final ObjectMapper json = new ObjectMapper();

    public WebRtcConfigHandler(IceServersConfig ice, ConfigCaller caller, Clock clock) {
        this.ice = ice;
        this.rest = ice.usesSecret() ? new TurnRestCredentials(ice.turnSecret(), ice.turnCredentialTtl(), clock) : null;
        this.caller = caller;
    }

    /** Open to anyone, with the system clock. */
    public WebRtcConfigHandler(IceServersConfig ice) {
        this(ice, ConfigCaller.anonymous(), Clock.systemUTC());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        QueryStringDecoder uri;
        try {
            uri = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!uri.path().equals(PATH)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            send(ctx, req, answer(req, uri));
        } finally {
            req.release();
        }
    }

    private FullHttpResponse answer(FullHttpRequest req, QueryStringDecoder uri) {
        if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
            FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                    PATH + " answers GET only.");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return r;
        }
        String participant;
        try {
            participant = caller.identify(req, uri);
        } catch (ConfigCaller.Refused e) {
            FullHttpResponse r = error(e.status(), e.code(), e.getMessage());
            if (e.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            return r;
        }
        byte[] body = body(participant);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                HttpMethod.HEAD.equals(req.method()) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** The JSON document for one participant. */
    byte[] body(String participant) {
        ObjectNode root = json.createObjectNode();
        ArrayNode servers = root.putArray("ice_servers");
        if (!ice.stunUrls().isEmpty()) {
            ObjectNode stun = servers.addObject();
            ice.stunUrls().forEach(stun.putArray("urls")::add);
        }
        if (!ice.turnUrls().isEmpty()) {
            ObjectNode turn = servers.addObject();
            ice.turnUrls().forEach(turn.putArray("urls")::add);
            if (rest != null) {
                TurnRestCredentials.Login login = rest.issue(participant);
                turn.put("username", login.username());
                turn.put("credential", login.credential());
            } else {
                turn.put("username", ice.turnUsername());
                turn.put("credential", ice.turnCredential());
            }
        }
        root.put("ice_transport_policy", ice.iceTransportPolicy());
        root.put("bundle_policy", "max-bundle");
        root.put("rtcp_mux_policy", "require");
        try {
            return json.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        ObjectNode root = json.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("code", code);
        err.put("message", message);
        byte[] body;
        try {
            body = json.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        // Credentials in it, and fresh ones on every request.
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        if (HttpUtil.isKeepAlive(req)) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
