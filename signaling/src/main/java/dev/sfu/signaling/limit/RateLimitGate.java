package dev.sfu.signaling.limit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The per-address limits of one HTTP connection, before the WebSocket handshake and the
 * endpoints: a WebSocket upgrade on {@code /ws} counts against the connections per minute and
 * at once, a request to {@code /api/*}, {@code /metrics} or {@code /webrtc/*} against the HTTP
 * requests per minute. Over a limit the request is answered {@code 429 Too Many Requests} with
 * {@code Retry-After} (seconds) and the connection is closed. Static files, {@code /health} and
 * {@code /ready} are not limited.
 */
public final class RateLimitGate extends ChannelInboundHandlerAdapter {
    private final RateLimits limits;
    private final String websocketPath;
    private InetAddress openFrom;

    public RateLimitGate(RateLimits limits, String websocketPath) {
        this.limits = limits;
        this.websocketPath = websocketPath;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest req) {
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            // Every path the WebSocket handler upgrades counts: it takes the path and anything below it.
            boolean websocket = path.equals(websocketPath) || path.startsWith(websocketPath + "/");
            if (websocket && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                if (openFrom == null) {
                    InetAddress client = ClientAddress.of(ctx.channel(), req, limits.config().trustedProxies());
                    long wait = limits.tryOpen(client);
                    if (wait > 0) {
                        refuse(ctx, req, wait, "Too many signaling connections from your address; try again in "
                                + seconds(wait) + " s.");
                        return;
                    }
                    openFrom = client;
                }
            } else if (path.startsWith("/api/") || path.equals("/metrics") || path.startsWith("/webrtc/")) {
                long wait = limits.tryRequest(ClientAddress.of(ctx.channel(), req, limits.config().trustedProxies()));
                if (wait > 0) {
                    refuse(ctx, req, wait, "Too many requests from your address; try again in " + seconds(wait) + " s.");
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (openFrom != null) {
            limits.closed(openFrom);
            openFrom = null;
        }
        super.channelInactive(ctx);
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest req, long waitMillis, String sentence) {
        req.release();
        byte[] body = (sentence + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TOO_MANY_REQUESTS,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.RETRY_AFTER, seconds(waitMillis))
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    /** Retry-After in whole seconds, rounded up, at least 1. */
    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
