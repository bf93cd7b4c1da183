package dev.sfu.core.room;

/** The kind of an m-line or track. */
public enum MediaKind {
    AUDIO, VIDEO;

    public String sdpName() {
        return this == AUDIO ? "audio" : "video";
    }
}
