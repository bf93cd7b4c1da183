package dev.sfu.bench.loadtest;

import dev.sfu.core.transport.DtlsSetup;
import dev.sfu.core.transport.IceCandidate;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.RemoteParameters;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.signaling.sdp.CodecPolicy;
import dev.sfu.signaling.sdp.Direction;
import dev.sfu.signaling.sdp.Extmap;
import dev.sfu.signaling.sdp.LocalMediaSection;
import dev.sfu.signaling.sdp.LocalTransport;
import dev.sfu.signaling.sdp.MediaDescription;
import dev.sfu.signaling.sdp.RtpFormat;
import dev.sfu.signaling.sdp.SdpWriter;
import dev.sfu.signaling.sdp.SenderSource;
import dev.sfu.signaling.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The synthetic participant's side of offer/answer, built from the project's SDP classes
 * ({@link SdpWriter} writes, {@code SdpParser} reads): what a browser offers for one microphone
 * and one camera (Opus; VP8 with RTX; sdes:mid, abs-send-time and transport-cc as Chromium
 * numbers them; with simulcast also rtp-stream-id and repaired-rtp-stream-id, the rid lines of
 * {@link SimulcastSdp} and no SSRC lines for the video), and the answers to the server's offers
 * (its send sections received as {@code recvonly}, or {@code inactive} for a publish-only
 * participant).
 */
public final class ClientSdp {
    public static final String PROTOCOL = "UDP/TLS/RTP/SAVPF";
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int RTX_PT = 97;
    public static final String AUDIO_MID = "0";
    public static final String VIDEO_MID = "1";
    /**
     * Chromium's ids: ssrc-audio-level 1 (audio only), abs-send-time 2, transport-cc 3, mid 4,
     * rtp-stream-id 10, repaired-rtp-stream-id 11.
     */
    public static final HeaderExtensionIds EXTENSION_IDS = new HeaderExtensionIds(4, 2, 3, 10, 11, 1);

    private ClientSdp() {
    }

    /** What a publisher signals for its two streams. */
    public record Sources(String msidStream, long audioSsrc, long videoSsrc, long rtxSsrc, String cname) {
    }

    static List<Extmap> extensions() {
        return List.of(new Extmap(EXTENSION_IDS.absSendTimeId(), null, CodecPolicy.EXT_ABS_SEND_TIME),
                new Extmap(EXTENSION_IDS.transportCcId(), null, CodecPolicy.EXT_TRANSPORT_CC),
                new Extmap(EXTENSION_IDS.midId(), null, CodecPolicy.EXT_MID));
    }

    /** The audio section's extensions: those of {@link #extensions()} and the RFC 6464 audio level. */
    static List<Extmap> audioExtensions() {
        List<Extmap> out = new ArrayList<>();
        out.add(new Extmap(EXTENSION_IDS.audioLevelId(), null, CodecPolicy.EXT_AUDIO_LEVEL));
        out.addAll(extensions());
        return out;
    }

    /** The video section's extensions with simulcast: those of {@link #extensions()} and the two rid ones. */
    static List<Extmap> simulcastExtensions() {
        List<Extmap> out = new ArrayList<>(extensions());
        out.add(new Extmap(EXTENSION_IDS.ridId(), null, CodecPolicy.EXT_RID));
        out.add(new Extmap(EXTENSION_IDS.repairedRidId(), null, CodecPolicy.EXT_REPAIRED_RID));
        return out;
    }

    static RtpFormat opus() {
        return new RtpFormat(OPUS_PT, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of("transport-cc"));
    }

    static List<RtpFormat> vp8WithRtx() {
        return List.of(new RtpFormat(VP8_PT, "VP8", 90000, 1, "",
                        List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli")),
                new RtpFormat(RTX_PT, "rtx", 90000, 1, "apt=" + VP8_PT, List.of()));
    }

    /**
     * The participant's own sections: sendonly audio (and video unless audio-only) for a
     * publisher; a single recvonly audio section for a participant that only receives (so the
     * first offer has a transport to set up; the server answers it inactive).
     */
    public static List<LocalMediaSection> ownSections(Sources sources, boolean publish, boolean audioOnly) {
        return ownSections(sources, publish, audioOnly, false);
    }

    /**
     * The participant's own sections; with {@code simulcast} the video section also negotiates
     * the rid extensions (its rid lines are added by {@link #offer(long, long, MediaTransport, List, boolean)}).
     */
    public static List<LocalMediaSection> ownSections(Sources sources, boolean publish, boolean audioOnly,
                                                      boolean simulcast) {
        List<LocalMediaSection> out = new ArrayList<>();
        if (!publish) {
            out.add(new LocalMediaSection(AUDIO_MID, "audio", PROTOCOL, false, List.of(), Direction.RECVONLY,
                    List.of(opus()), extensions(), null));
            return out;
        }
        out.add(new LocalMediaSection(AUDIO_MID, "audio", PROTOCOL, false, List.of(), Direction.SENDONLY,
                List.of(opus()), audioExtensions(),
                new SenderSource(sources.msidStream(), sources.msidStream() + "-audio", sources.audioSsrc(), -1,
                        sources.cname())));
        if (!audioOnly) {
            out.add(new LocalMediaSection(VIDEO_MID, "video", PROTOCOL, false, List.of(), Direction.SENDONLY,
                    vp8WithRtx(), simulcast ? simulcastExtensions() : extensions(),
                    new SenderSource(sources.msidStream(), sources.msidStream() + "-video", sources.videoSsrc(),
                            sources.rtxSsrc(), sources.cname())));
        }
        return out;
    }

    /** This participant's ICE and DTLS parameters as written into its SDP. */
    public static LocalTransport localTransport(MediaTransport t, DtlsSetup setup) {
        return new LocalTransport(t.localIceUfrag(), t.localIcePwd(), t.localFingerprint(), setup, t.localCandidates());
    }

    /** The first offer: a=setup:actpass, as a browser offers. */
    public static String offer(long sessionId, long version, MediaTransport t, List<LocalMediaSection> own) {
        return offer(sessionId, version, t, own, false);
    }

    /** The first offer; with {@code simulcast} the video section offers layers q, h and f. */
    public static String offer(long sessionId, long version, MediaTransport t, List<LocalMediaSection> own,
                               boolean simulcast) {
        return offer(sessionId, version, localTransport(t, DtlsSetup.ACTPASS), own, simulcast);
    }

    /** The first offer with these transport parameters (a=setup as given). */
    public static String offer(long sessionId, long version, LocalTransport transport, List<LocalMediaSection> own,
                               boolean simulcast) {
        String sdp = SdpWriter.write(sessionId, version, transport, own);
        return simulcast ? SimulcastSdp.sendLayers(sdp, VIDEO_MID, SimulcastSdp.Layers.all()) : sdp;
    }

    /** A remote stream learnt from a server offer. */
    public record RemoteStream(String mid, String kind, long ssrc, long rtxSsrc, String publisherId,
                               List<Integer> rtxPayloadTypes) {
    }

    /** An answer to a server offer and the streams it accepts. */
    public record Answer(String sdp, List<RemoteStream> streams) {
    }

    /**
     * Answers a server offer: the participant's own sections keep their direction as far as
     * the offer allows; each server send section is received ({@code recvonly}, or
     * {@code inactive} when {@code receive} is false) with the offered formats and extensions.
     */
    public static Answer answer(SessionDescription offer, long sessionId, long version, LocalTransport transport,
                                Map<String, LocalMediaSection> own, boolean receive) {
        return answer(offer, sessionId, version, transport, own, receive, false);
    }

    /**
     * Answers a server offer; with {@code simulcast} the own video section signals no SSRC and
     * sends the layers the offer receives ({@code a=simulcast:recv} in it), as a browser
     * keeps its negotiated simulcast.
     */
    public static Answer answer(SessionDescription offer, long sessionId, long version, LocalTransport transport,
                                Map<String, LocalMediaSection> own, boolean receive, boolean simulcast) {
        SimulcastSdp.Layers layers = SimulcastSdp.Layers.none();
        List<LocalMediaSection> sections = new ArrayList<>();
        List<RemoteStream> streams = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            String mid = m.mid() == null ? Integer.toString(sections.size()) : m.mid();
            LocalMediaSection mine = own.get(mid);
            if (m.isRejected() || m.kind() == null) {
                sections.add(LocalMediaSection.rejectedCopy(m, mid));
            } else if (mine != null) {
                if (simulcast && mid.equals(VIDEO_MID)) {
                    layers = SimulcastSdp.received(m);
                }
                Direction d = Direction.answer(mine.direction(), m.direction());
                sections.add(mine.with(d, d.sends() ? mine.source() : null));
            } else {
                Direction d = Direction.answer(receive ? Direction.RECVONLY : Direction.INACTIVE, m.direction());
                List<Extmap> ext = new ArrayList<>();
                for (Extmap e : m.extensions()) {
                    ext.add(new Extmap(e.id(), null, e.uri()));
                }
                sections.add(new LocalMediaSection(mid, m.type(), m.protocol(), false, List.of(), d, m.rtpFormats(),
                        ext, null));
                if (d.receives()) {
                    long ssrc = m.primarySsrc();
                    List<Integer> rtx = new ArrayList<>();
                    for (RtpFormat f : m.rtpFormats()) {
                        if (f.isRtx()) {
                            rtx.add(f.payloadType());
                        }
                    }
                    String publisher = m.msidStream() != null ? m.msidStream()
                            : m.ssrcs().isEmpty() ? null : m.ssrcs().get(0).msidStream();
                    streams.add(new RemoteStream(mid, m.type(), ssrc, ssrc >= 0 ? m.rtxSsrcOf(ssrc) : -1, publisher,
                            rtx));
                }
            }
        }
        String sdp = SdpWriter.write(sessionId, version, transport, sections);
        return new Answer(simulcast ? SimulcastSdp.sendLayers(sdp, VIDEO_MID, layers) : sdp, streams);
    }

    /**
     * The id of the transport-wide sequence number extension ({@link TransportCcExtension#URI})
     * on what the server sends this participant, or -1. A browser sends transport-cc feedback
     * for a received stream only when both the extension and {@code a=rtcp-fb ... transport-cc}
     * are negotiated for it; so does the load tester. Sections of the participant's own
     * ({@code own}) and sections the server does not send on are not considered.
     */
    public static int transportCcId(SessionDescription offer, Map<String, LocalMediaSection> own) {
        for (MediaDescription m : offer.media()) {
            if (m.isRejected() || m.kind() == null || (m.mid() != null && own.containsKey(m.mid()))
                    || !m.direction().sends()) {
                continue;
            }
            boolean feedback = false;
            for (RtpFormat f : m.rtpFormats()) {
                feedback |= f.rtcpFeedback().contains("transport-cc");
            }
            for (Extmap e : m.extensions()) {
                if (feedback && TransportCcExtension.URI.equals(e.uri())) {
                    return e.id();
                }
            }
        }
        return -1;
    }

    /**
     * Whether the server's answer asks this publisher for Opus DTX: the accepted audio section's
     * Opus fmtp says {@code usedtx=1} (RFC 7587 section 6.1), as a browser reads it.
     */
    public static boolean asksForDtx(SessionDescription answer) {
        for (MediaDescription m : answer.media()) {
            if (AUDIO_MID.equals(m.mid()) && !m.isRejected()) {
                RtpFormat opus = m.format(OPUS_PT);
                return opus != null && "1".equals(opus.fmtpParameter("usedtx"));
            }
        }
        return false;
    }

    /** The peer's transport parameters from a description's bundle transport section. */
    public static RemoteParameters remoteParameters(SessionDescription sd) {
        MediaDescription t = sd.transportSection();
        if (t == null) {
            return null;
        }
        List<IceCandidate> candidates = new ArrayList<>();
        for (IceCandidate c : t.candidates()) {
            if (c.component() == 1 && "udp".equals(c.transport())) {
                candidates.add(c);
            }
        }
        return new RemoteParameters(sd.iceUfrag(t), sd.icePwd(t), sd.fingerprints(t), sd.setup(t), candidates);
    }
}
