package dev.sfu.core.transport;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The secure pipe to one peer: ICE, DTLS and SRTP/SRTCP over it. The server creates one per
 * participant from {@link TransportServer#createTransport}; the client role (tests, load
 * tester) from {@link TransportClient#createTransport}.
 *
 * <p>Media and the end of the transport go separate ways: decrypted packets to the one
 * {@link TransportListener} given to {@link #bind} (on the server, the participant's
 * {@code MediaEndpoint}), the end to every handler given to {@link #addCloseHandler} (the
 * server's registry, the room, signaling), so nothing sits between decryption and forwarding.
 */
public interface MediaTransport extends AutoCloseable {
    /** Stable id (the participant id for server transports). */
    String id();

    String localIceUfrag();

    String localIcePwd();

    /** The local candidates to put into SDP. */
    List<IceCandidate> localCandidates();

    /** The local certificate's fingerprint (sha-256) for SDP. */
    Fingerprint localFingerprint();

    /**
     * The a=setup this side puts into its SDP, given the peer's. The server answers an
     * {@code actpass} offer with {@code passive} (server is DTLS server and picks the SRTP
     * profile); once agreed, later negotiations keep the same role.
     */
    DtlsSetup localSetup(DtlsSetup remote);

    /** Sets or updates the peer's parameters and starts ICE if it has not started. */
    void setRemote(RemoteParameters remote);

    /**
     * ICE restart (RFC 8445 section 9): new local ICE credentials ({@link #localIceUfrag},
     * {@link #localIcePwd}) and fresh connectivity checks, which start with the next
     * {@link #setRemote} (the peer's new credentials). DTLS, SRTP and the route media takes now
     * stay until the new checks select a pair, so media resumes without a new handshake. Returns
     * false when this transport cannot restart (its credentials stay as they were).
     */
    default boolean restartIce() {
        return false;
    }

    /** Adds a trickled remote candidate (ignored when malformed or unresolvable). */
    void addRemoteCandidate(IceCandidate candidate);

    boolean isConnected();

    /**
     * Sets where decrypted media goes; once per transport. Media that arrives before is dropped
     * and counted ({@link DropReason#NOT_BOUND}); a server transport is bound when its participant
     * joins, before the client's offer starts ICE, so in practice none does.
     *
     * @throws IllegalStateException when a listener is already bound
     */
    void bind(TransportListener listener);

    /**
     * Adds a handler of this transport's end, for any {@link CloseReason} (a local close too),
     * with a detail sentence. Handlers are called once, in the order added, after the transport
     * stopped (on its serial executor for {@link IceDtlsTransport}); one added after the end is
     * called at once, on the caller's thread. A handler that throws does not stop the others.
     */
    void addCloseHandler(BiConsumer<CloseReason, String> handler);

    /**
     * Encrypts in place and sends one RTP packet. The buffer must have room for the SRTP tag
     * after {@code off + len} ({@code SrtpSession.MAX_RTP_TRAILER}); on return the bytes are
     * ciphertext. The caller keeps ownership. Returns false when the packet was
     * dropped (not connected, queue full, encryption failure); drops are counted.
     */
    boolean sendRtp(byte[] buf, int off, int len);

    /** Like {@link #sendRtp} for one (compound) RTCP packet; needs room for the SRTCP trailer. */
    boolean sendRtcp(byte[] buf, int off, int len);

    /**
     * When the packet now being handed to the listener came off the socket ({@link System#nanoTime}),
     * before any wait for the transport's serial task; -1 when unknown (the listener then uses
     * its own clock). Transport-wide feedback reports this time: a wait in a queue is the
     * server's, not the network's. Only meaningful inside {@link TransportListener#onRtp}.
     */
    default long receivedAtNanos() {
        return -1;
    }

    /** Datagrams dropped so far, by reason (see {@link DropReason}). */
    default java.util.Map<DropReason, Long> dropCounts() {
        return java.util.Map.of();
    }

    /**
     * Puts this transport's serial task on the media thread of {@code group} (the server uses
     * the room id), so that a room's forwarding runs on one thread; null leaves the group. See
     * {@code MediaWorkers} for why. Transports without media threads of their own ignore it.
     */
    default void setAffinityGroup(String group) {
    }

    /**
     * This side will never send RTP on {@code ssrc} again (a subscriber's stream retired when its
     * publisher left): the SRTP sending context can go. Transports without SRTP ignore it.
     */
    default void retireSendingSsrc(long ssrc) {
    }

    /** Closes with {@link CloseReason#LOCAL_CLOSE} (the close handlers hear it); idempotent. */
    @Override
    void close();
}
