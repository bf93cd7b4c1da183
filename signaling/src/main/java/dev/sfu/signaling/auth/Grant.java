package dev.sfu.signaling.auth;

import java.time.Instant;

/**
 * What a verified join token allows: the claims {@code sub}, {@code name}, {@code room},
 * {@code canPublish} and {@code canSubscribe}. {@link #OPEN} is everyone's grant on a server
 * without keys.
 *
 * @param identity     {@code sub}: who the participant is (null on an open server)
 * @param name         {@code name}: the display name; null leaves the client's own
 * @param room         {@code room}: the one room the token joins, or {@code *} for any
 * @param canPublish   false for a receive-only session: offers that send media are refused
 * @param canSubscribe false: the server forwards nobody's media to this participant
 * @param expiresAt    {@code exp}, null on an open server
 */
public record Grant(String identity, String name, String room, boolean canPublish, boolean canSubscribe,
                    Instant expiresAt) {
    /** Any room, publish and subscribe: a server without keys. */
    public static final Grant OPEN = new Grant(null, null, "*", true, true, null);

    /** Whether the grant covers {@code roomName}. */
    public boolean allows(String roomName) {
        return "*".equals(room) || room.equals(roomName);
    }
}
