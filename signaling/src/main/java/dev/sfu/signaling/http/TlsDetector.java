package dev.sfu.signaling.http;

import dev.sfu.signaling.tls.ReloadingSslContext;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.OptionalSslHandler;

/**
 * The first handler of a connection when TLS is on: a connection that starts with a TLS record
 * gets an {@code SslHandler} from the certificate in use now ({@link ReloadingSslContext}), so a
 * renewed certificate serves every connection made after it was written; one that starts with
 * plain HTTP (someone typed {@code http://}) is answered by {@link HttpsRedirectHandler}.
 */
final class TlsDetector extends OptionalSslHandler {
    TlsDetector(ReloadingSslContext tls) {
        super(tls.current());
    }

    @Override
    protected String newSslHandlerName() {
        return "tls";
    }

    @Override
    protected ChannelHandler newNonSslHandler(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter("aggregator", "https-redirect", new HttpsRedirectHandler());
        return null;
    }
}
