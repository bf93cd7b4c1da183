package dev.sfu.signaling.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who asks for {@code GET /webrtc/config}: the seam where access to ICE servers is decided. It
 * names the participant that time-limited TURN usernames carry ({@code <expiry>:<participant>}),
 * or refuses the request. {@link #anonymous()} lets anyone in, as the signaling WebSocket does
 * while no join tokens are configured; a token check ({@code Authorization: Bearer}, issue 14
 * section 3) is another implementation given to {@link WebRtcConfigHandler}.
 */
@FunctionalInterface
public interface ConfigCaller {

    /**
     * The participant name for this request: letters, digits, {@code _ . -}, at most 64.
     *
     * @throws Refused to answer with its status and error code instead of the configuration
     */
    String identify(FullHttpRequest request, QueryStringDecoder uri) throws Refused;

    /** A refusal: the HTTP status, a code from docs/signaling.md, and a sentence saying what to do. */
    final class Refused extends Exception {
        private final HttpResponseStatus status;
        private final String code;

        public Refused(HttpResponseStatus status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public HttpResponseStatus status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /** Names allowed in a TURN username (no ':', which separates the expiry). */
    Pattern PARTICIPANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * Anyone may ask; the participant is {@code ?participant=} (the page sends its participant id)
     * or, without it, a random name.
     */
    static ConfigCaller anonymous() {
        SecureRandom random = new SecureRandom();
        return (request, uri) -> {
            List<String> given = uri.parameters().get("participant");
            if (given == null || given.isEmpty()) {
                byte[] b = new byte[6];
                random.nextBytes(b);
                return "anon-" + HexFormat.of().formatHex(b);
            }
            String p = given.get(0);
            if (!PARTICIPANT.matcher(p).matches()) {
                throw new Refused(HttpResponseStatus.BAD_REQUEST, "INVALID_FIELD",
                        "The query parameter 'participant' must be 1 to 64 letters, digits, '_', '.' or '-'.");
            }
            return p;
        };
    }
}
