package dev.sfu.bench.loadtest;

import java.util.Locale;

/**
 * The three simulcast encodings a synthetic publisher sends with {@code --simulcast}, named by
 * their RTP stream ids (RFC 8851 rids) as the call page names them: quarter, half and full
 * resolution of a 1280x720 camera. A receiver tells which one it gets from the width in each
 * VP8 key frame (RFC 6386 section 9.1).
 */
public enum SimulcastLayer {
    Q("q", 320, 180),
    H("h", 640, 360),
    F("f", 1280, 720);

    private final String rid;
    private final int width;
    private final int height;

    SimulcastLayer(String rid, int width, int height) {
        this.rid = rid;
        this.width = width;
        this.height = height;
    }

    public String rid() {
        return rid;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The layer with this rid (case-insensitive), or null. */
    public static SimulcastLayer ofRid(String rid) {
        if (rid == null) {
            return null;
        }
        String r = rid.toLowerCase(Locale.ROOT);
        for (SimulcastLayer l : values()) {
            if (l.rid.equals(r)) {
                return l;
            }
        }
        return null;
    }

    /** The layer whose key frames are {@code width} pixels wide, or null for any other width. */
    public static SimulcastLayer ofWidth(int width) {
        for (SimulcastLayer l : values()) {
            if (l.width == width) {
                return l;
            }
        }
        return null;
    }
}
