package dev.sfu.bench;

import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SRTP protect and unprotect of one 1,200-byte RTP packet (12-byte header, 1,188-byte payload), in
 * place, in both profiles browsers offer.
 *
 * <ul>
 *   <li>{@code encrypt}: one {@link SrtpSession#encryptRtp} per operation; the sequence number
 *       advances each time (crossing the 16-bit wrap every 65,536 operations). The payload is
 *       re-encrypted where it lies: the cost does not depend on the bytes.</li>
 *   <li>{@code encryptThenDecrypt}: the same, then {@link SrtpSession#decryptRtp} of that packet
 *       by the other end, which restores the plaintext in place. Decryption needs a packet it has
 *       not seen (the replay window), so it is measured this way: decrypt = this minus encrypt.</li>
 * </ul>
 *
 * Run: {@code java -cp 'benchmarks/target/classes:benchmarks/target/lib/*' org.openjdk.jmh.Main Srtp -f 1 -wi 3 -i 3 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SrtpBenchmark {
    static final int PACKET_LENGTH = 1200;

    @Param({"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    public SrtpProfile profile;

    private SrtpSession sender;
    private SrtpSession receiver;
    private final byte[] buf = new byte[PACKET_LENGTH + SrtpSession.MAX_RTP_TRAILER];
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] material = new byte[profile.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) (i * 13 + 1);
        }
        sender = SrtpSession.fromKeyingMaterial(profile, material, true);
        receiver = SrtpSession.fromKeyingMaterial(profile, material, false);
        buf[0] = (byte) 0x80;          // V=2
        buf[1] = 96;                   // PT=96
        buf[8] = 0x12;                 // SSRC 0x12345678
        buf[9] = 0x34;
        buf[10] = 0x56;
        buf[11] = 0x78;
        for (int i = 12; i < PACKET_LENGTH; i++) {
            buf[i] = (byte) i;
        }
        seq = 1000;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    private void nextSequence() {
        int s = seq = (seq + 1) & 0xFFFF;
        buf[2] = (byte) (s >>> 8);
        buf[3] = (byte) s;
    }

    @Benchmark
    public int encrypt() {
        nextSequence();
        return sender.encryptRtp(buf, 0, PACKET_LENGTH);
    }

    @Benchmark
    public int encryptThenDecrypt() {
        nextSequence();
        int len = sender.encryptRtp(buf, 0, PACKET_LENGTH);
        int back = receiver.decryptRtp(buf, 0, len);
        if (back != PACKET_LENGTH) {
            throw new IllegalStateException("decrypt returned " + back);
        }
        return back;
    }
}
