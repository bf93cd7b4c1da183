package dev.sfu.bench.loadtest;

/** Where a synthetic publisher's streams send: the participant's secure transport. */
public interface MediaSink {
    /** Encrypts in place and sends; the buffer needs SRTP tail room. False when dropped. */
    boolean sendRtp(byte[] buf, int off, int len);

    /** Encrypts in place and sends one compound RTCP packet. */
    boolean sendRtcp(byte[] buf, int off, int len);

    /** The next transport-wide sequence number (one counter per transport). */
    int nextTransportSequence();

    /** False once the participant stopped or failed: its streams send nothing more. */
    boolean active();
}
