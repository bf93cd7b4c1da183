package dev.sfu.rtp.srtp;

/**
 * The SRTP protection profiles browsers negotiate through DTLS {@code use_srtp}
 * (RFC 5764 section 4.1.2, RFC 7714 section 14.2).
 */
public enum SrtpProfile {
    /** RFC 7714: AES-128 in GCM, 16-byte key, 12-byte salt, 16-byte tag. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    /** RFC 3711: AES-128 counter mode with an 80-bit HMAC-SHA1 tag, 16-byte key, 14-byte salt. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10);

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int rtpTagLength;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int rtpTagLength) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.rtpTagLength = rtpTagLength;
    }

    /** The SRTPProtectionProfile value carried in the DTLS use_srtp extension. */
    public int dtlsId() {
        return dtlsId;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Bytes the authentication tag adds to an SRTP packet. */
    public int rtpTagLength() {
        return rtpTagLength;
    }

    /**
     * Bytes an SRTCP encrypt adds: the 4-byte E flag and index plus the tag
     * (RFC 3711 section 3.4; RFC 7714 section 9.1 puts the index after the tag).
     */
    public int rtcpTrailerLength() {
        return 4 + rtpTagLength;
    }

    /** Length of the DTLS exporter output needed to key both directions: 2 * (key + salt). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile for a use_srtp id, or null when this implementation does not support it. */
    public static SrtpProfile fromDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return p;
            }
        }
        return null;
    }
}
