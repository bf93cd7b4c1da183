package dev.sfu.signaling.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web client from the classpath folder {@code web/} (the web-client jar):
 * {@code /} is {@code web/index.html}, {@code /css/app.css} and {@code /web/css/app.css} are
 * {@code web/css/app.css}; {@code /vendor/chart.js} is Chart.js from its WebJar. GET and HEAD
 * only; paths with {@code ..}, backslashes, empty or hidden segments are refused; files carry a
 * content type, {@code nosniff}, an ETag and a cache policy (HTML revalidates, assets cache for
 * five minutes). Resources are read once and kept in memory.
 */
@ChannelHandler.Sharable
public final class StaticFileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Chart.js inside its WebJar (org.webjars.npm:chart.js). */
    static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.7/dist/chart.umd.js";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"), Map.entry("woff2", "font/woff2"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));

    private record Resource(byte[] bytes, String contentType, String etag, String cacheControl) {
    }

    private final ClassLoader loader;
    private final Map<String, Optional<Resource>> cache = new ConcurrentHashMap<>();

    public StaticFileHandler() {
        this(StaticFileHandler.class.getClassLoader());
    }

    public StaticFileHandler(ClassLoader loader) {
        super(true);
        this.loader = loader;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, error(HttpResponseStatus.BAD_REQUEST, "Bad request."));
            return;
        }
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!HttpMethod.GET.equals(req.method()) && !head) {
            FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD are served.");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, req, r);
            return;
        }
        String resourceName = resourceName(req.uri());
        if (resourceName == null) {
            send(ctx, req, error(HttpResponseStatus.NOT_FOUND, "Not found."));
            return;
        }
        Optional<Resource> res = cache.computeIfAbsent(resourceName, this::load);
        if (res.isEmpty()) {
            send(ctx, req, error(HttpResponseStatus.NOT_FOUND, "Not found."));
            return;
        }
        Resource r = res.get();
        FullHttpResponse resp;
        if (r.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        } else {
            resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.bytes()));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, head || resp.status() == HttpResponseStatus.NOT_MODIFIED
                ? (resp.status() == HttpResponseStatus.NOT_MODIFIED ? 0 : r.bytes().length) : r.bytes().length);
        resp.headers().set(HttpHeaderNames.ETAG, r.etag());
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, r.cacheControl());
        resp.headers().set("X-Content-Type-Options", "nosniff");
        send(ctx, req, resp);
    }

    /**
     * The classpath resource for a request URI, or null when the path is not one that may be
     * served (traversal, hidden or odd segments, no known extension).
     */
    static String resourceName(String uri) {
        String path;
        try {
            path = new QueryStringDecoder(uri, StandardCharsets.UTF_8).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (path.equals("/") || path.equals("/index.html") || path.equals("/web/") || path.equals("/web/index.html")) {
            return "web/index.html";
        }
        if (path.equals("/vendor/chart.js")) {
            return CHART_JS;
        }
        if (!path.startsWith("/")) {
            return null;
        }
        String rel = path.startsWith("/web/") ? path.substring(5) : path.substring(1);
        String[] segments = rel.split("/", -1);
        if (segments.length > 8) {
            return null;
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
                return null;
            }
        }
        if (contentType(rel) == null) {
            return null;
        }
        return "web/" + rel;
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(name.substring(dot + 1));
    }

    private Optional<Resource> load(String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "\"";
            String cache = name.endsWith(".html") ? "no-cache" : name.startsWith("META-INF/") ? "public, max-age=86400"
                    : "public, max-age=300";
            return Optional.of(new Resource(bytes, contentType(name), etag, cache));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FullHttpResponse error(HttpResponseStatus status, String text) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set("X-Content-Type-Options", "nosniff");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        boolean keepAlive = HttpUtil.isKeepAlive(req) && req.decoderResult().isSuccess();
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
