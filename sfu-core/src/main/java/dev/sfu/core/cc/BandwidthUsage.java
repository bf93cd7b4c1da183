package dev.sfu.core.cc;

/**
 * What the delay-based detector concludes about the path (draft-ietf-rmcat-gcc-02 section
 * 5.4): queues are steady, growing (the sender overuses the link) or draining.
 */
public enum BandwidthUsage {
    NORMAL, OVERUSING, UNDERUSING
}
