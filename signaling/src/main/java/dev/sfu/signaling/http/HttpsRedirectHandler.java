package dev.sfu.signaling.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Answers a plain-HTTP request on the TLS port: {@code 308 Permanent Redirect} to the same
 * address with {@code https://}, and a sentence for clients that do not follow it (a
 * {@code ws://} WebSocket cannot be redirected: it must use {@code wss://}). The connection is
 * then closed.
 */
final class HttpsRedirectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        String uri = req.uri().startsWith("/") ? req.uri() : "/";
        FullHttpResponse r;
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            r = response(HttpResponseStatus.BAD_REQUEST, "This server speaks HTTPS only: use https:// (and wss:// for the WebSocket).");
        } else {
            String target = "https://" + host + uri;
            r = response(HttpResponseStatus.PERMANENT_REDIRECT, "This server speaks HTTPS only: open " + target
                    + (uri.startsWith("/ws") ? " (the WebSocket is wss://" + host + uri + ")" : "") + ".");
            r.headers().set(HttpHeaderNames.LOCATION, target);
        }
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String text) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }
}
