/**
 * The packet path of the SFU: a publisher's decrypted RTP enters {@link
 * dev.sfu.core.forward.MediaEndpoint#onRtp}, is matched to an {@link dev.sfu.core.forward.UpTrack}
 * by SSRC (or learned by sdes:mid / payload type), RTX is restored, reception statistics and the
 * retransmission cache are updated once, and each {@link dev.sfu.core.forward.DownTrack} copies
 * the packet into its endpoint-owned egress buffer, rewrites SSRC, payload type, extension ids,
 * sequence number and timestamp for its subscriber, and hands it to that subscriber's transport.
 *
 * <p>Threads and ownership: each endpoint's {@code onRtp}/{@code onRtcp} run on its transport's
 * serial executor and use only that endpoint's three pooled buffers; subscriber lists are
 * copy-on-write arrays; no lock is taken per packet. RTCP is terminated in
 * {@link dev.sfu.core.forward.RtcpTermination}. Every drop is counted by
 * {@link dev.sfu.core.forward.DropReason}.
 */
package dev.sfu.core.forward;
