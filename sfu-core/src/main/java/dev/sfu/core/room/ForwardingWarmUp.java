package dev.sfu.core.room;

import com.codahale.metrics.MetricRegistry;
import dev.sfu.core.cc.CongestionControlConfig;
import dev.sfu.core.forward.ForwardingContext;
import dev.sfu.core.transport.CloseReason;
import dev.sfu.core.transport.NoIceTransport;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import dev.sfu.rtp.ext.AbsSendTimeExtension;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.NackPacket;
import dev.sfu.rtp.rtcp.PliPacket;
import dev.sfu.rtp.rtcp.ReceiverReport;
import dev.sfu.rtp.rtcp.ReportBlock;
import dev.sfu.rtp.rtcp.SenderReport;
import dev.sfu.rtp.rtcp.TransportCcFeedback;
import dev.sfu.rtp.srtp.SrtpProfile;
import dev.sfu.rtp.srtp.SrtpSession;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the forwarding path before a server takes its first call: a private room (its own
 * {@link RoomManager} and metric registry, nothing shared with the server's rooms) with one
 * publisher and a few subscribers over in-memory transports that encrypt with real
 * {@link SrtpSession}s, fed audio and VP8 packets (key frames included) and the RTCP a browser
 * sends (sender and receiver reports, NACK, PLI, transport-cc feedback) until the JIT has
 * compiled the path (with and without transport-wide congestion control) or a time
 * budget runs out.
 *
 * <p>Why: a freshly started JVM runs this path interpreted for its first few thousand packets.
 * On a 2-core machine, 20 publishers joining a fresh server within four seconds lost 1 % of
 * all media to the interpreter and the compiler threads (packets waited past the 250 ms ingress
 * limit); a server that had carried one call before lost 0.06 %. Not measured here: the socket
 * send (ice4j and the JDK), which the first real packets compile.
 */
public final class ForwardingWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingWarmUp.class);
    private static final SrtpProfile PROFILE = SrtpProfile.AEAD_AES_128_GCM;
    private static final int SUBSCRIBERS = 4;
    private static final int VIDEO_PT = 96;
    private static final int RTX_PT = 97;
    private static final int AUDIO_PT = 111;
    private static final int MID_ID = 1;
    private static final int ABS_SEND_TIME_ID = 2;
    private static final int TRANSPORT_CC_ID = 3;
    private static final int FEEDBACK_PACKETS = 20;
    private static final long AUDIO_SSRC = 0x11110001L;
    private static final long VIDEO_SSRC = 0x11110002L;
    private static final long RTX_SSRC = 0x11110003L;

    private static final java.util.concurrent.atomic.AtomicBoolean DONE = new java.util.concurrent.atomic.AtomicBoolean();

    private ForwardingWarmUp() {
    }

    /** {@link #run} the first time it is called in this process (compiled code stays compiled). */
    public static void once(int packets, long budgetMillis) {
        if (DONE.compareAndSet(false, true)) {
            run(packets, budgetMillis);
        }
    }

    /**
     * Runs {@code packets} publisher packets (or until {@code budgetMillis} pass) through a
     * private room; never throws (a failure is logged and the server starts anyway).
     *
     * @return the number of packets forwarded to the subscribers
     */
    public static long run(int packets, long budgetMillis) {
        long start = System.nanoTime();
        long deadline = start + budgetMillis * 1_000_000L;
        List<MemoryTransport> transports = new ArrayList<>();
        // Half the subscribers negotiate transport-wide congestion control, so stamping, the
        // pacer and feedback are compiled too; the estimate is set above anything the warm-up
        // sends, so its packets take the pacer's fast path as a real call's mostly do.
        long unlimited = 100_000_000_000L;
        RoomManager rooms = new RoomManager(new MetricRegistry(), new RoomListener() { }, SUBSCRIBERS + 1,
                ForwardingContext.defaults(CongestionControlConfig.defaults().withBitrates(unlimited, 100_000L, unlimited)));
        try {
            byte[] material = new byte[PROFILE.keyingMaterialLength()];
            for (int i = 0; i < material.length; i++) {
                material[i] = (byte) (i * 13 + 5);
            }
            SrtpSession publisherSide = SrtpSession.fromKeyingMaterial(PROFILE, material, true);
            SrtpSession serverSide = SrtpSession.fromKeyingMaterial(PROFILE, material, false);
            MemoryTransport pubTransport = new MemoryTransport("warm-up-pub", serverSide);
            transports.add(pubTransport);
            Participant publisher = rooms.join("warm-up", "warm-up-pub", "warm-up", pubTransport);
            List<Participant> subscribers = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                byte[] m = material.clone();
                m[0] ^= (byte) (i + 1);
                MemoryTransport t = new MemoryTransport("warm-up-sub" + i, SrtpSession.fromKeyingMaterial(PROFILE, m, false));
                transports.add(t);
                subscribers.add(rooms.join("warm-up", "warm-up-sub" + i, "warm-up", t));
            }
            List<HeaderExtension> ext = List.of(
                    new HeaderExtension(MID_ID, "urn:ietf:params:rtp-hdrext:sdes:mid"),
                    new HeaderExtension(ABS_SEND_TIME_ID, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"));
            Codec opus = new Codec(AUDIO_PT, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of(), -1);
            Codec vp8 = new Codec(VIDEO_PT, "VP8", 90000, 1, "", List.of("nack", "nack pli", "ccm fir"), RTX_PT);
            publisher.publish(List.of(
                    new PublishedTrack("warm-up-audio", MediaKind.AUDIO, "0", AUDIO_SSRC, -1, List.of(opus), ext),
                    new PublishedTrack("warm-up-video", MediaKind.VIDEO, "1", VIDEO_SSRC, RTX_SSRC, List.of(vp8), ext)));
            List<HeaderExtension> withTransportCc = new ArrayList<>(ext);
            withTransportCc.add(new HeaderExtension(TRANSPORT_CC_ID, TransportCcExtension.URI));
            for (int i = 0; i < subscribers.size(); i++) {
                Participant s = subscribers.get(i);
                if (i % 2 == 0) {
                    s.setReceiveCapabilities(MediaKind.AUDIO, List.of(opus), withTransportCc);
                    s.setReceiveCapabilities(MediaKind.VIDEO, List.of(vp8), withTransportCc);
                }
                s.activateDownTracks();
            }
            rooms.pacer().start();
            boolean[] received = new boolean[FEEDBACK_PACKETS];
            long[] arrivalUs = new long[FEEDBACK_PACKETS];
            java.util.Arrays.fill(received, true);
            byte[] buf = new byte[RtpPacket.BUFFER_SIZE + SrtpSession.MAX_RTCP_TRAILER];
            int[] nack = new int[4];
            int n = 0;
            for (; n < packets && System.nanoTime() < deadline; n++) {
                boolean video = (n & 1) == 1;
                int seq = (n >> 1) & 0xFFFF;
                int len = video ? videoPacket(buf, seq, seq % 300 == 0) : audioPacket(buf, seq);
                int srtp = publisherSide.encryptRtp(buf, 0, len);
                int plain = serverSide.decryptRtp(buf, 0, srtp);
                if (plain > 0) {
                    publisher.endpoint().onRtp(buf, 0, plain);
                }
                if (n % 50 == 49) {
                    int sr = SenderReport.write(buf, 0, buf.length, VIDEO_SSRC, System.nanoTime(), seq * 3000L, n, n * 1000L, 0);
                    publisher.endpoint().onRtcp(buf, 0, sr);
                    for (int i = 0; i < subscribers.size(); i++) {
                        Participant s = subscribers.get(i);
                        long target = s.downTracks().isEmpty() ? VIDEO_SSRC : s.downTracks().get(0).ssrc();
                        int at = ReceiverReport.write(buf, 0, buf.length, 0x22220000L + i, 1);
                        ReportBlock.write(buf, at - ReportBlock.SIZE, ReportBlock.SIZE, target, 0, 0, seq, 10, 0, 0);
                        for (int k = 0; k < nack.length; k++) {
                            nack[k] = (seq - 20 + k) & 0xFFFF;
                        }
                        at += NackPacket.write(buf, at, buf.length - at, 0x22220000L + i, target, nack, 0, nack.length);
                        if (i % 2 == 0) {
                            // Feedback as a browser sends it, on numbers near what was stamped.
                            long t = System.nanoTime() / 1000;
                            for (int k = 0; k < FEEDBACK_PACKETS; k++) {
                                arrivalUs[k] = t + k * 500L;
                            }
                            int fb = TransportCcFeedback.write(buf, at, buf.length - at - RtpPacket.TAIL_ROOM,
                                    0x22220000L + i, target, (n / 2 * SUBSCRIBERS) & 0xFFFF, n / 50 & 0xFF,
                                    received, arrivalUs, FEEDBACK_PACKETS);
                            if (fb > 0) {
                                at += fb;
                            }
                        }
                        if (n % 500 == 499) {
                            at += PliPacket.write(buf, at, buf.length - at, 0x22220000L + i, target);
                        }
                        s.endpoint().onRtcp(buf, 0, at);
                    }
                }
            }
            long sent = 0;
            for (MemoryTransport t : transports) {
                sent += t.sent;
            }
            LOG.info("forwarding path warmed up: {} packets in, {} out in {} ms", n, sent,
                    (System.nanoTime() - start) / 1_000_000);
            publisherSide.close();
            return sent;
        } catch (RoomFullException | RuntimeException e) {
            LOG.warn("forwarding warm-up failed (the first calls may be slower): {}", e.toString());
            return 0;
        } finally {
            rooms.close();
        }
    }

    private static int audioPacket(byte[] b, int seq) {
        int h = header(b, false, AUDIO_PT, seq, seq * 960L, AUDIO_SSRC, (byte) '0');
        for (int i = 0; i < 80; i++) {
            b[h + i] = (byte) (i * 7);
        }
        return h + 80;
    }

    private static int videoPacket(byte[] b, int seq, boolean keyframe) {
        int h = header(b, true, VIDEO_PT, seq, seq * 3000L, VIDEO_SSRC, (byte) '1');
        int n = Vp8PayloadDescriptor.write(b, h, false, true, 0, seq & 0x7FFF, true, -1, -1, false, -1);
        int payload = Vp8PayloadDescriptor.writePayloadHeader(b, h + n, keyframe, 1000, 640, 360);
        for (int i = h + n + payload; i < h + n + 1000; i++) {
            b[i] = (byte) i;
        }
        return h + n + Math.max(payload, 1000);
    }

    /** Fixed header plus a one-byte extension block with mid and abs-send-time (RFC 8285). */
    private static int header(byte[] b, boolean marker, int pt, int seq, long ts, long ssrc, byte mid) {
        RtpPacket.writeHeader(b, 0, marker, pt, seq, ts, (int) ssrc);
        b[0] |= 0x10;
        int at = RtpPacket.FIXED_HEADER_LENGTH;
        b[at] = (byte) 0xBE;
        b[at + 1] = (byte) 0xDE;
        b[at + 2] = 0;
        b[at + 3] = 2;
        b[at + 4] = (byte) (MID_ID << 4);
        b[at + 5] = mid;
        b[at + 6] = (byte) ((ABS_SEND_TIME_ID << 4) | (AbsSendTimeExtension.DATA_LENGTH - 1));
        AbsSendTimeExtension.write(b, at + 7, AbsSendTimeExtension.fromNanos(System.nanoTime()));
        b[at + 10] = 0;
        b[at + 11] = 0;
        return at + 12;
    }

    /** No ICE or DTLS: encrypts what the room sends with a real SRTP session, then drops it. */
    private static final class MemoryTransport extends NoIceTransport {
        private final SrtpSession srtp;
        long sent;

        MemoryTransport(String id, SrtpSession srtp) {
            super(id);
            this.srtp = srtp;
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            if (srtp.encryptRtp(buf, off, len) < 0) {
                return false;
            }
            sent++;
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return srtp.encryptRtcp(buf, off, len) >= 0;
        }

        @Override
        public void close() {
            if (closed(CloseReason.LOCAL_CLOSE, "closed locally")) {
                srtp.close();
            }
        }
    }
}
