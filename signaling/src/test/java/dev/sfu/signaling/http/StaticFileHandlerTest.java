package dev.sfu.signaling.http;

import dev.sfu.signaling.config.ServerConfig;
import com.codahale.metrics.MetricRegistry;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.session.UnwiredTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server pipeline's HTTP side, in an EmbeddedChannel. */
class StaticFileHandlerTest {

    /** Sends one request through the server pipeline and decodes the response with a client codec. */
    private static FullHttpResponse request(HttpMethod method, String uri, String ifNoneMatch) {
        EmbeddedChannel server = new EmbeddedChannel();
        ServerConfig config = ServerConfig.loopback(10000);
        SfuRoomService rooms = new SfuRoomService(50, new MetricRegistry(), UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        SignalingServer.configure(server.pipeline(), config, rooms, rooms, new StaticFileHandler());
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(4 << 20));
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (ifNoneMatch != null) {
            req.headers().set("If-None-Match", ifNoneMatch);
        }
        client.writeOutbound(req);
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        while ((bytes = server.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        FullHttpResponse resp = client.readInbound();
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
        return resp;
    }

    @Test
    void rootServesIndexHtmlWithRevalidation() {
        FullHttpResponse r = request(HttpMethod.GET, "/?room=ABC", null);
        try {
            assertEquals(200, r.status().code());
            assertEquals("text/html; charset=utf-8", r.headers().get("content-type"));
            assertEquals("no-cache", r.headers().get("cache-control"));
            assertEquals("nosniff", r.headers().get("x-content-type-options"));
            assertTrue(r.content().readableBytes() > 0);
            String etag = r.headers().get("etag");
            FullHttpResponse again = request(HttpMethod.GET, "/", etag);
            assertEquals(304, again.status().code());
            ReferenceCountUtil.release(again);
        } finally {
            ReferenceCountUtil.release(r);
        }
    }

    @Test
    void chartJsComesFromItsWebJar() {
        FullHttpResponse r = request(HttpMethod.GET, "/vendor/chart.js", null);
        assertEquals(200, r.status().code());
        assertEquals("text/javascript; charset=utf-8", r.headers().get("content-type"));
        assertEquals("public, max-age=86400", r.headers().get("cache-control"));
        assertTrue(r.content().readableBytes() > 100_000);
        ReferenceCountUtil.release(r);
    }

    @Test
    void headHasLengthButNoBodyAndPostIsRefused() {
        FullHttpResponse head = request(HttpMethod.HEAD, "/", null);
        assertEquals(200, head.status().code());
        ReferenceCountUtil.release(head);
        FullHttpResponse post = request(HttpMethod.POST, "/", null);
        assertEquals(405, post.status().code());
        assertEquals("GET, HEAD", post.headers().get("allow"));
        ReferenceCountUtil.release(post);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../pom.xml", "/%2e%2e/%2e%2e/etc/passwd", "/css/../../secret.css", "/..%2f..%2fx.js",
        "/.hidden.js", "/a\\b.js", "//etc/passwd.txt", "/logback.xml", "/dev/sfu/signaling/Main.class",
        "/reference.conf", "/missing.js", "/web/../web/index.html"})
    void traversalHiddenAndUnknownPathsAre404(String uri) {
        FullHttpResponse r = request(HttpMethod.GET, uri, null);
        assertEquals(404, r.status().code(), uri);
        ReferenceCountUtil.release(r);
    }

    @Test
    void resourceNamesMapPagePathsIntoTheWebFolder() {
        assertEquals("web/index.html", StaticFileHandler.resourceName("/"));
        assertEquals("web/css/app.css", StaticFileHandler.resourceName("/css/app.css"));
        assertEquals("web/css/app.css", StaticFileHandler.resourceName("/web/css/app.css"));
        assertEquals("web/js/app.js", StaticFileHandler.resourceName("/js/app.js?v=2"));
        assertNull(StaticFileHandler.resourceName("/js/"));
        assertNull(StaticFileHandler.resourceName("/js/../app.js"));
        assertEquals("text/javascript; charset=utf-8", StaticFileHandler.contentType("a.mjs"));
    }
}
