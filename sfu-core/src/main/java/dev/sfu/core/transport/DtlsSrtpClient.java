package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * The DTLS 1.2 client side of DTLS-SRTP (RFC 5764): offers use_srtp with AEAD_AES_128_GCM and
 * AES_CM_128_HMAC_SHA1_80, checks the server's certificate against the SDP fingerprint, and
 * answers the server's CertificateRequest with this process's certificate.
 */
final class DtlsSrtpClient extends DefaultTlsClient {
    private final DtlsSrtpPeer.Settings settings;
    private SrtpProfile chosen;

    DtlsSrtpClient(DtlsIdentity identity, DtlsSrtpPeer.Events events, int handshakeTimeoutMillis,
                   int[] srtpProfiles) {
        super(identity.crypto());
        this.settings = new DtlsSrtpPeer.Settings(identity, events, handshakeTimeoutMillis, srtpProfiles);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return settings.cipherSuites(getCrypto());
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return settings.handshakeTimeoutMillis();
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return DtlsSrtpPeer.FIRST_RESEND_MILLIS;
    }

    @Override
    public int getMaxHandshakeMessageSize() {
        return DtlsSrtpPeer.MAX_HANDSHAKE_MESSAGE;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable ext = org.bouncycastle.tls.TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(settings.srtpProfiles(), TlsUtils.EMPTY_BYTES));
        return ext;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (selected == null || selected.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server did not select one SRTP profile");
        }
        int id = selected.getProtectionProfiles()[0];
        for (int offered : settings.srtpProfiles()) {
            if (offered == id) {
                chosen = SrtpProfile.fromDtlsId(id);
                return;
            }
        }
        throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected an SRTP profile not offered");
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                DtlsSrtpPeer.verifyPeer(serverCertificate.getCertificate(), settings.events());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) {
                return settings.identity().signer(context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        DtlsSrtpPeer.exportKeys(context, chosen, settings.events());
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        settings.alertReceived(alertDescription);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        // The owning transport reports the failure; bctls's default prints to stdout.
    }
}
