package dev.sfu.signaling.limit;

/** The rate limits, as they are named in {@code /metrics} ({@code sfu_rate_limited_total{limit=...}}). */
public enum Limit {
    /** WebSocket connections opened per client address per minute. */
    WS_CONNECTIONS_PER_MINUTE("ws_connections_per_minute"),
    /** WebSocket connections one client address holds at once. */
    WS_CONNECTIONS_AT_ONCE("ws_connections_at_once"),
    /** Signaling messages per connection (token bucket). */
    MESSAGES("messages"),
    /** Joins per room (token bucket). */
    JOINS_PER_ROOM("joins_per_room"),
    /** HTTP API requests per client address per minute. */
    HTTP_REQUESTS("http_requests");

    private final String label;

    Limit(String label) {
        this.label = label;
    }

    /** The {@code limit} label value. */
    public String label() {
        return label;
    }
}
