package dev.sfu.core.testutil;

import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.NoIceTransport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A transport without sockets or encryption: it records a copy of every packet "sent" (the
 * plaintext the SRTP layer would encrypt) and checks the caller left tail room for the tag.
 * {@link #end} ends it as the network would; its close handlers hear every end.
 */
public class FakeTransport extends NoIceTransport {
    /** Bytes the real transport needs after the packet for the SRTP/SRTCP trailer. */
    public static final int REQUIRED_TAIL = 16 + 4;

    public final List<byte[]> rtp = new ArrayList<>();
    public final List<byte[]> rtcp = new ArrayList<>();
    /** SSRCs the forwarding layer said it will never send on again ({@link #retireSendingSsrc}). */
    public final List<Long> retiredSsrcs = new ArrayList<>();
    public boolean closed;
    public boolean refuse;
    /** What {@link #receivedAtNanos} answers: when the packet being delivered came off the socket. */
    public long receivedAt = -1;

    public FakeTransport(String id) {
        super(id);
    }

    @Override
    public boolean isConnected() {
        return !closed;
    }

    @Override
    public synchronized boolean sendRtp(byte[] buf, int off, int len) {
        if (off + len + REQUIRED_TAIL > buf.length) {
            throw new AssertionError("no tail room for the SRTP tag");
        }
        if (closed || refuse) {
            return false;
        }
        rtp.add(Arrays.copyOfRange(buf, off, off + len));
        return true;
    }

    @Override
    public long receivedAtNanos() {
        return receivedAt;
    }

    @Override
    public synchronized boolean sendRtcp(byte[] buf, int off, int len) {
        if (off + len + REQUIRED_TAIL > buf.length) {
            throw new AssertionError("no tail room for the SRTCP trailer");
        }
        if (closed || refuse) {
            return false;
        }
        rtcp.add(Arrays.copyOfRange(buf, off, off + len));
        return true;
    }

    /** RTCP packets sent whose first packet type is {@code pt} (and FMT {@code fmt}, or any if -1). */
    public synchronized List<byte[]> rtcp(int pt, int fmt) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] b : rtcp) {
            if ((b[1] & 0xFF) == pt && (fmt < 0 || (b[0] & 0x1F) == fmt)) {
                out.add(b);
            }
        }
        return out;
    }

    @Override
    public synchronized void retireSendingSsrc(long ssrc) {
        retiredSsrcs.add(ssrc);
    }

    public synchronized void clear() {
        rtp.clear();
        rtcp.clear();
    }

    /** What the room bound as this transport's listener (the participant's endpoint), or null. */
    public dev.sfu.core.transport.TransportListener boundListener() {
        return listener();
    }

    /** Ends the transport by itself (consent expiry, DTLS failure ...): the close handlers hear it once. */
    public void end(CloseReason reason, String detail) {
        closed = true;
        closed(reason, detail);
    }

    @Override
    public void close() {
        end(CloseReason.LOCAL_CLOSE, "closed");
    }
}
