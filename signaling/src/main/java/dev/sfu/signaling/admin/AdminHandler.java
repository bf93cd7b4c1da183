package dev.sfu.signaling.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.StatsSnapshot;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The operator endpoints, placed before the static file handler in the signaling pipeline:
 * {@code /health}, {@code /ready}, {@code /metrics}, {@code /api/rooms}, {@code /api/rooms/{id}},
 * {@code /api/cluster}, {@code /api/stream} and {@code /dashboard}. Other requests pass on unchanged. Everything is
 * answered from the collector's latest snapshot, on the event loop, without touching rooms.
 */
@ChannelHandler.Sharable
final class AdminHandler extends ChannelInboundHandlerAdapter {
    private static final String JSON = "application/json";
    private static final String DASHBOARD = "web/dashboard.html";

    private final Operators operators;
    private final ObjectMapper json;
    private final byte[] token;
    private volatile byte[] dashboard;

    AdminHandler(Operators operators, ObjectMapper json, String token) {
        this.operators = operators;
        this.json = json;
        this.token = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
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
        String path = uri.path();
        Route route = route(path);
        if (route == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            handle(ctx, req, uri, route);
        } finally {
            req.release();
        }
    }

    private enum Route { HEALTH, READY, METRICS, ROOMS, ROOM, CLUSTER, STREAM, DASHBOARD }

    private static Route route(String path) {
        return switch (path) {
            case "/health" -> Route.HEALTH;
            case "/ready" -> Route.READY;
            case "/metrics" -> Route.METRICS;
            case "/api/rooms", "/api/rooms/" -> Route.ROOMS;
            case "/api/cluster", "/api/cluster/" -> Route.CLUSTER;
            case "/api/stream" -> Route.STREAM;
            case "/dashboard", "/dashboard/" -> Route.DASHBOARD;
            default -> path.startsWith("/api/rooms/") ? Route.ROOM : null;
        };
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, Route route) {
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!HttpMethod.GET.equals(req.method()) && !head) {
            FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                    "Only GET and HEAD are served here.");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, req, r);
            return;
        }
        boolean queryTokenAllowed = route == Route.STREAM || route == Route.DASHBOARD;
        if (route != Route.HEALTH && route != Route.READY && !authorized(req, uri, queryTokenAllowed)) {
            FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED",
                    "This endpoint needs the admin token: send 'Authorization: Bearer <token>'"
                            + (queryTokenAllowed ? " or add ?token=<token>." : "."));
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sfu\"");
            send(ctx, req, r);
            return;
        }
        StatsSnapshot s = operators.latest();
        switch (route) {
            case HEALTH -> send(ctx, req, json(HttpResponseStatus.OK, new Views.Status("up")));
            case READY -> send(ctx, req, operators.isReady()
                    ? json(HttpResponseStatus.OK, new Views.Status("ready"))
                    : json(HttpResponseStatus.SERVICE_UNAVAILABLE, new Views.Status("draining")));
            case METRICS -> send(ctx, req, text(HttpResponseStatus.OK, PrometheusFormat.CONTENT_TYPE,
                    PrometheusFormat.write(s, operators.isReady(), operators.accessCounters(), operators.nodeId(),
                            operators.relayStats())
                            .getBytes(StandardCharsets.UTF_8)));
            case ROOMS -> send(ctx, req, json(HttpResponseStatus.OK, Views.RoomList.of(s)));
            case ROOM -> {
                String id = uri.path().substring("/api/rooms/".length());
                RoomStats r = s.room(id);
                send(ctx, req, r != null ? json(HttpResponseStatus.OK, r) : error(HttpResponseStatus.NOT_FOUND,
                        "ROOM_NOT_FOUND", "There is no room '" + id + "' (rooms exist only while someone is in them)."));
            }
            case CLUSTER -> send(ctx, req, json(HttpResponseStatus.OK, operators.clusterView()));
            case STREAM -> stream(ctx, req, uri);
            case DASHBOARD -> {
                byte[] page = dashboard();
                send(ctx, req, page == null ? error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "The dashboard page is missing from the build.")
                        : text(HttpResponseStatus.OK, "text/html; charset=utf-8", page));
            }
            default -> throw new IllegalStateException(route.name());
        }
    }

    /** Opens an event stream: headers and history now, snapshots from the hub every second. */
    private void stream(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        List<String> room = uri.parameters().get("room");
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(r, true);
        ctx.channel().config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        ctx.write(r);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(operators.hub().historyEvent())));
        // The connection now belongs to the stream: later requests on it are not expected.
        operators.hub().add(ctx.channel(), room == null || room.isEmpty() || room.get(0).isEmpty() ? null : room.get(0));
    }

    private boolean authorized(FullHttpRequest req, QueryStringDecoder uri, boolean queryAllowed) {
        if (token == null) {
            return true;
        }
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(token, auth.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        if (queryAllowed) {
            List<String> q = uri.parameters().get("token");
            return q != null && !q.isEmpty() && MessageDigest.isEqual(token, q.get(0).getBytes(StandardCharsets.UTF_8));
        }
        return false;
    }

    private byte[] dashboard() {
        byte[] page = dashboard;
        if (page == null) {
            try (InputStream in = AdminHandler.class.getClassLoader().getResourceAsStream(DASHBOARD)) {
                if (in == null) {
                    return null;
                }
                page = in.readAllBytes();
                dashboard = page;
            } catch (IOException e) {
                return null;
            }
        }
        return page;
    }

    private FullHttpResponse json(HttpResponseStatus status, Object body) {
        try {
            return text(status, JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
    }

    private FullHttpResponse error(HttpResponseStatus status, String code, String message) {
        return json(status, Views.ErrorBody.of(code, message));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        if (HttpMethod.HEAD.equals(req.method())) {
            resp.content().clear();
        }
        if (HttpUtil.isKeepAlive(req)) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
