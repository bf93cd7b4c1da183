package dev.sfu.core.transport;

import dev.sfu.rtp.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/**
 * The DTLS 1.2 server side of DTLS-SRTP (RFC 5764): asks for the client's certificate to check
 * it against the SDP fingerprint, and picks the SRTP profile from the client's use_srtp list in
 * this server's order of preference (AEAD_AES_128_GCM first).
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private final DtlsSrtpPeer.Settings settings;
    private SrtpProfile chosen;

    DtlsSrtpServer(DtlsIdentity identity, DtlsSrtpPeer.Events events, int handshakeTimeoutMillis,
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
    protected TlsCredentialedSigner getECDSASignerCredentials() {
        return settings.identity().signer(context);
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
    public CertificateRequest getCertificateRequest() {
        Vector<?> sigAlgs = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                sigAlgs, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        DtlsSrtpPeer.verifyPeer(clientCertificate, settings.events());
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        for (int preferred : settings.srtpProfiles()) {
            for (int p : offered.getProtectionProfiles()) {
                if (p == preferred) {
                    chosen = SrtpProfile.fromDtlsId(p);
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP profile");
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable ext = org.bouncycastle.tls.TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {chosen.dtlsId()}, TlsUtils.EMPTY_BYTES));
        return ext;
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
