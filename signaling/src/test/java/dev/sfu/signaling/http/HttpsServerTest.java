package dev.sfu.signaling.http;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.signaling.config.ServerConfig;
import dev.sfu.signaling.ice.IceServersConfig;
import dev.sfu.signaling.room.SfuRoomService;
import dev.sfu.signaling.session.UnwiredTransport;
import dev.sfu.signaling.tls.ReloadingSslContext;
import dev.sfu.signaling.tls.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP port with TLS (Netty's SslHandler on the JDK provider): HTTPS and WSS with the
 * configured PEM certificate, verified by clients that trust only that certificate; a replaced
 * certificate serves new connections without a restart, a broken replacement does not; plain HTTP
 * on that port is redirected to https.
 */
class HttpsServerTest {
    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private SignalingServer server;
    private SfuRoomService rooms;
    private SelfSignedCertificate first;
    private SelfSignedCertificate second;

    @BeforeEach
    void start() throws Exception {
        first = SelfSignedCertificate.ensure(dir.resolve("first"));
        second = SelfSignedCertificate.ensure(dir.resolve("second"));
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Files.copy(first.certFile(), cert);
        Files.copy(first.keyFile(), key);
        rooms = new SfuRoomService(50, new MetricRegistry(), UnwiredTransport.maker(List.of("127.0.0.1"), 10000));
        server = SignalingServer.start(ServerConfig.loopback(10000), rooms, rooms, null, ReloadingSslContext.load(cert, key),
                new WebRtcConfigHandler(IceServersConfig.none()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (rooms != null) {
            rooms.close();
        }
    }

    /** A TLS context that trusts exactly {@code c} (with host name checks, as a browser does). */
    private static SSLContext trusting(X509Certificate c) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("sfu", c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The certificate a new TLS connection is served. */
    private X509Certificate served() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port())) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void httpsAndWssServeThePageAndSignalingWithTheConfiguredCertificate() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(first.certificate())).build();
        String origin = "https://127.0.0.1:" + server.port();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(origin + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), page.body());
        HttpResponse<String> config = client.send(HttpRequest.newBuilder(URI.create(origin + "/webrtc/config")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, config.statusCode());
        assertTrue(config.body().contains("\"ice_servers\":[]"), config.body());

        CompletableFuture<String> firstMessage = new CompletableFuture<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/ws"),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            firstMessage.complete(text.toString());
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"join\",\"room\":\"tls\",\"name\":\"Ada\"}", true).get(5, TimeUnit.SECONDS);
        String joined = firstMessage.get(10, TimeUnit.SECONDS);
        assertTrue(joined.contains("\"type\":\"joined\""), joined);
        ws.abort();
    }

    @Test
    void aReplacedCertificateServesNewConnectionsWithoutARestart() throws Exception {
        assertEquals(first.certificate(), served());
        // Half-done replacement: the new certificate with the old key. Refused; the old one stays.
        Files.copy(second.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() < until) {
            assertEquals(first.certificate(), served(), "a certificate without its key is never served");
            Thread.sleep(100);
        }
        // Then the key: from now on new connections get the second certificate.
        Files.copy(second.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        X509Certificate now = served();
        while (!now.equals(second.certificate()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = served();
        }
        assertEquals(second.certificate(), now, "the replaced certificate is served within the 1 s check interval");
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(second.certificate())).build();
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void plainHttpOnTheTlsPortIsRedirectedToHttps() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /?room=abc HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 308 Permanent Redirect", in.readLine());
            String location = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("location:")) {
                    location = line.substring(9).strip();
                }
            }
            assertEquals("https://127.0.0.1:" + server.port() + "/?room=abc", location);
        }
    }
}
