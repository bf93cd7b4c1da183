package dev.sfu.bench.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A media sink that keeps a copy of every packet (plaintext: nothing is encrypted). */
final class CapturingSink implements MediaSink {
    final List<byte[]> rtp = new ArrayList<>();
    final List<byte[]> rtcp = new ArrayList<>();
    private int tcc;

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        rtp.add(Arrays.copyOfRange(buf, off, off + len));
        return true;
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        rtcp.add(Arrays.copyOfRange(buf, off, off + len));
        return true;
    }

    @Override
    public int nextTransportSequence() {
        return tcc++ & 0xFFFF;
    }

    @Override
    public boolean active() {
        return true;
    }
}
