package dev.sfu.signaling.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the call page's {@code web/} classpath folder on 127.0.0.1 with no WebSocket endpoint,
 * the way the real server maps paths ({@code /} is {@code web/index.html}), and the real server's
 * {@code /webrtc/config} without ICE servers. For page tests that need no SFU.
 */
public final class StaticWebServer implements AutoCloseable {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml",
            "ico", "image/x-icon", "json", "application/json");

    private final HttpServer server;

    private StaticWebServer(HttpServer server) {
        this.server = server;
    }

    public static StaticWebServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", StaticWebServer::serve);
        server.start();
        return new StaticWebServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's base address; 127.0.0.1 is a secure context, so getUserMedia works. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/";
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/webrtc/config")) {
                // What the real server answers without STUN or TURN configured.
                byte[] body = ("{\"ice_servers\":[],\"ice_transport_policy\":\"all\",\"bundle_policy\":\"max-bundle\","
                        + "\"rtcp_mux_policy\":\"require\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            if (path.equals("/")) {
                path = "/index.html";
            }
            InputStream in = path.contains("..") ? null
                    : StaticWebServer.class.getClassLoader().getResourceAsStream("web" + path);
            if (in == null) {
                byte[] body = ("not found: " + path).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            try (in) {
                byte[] body = in.readAllBytes();
                String ext = path.substring(path.lastIndexOf('.') + 1);
                exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
