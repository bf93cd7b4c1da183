package dev.sfu.core.transport;

/**
 * A certificate fingerprint as in SDP {@code a=fingerprint:sha-256 AB:CD:...} (RFC 8122).
 *
 * @param hashFunction lower-case hash name: sha-1, sha-224, sha-256, sha-384 or sha-512
 * @param value        upper-case hex bytes separated by colons
 */
public record Fingerprint(String hashFunction, String value) {
    public String toSdp() {
        return hashFunction + " " + value;
    }
}
