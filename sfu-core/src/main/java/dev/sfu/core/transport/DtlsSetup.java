package dev.sfu.core.transport;

/** The SDP {@code a=setup} attribute (RFC 4145, RFC 5763). */
public enum DtlsSetup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    public String sdpValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses an SDP value; null when unknown. */
    public static DtlsSetup fromSdp(String value) {
        for (DtlsSetup s : values()) {
            if (s.sdpValue().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return null;
    }
}
