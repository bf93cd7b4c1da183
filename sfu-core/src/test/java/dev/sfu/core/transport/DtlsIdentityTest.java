package dev.sfu.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8122 section 5 fingerprints with every hash browsers use, and the match rule. */
class DtlsIdentityTest {
    static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    @Test
    void fingerprintsUseTheFipsTestVectorsOfAbc() {
        // FIPS 180-2 appendix vectors for "abc", written as SDP fingerprints.
        assertEquals("A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D",
                DtlsIdentity.fingerprintOf(ABC, "sha-1").value());
        assertEquals("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
                DtlsIdentity.fingerprintOf(ABC, "SHA-256").value());
        assertEquals("23:09:7D:22:34:05:D8:22:86:42:A4:77:BD:A2:55:B3:2A:AD:BC:E4:BD:A0:B3:F7:E3:6C:9D:A7",
                DtlsIdentity.fingerprintOf(ABC, "sha-224").value());
        assertEquals(48 * 3 - 1, DtlsIdentity.fingerprintOf(ABC, "sha-384").value().length());
        assertEquals(64 * 3 - 1, DtlsIdentity.fingerprintOf(ABC, "sha-512").value().length());
        assertThrows(IllegalArgumentException.class, () -> DtlsIdentity.fingerprintOf(ABC, "md5"));
    }

    @Test
    void anySupportedSignalledFingerprintMayMatchCaseInsensitively() {
        Fingerprint sha1 = DtlsIdentity.fingerprintOf(ABC, "sha-1");
        Fingerprint lower = new Fingerprint("SHA-1", sha1.value().toLowerCase());
        Fingerprint wrong = DtlsIdentity.fingerprintOf(new byte[] {1}, "sha-256");
        assertTrue(DtlsIdentity.matchesAny(ABC, List.of(wrong, lower)));
        assertFalse(DtlsIdentity.matchesAny(ABC, List.of(wrong)));
        assertFalse(DtlsIdentity.matchesAny(ABC, List.of(new Fingerprint("md5", "00"))));
        assertFalse(DtlsIdentity.matchesAny(ABC, List.of()));
    }

    @Test
    void generatedCertificateFingerprintIsSha256OfItsDer() {
        DtlsIdentity id = DtlsIdentity.generate();
        assertEquals("sha-256", id.fingerprint().hashFunction());
        assertEquals(DtlsIdentity.fingerprintOf(id.certificateDer(), "sha-256"), id.fingerprint());
    }
}
