package dev.sfu.signaling.auth;

import dev.sfu.signaling.message.ErrorCode;
import dev.sfu.signaling.message.SignalingException;

/**
 * A join token was refused: the reason (counted in /metrics), the signaling code
 * ({@code UNAUTHORIZED}, or {@code TOKEN_EXPIRED}) and a sentence that says what to do. The
 * sentence never contains the token.
 */
public final class TokenRefused extends Exception {
    /** Why a token was refused. */
    public enum Reason {
        /** No token was sent. */
        MISSING,
        /** Not a signed JWT, or its header, payload or claims have the wrong shape. */
        MALFORMED,
        /** The header names a {@code kid} no configured key has. */
        UNKNOWN_KEY,
        /** The header's {@code alg} is not the one algorithm its key is pinned to ({@code none} included). */
        ALGORITHM_NOT_ALLOWED,
        /** The signature does not verify (a tampered token, or another key). */
        BAD_SIGNATURE,
        /** {@code exp} is past (beyond the clock leeway). */
        EXPIRED,
        /** {@code nbf} is still in the future (beyond the clock leeway). */
        NOT_YET_VALID,
        /** {@code iss} is not in the allow-list. */
        ISSUER,
        /** The token's room grant does not cover the room asked for. */
        WRONG_ROOM
    }

    private final Reason reason;

    public TokenRefused(Reason reason, String sentence) {
        super(sentence, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The signaling error code: TOKEN_EXPIRED for an expired token, UNAUTHORIZED for the rest. */
    public ErrorCode code() {
        return reason == Reason.EXPIRED ? ErrorCode.TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED;
    }

    /** The refusal as a signaling error. */
    public SignalingException toSignaling() {
        return new SignalingException(code(), getMessage());
    }
}
