package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * What the DTLS-SRTP client and server of this package share: the cipher suites, the SRTP
 * profiles offered in {@code use_srtp} (RFC 5764 section 4.1), the check of the peer's
 * certificate against the SDP fingerprints, and the export of the SRTP keying material
 * (RFC 5764 section 4.2).
 */
final class DtlsSrtpPeer {
    /** ECDHE_ECDSA with AES-GCM first, AES-CBC as the fallback browsers also accept. */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    /** The use_srtp ids of profiles, in the given order. */
    static int[] dtlsIds(List<SrtpProfile> profiles) {
        int[] ids = new int[profiles.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = profiles.get(i).dtlsId();
        }
        return ids;
    }

    /** The largest handshake message accepted; bounds bctls's fragment reassembly. */
    static final int MAX_HANDSHAKE_MESSAGE = 16 * 1024;

    /** The first retransmission of a flight after 200 ms (bctls then doubles it), not bctls's 1 s. */
    static final int FIRST_RESEND_MILLIS = 200;

    /**
     * What the client and server roles are made with, and the answers they give bctls alike.
     *
     * @param srtpProfiles use_srtp ids in order of preference (copied)
     */
    record Settings(DtlsIdentity identity, Events events, int handshakeTimeoutMillis, int[] srtpProfiles) {
        Settings {
            srtpProfiles = srtpProfiles.clone();
        }

        /** {@link #CIPHER_SUITES} that the crypto provider supports. */
        int[] cipherSuites(TlsCrypto crypto) {
            return TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
        }

        /** A received close_notify ends the transport as {@code PEER_CLOSED}. */
        void alertReceived(short alertDescription) {
            if (alertDescription == AlertDescription.close_notify) {
                events.closeNotifyReceived();
            }
        }
    }

    /** Events of one handshake, received by the owning transport. */
    interface Events {
        List<Fingerprint> remoteFingerprints();

        void fingerprintMismatch(String detail);

        void keysExported(SrtpProfile profile, byte[] keyingMaterial);

        void closeNotifyReceived();
    }

    private DtlsSrtpPeer() {
    }

    /** Checks the peer's end-entity certificate against the signalled fingerprints. */
    static void verifyPeer(Certificate peer, Events events) throws IOException {
        if (peer == null || peer.isEmpty()) {
            events.fingerprintMismatch("peer sent no certificate");
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        }
        byte[] der = peer.getCertificateAt(0).getEncoded();
        List<Fingerprint> expected = events.remoteFingerprints();
        if (!DtlsIdentity.matchesAny(der, expected)) {
            events.fingerprintMismatch("certificate " + DtlsIdentity.fingerprintOf(der, "sha-256").toSdp()
                    + " matches none of " + expected);
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    /** Exports the keying material for the negotiated profile and hands it to the transport. */
    static void exportKeys(TlsContext context, SrtpProfile profile, Events events) throws IOException {
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error);
        }
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                profile.keyingMaterialLength());
        events.keysExported(profile, material);
    }
}
