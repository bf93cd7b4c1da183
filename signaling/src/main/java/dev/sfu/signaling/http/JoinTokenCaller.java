package dev.sfu.signaling.http;

import dev.sfu.signaling.auth.Grant;
import dev.sfu.signaling.auth.TokenRefused;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /webrtc/config} on a server with join token keys: the request needs
 * {@code Authorization: Bearer <join token>} (any room), and the TURN username names the token's
 * {@code sub}. A refusal is 401 with the signaling code ({@code UNAUTHORIZED} or
 * {@code TOKEN_EXPIRED}) and its sentence, counted like a refused join. Without keys, anyone
 * ({@link ConfigCaller#anonymous()}).
 */
final class JoinTokenCaller {
    private JoinTokenCaller() {
    }

    /** The caller check for {@code access}. */
    static ConfigCaller of(AccessControl access) {
        if (!access.tokens().required()) {
            return ConfigCaller.anonymous();
        }
        return (request, uri) -> {
            Grant g;
            try {
                g = access.tokens().verifyBearer(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            } catch (TokenRefused e) {
                access.counters().refused(e.reason());
                throw new ConfigCaller.Refused(HttpResponseStatus.UNAUTHORIZED, e.code().name(), e.getMessage());
            }
            return participant(g.identity());
        };
    }

    /** The identity as a TURN username part: characters outside {@code A-Z a-z 0-9 _ . -} become '_', at most 64. */
    static String participant(String identity) {
        StringBuilder b = new StringBuilder(Math.min(identity.length(), 64));
        for (int i = 0; i < identity.length() && b.length() < 64; i++) {
            char c = identity.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-') ? c : '_');
        }
        return b.toString();
    }
}
