package dev.sfu.bench;

import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.NoIceTransport;
import dev.sfu.rtp.srtp.SrtpSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A {@link MediaTransport} for benchmarks: no ICE or DTLS, but the real egress work of the
 * server's transport: SRTP/SRTCP encryption in place with the project's {@link SrtpSession},
 * then a send on a real UDP socket ({@link DatagramChannel} connected to a loopback sink). The
 * server's transport sends through ice4j's socket wrapper instead; that wrapper is not measured.
 */
class LoopbackSrtpTransport extends NoIceTransport {
    private final SrtpSession srtp;
    private final DatagramChannel channel;
    private final ByteBuffer out = ByteBuffer.allocateDirect(2048);
    long sent;
    long failed;

    LoopbackSrtpTransport(String id, SrtpSession srtp, InetSocketAddress sink) {
        super(id);
        this.srtp = srtp;
        try {
            this.channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.connect(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        int n = srtp.encryptRtp(buf, off, len);
        return n >= 0 && send(buf, off, n);
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        int n = srtp.encryptRtcp(buf, off, len);
        return n >= 0 && send(buf, off, n);
    }

    /** Encrypts RTP in place, as {@link #sendRtp} does before sending; returns the SRTP length or a negative error. */
    int encrypt(byte[] buf, int off, int len) {
        return srtp.encryptRtp(buf, off, len);
    }

    /** Sends bytes as they are (the LIMIT baseline encrypts itself). */
    boolean send(byte[] buf, int off, int len) {
        out.clear();
        out.put(buf, off, len);
        out.flip();
        try {
            channel.write(out);
            sent++;
            return true;
        } catch (IOException e) {
            failed++;
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed(CloseReason.LOCAL_CLOSE, "closed locally")) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        srtp.close();
    }
}
