package dev.sfu.signaling.sdp;

import dev.sfu.core.room.Codec;
import dev.sfu.core.room.HeaderExtension;
import dev.sfu.core.room.MediaKind;
import dev.sfu.signaling.room.RemoteTrack;
import dev.sfu.signaling.room.Subscription;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The media sections negotiated with one client over its single RTCPeerConnection, in order:
 * the client's own sections (its offers) and the server's send sections (the server's offers),
 * one per track the client receives. Sections of departed tracks go {@code inactive} (keeping
 * their port, as bundled re-offers must) and are recycled for the next track of the same kind,
 * so the number of sections is bounded by the room's peak.
 * <p>
 * Not thread-safe: one client session owns it. The negotiation order (one at a time) is
 * enforced by the caller; this class only refuses calls that make no sense in the current state.
 */
public final class SdpSession {
    /**
     * Header extensions the server writes on its send sections, per kind: those forwarded from
     * the publisher when the publisher has them, and transport-wide-cc, which the server stamps
     * itself (its own transport's sequence numbers), when the subscriber offered it.
     */
    private static final Map<MediaKind, List<String>> SEND_EXTENSIONS = Map.of(
            MediaKind.AUDIO, List.of(CodecPolicy.EXT_AUDIO_LEVEL, CodecPolicy.EXT_ABS_SEND_TIME, CodecPolicy.EXT_TRANSPORT_CC),
            MediaKind.VIDEO, List.of(CodecPolicy.EXT_ABS_SEND_TIME, CodecPolicy.EXT_TRANSPORT_CC));
    /** Chromium's ids, used when the client never named an extension. */
    private static final Map<String, Integer> DEFAULT_EXTENSION_IDS = Map.of(
            CodecPolicy.EXT_AUDIO_LEVEL, 1, CodecPolicy.EXT_ABS_SEND_TIME, 2, CodecPolicy.EXT_TRANSPORT_CC, 3,
            CodecPolicy.EXT_MID, 4, CodecPolicy.EXT_RID, 10, CodecPolicy.EXT_REPAIRED_RID, 11);
    private static final String PROTOCOL = "UDP/TLS/RTP/SAVPF";

    private final String participantId;
    private final long sessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private long version = 1;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<MediaKind, List<RtpFormat>> peerFormats = new HashMap<>();
    private final Map<String, Integer> peerExtensionIds = new HashMap<>();
    /** The kinds for which the client offered transport-cc (the extension and the feedback). */
    private final Set<MediaKind> peerTransportCc = java.util.EnumSet.noneOf(MediaKind.class);
    private List<Slot> pending;
    /** Dynacast: the client's own rids that someone receives, by mid (the others are offered paused). */
    private final Map<String, List<String>> activeRids = new HashMap<>();
    private int nextServerMid;

    /** One media section and its negotiation state. */
    private static final class Slot {
        final String mid;
        final MediaKind kind;
        final boolean serverOwned;
        LocalMediaSection committed;
        RemoteTrack committedTrack;
        boolean committedActive;
        RemoteTrack desiredTrack;
        SenderSource desiredSource;
        LocalMediaSection offered;

        Slot(String mid, MediaKind kind, boolean serverOwned) {
            this.mid = mid;
            this.kind = kind;
            this.serverOwned = serverOwned;
        }

        boolean changed() {
            if (committed == null) {
                return true;
            }
            String want = desiredTrack == null ? null : desiredTrack.key();
            String have = committedTrack == null ? null : committedTrack.key();
            if (!java.util.Objects.equals(want, have)) {
                return true;
            }
            if (want == null) {
                return false;
            }
            SenderSource sent = committed.source();
            return (!committedActive && committed.direction().sends())
                    || (sent != null && desiredSource != null && sent.ssrc() != desiredSource.ssrc());
        }
    }

    public SdpSession(String participantId) {
        this.participantId = participantId;
    }

    /**
     * Dynacast told the client to send only {@code rids} on its section {@code mid}: the server's
     * offers list the others as paused ({@code ~rid}, RFC 8853 section 5.1), since Chromium
     * switches back on every encoding a description lists plainly.
     */
    public void setActiveRids(String mid, List<String> rids) {
        activeRids.put(mid, List.copyOf(rids));
    }

    /** True while a server offer awaits the client's answer. */
    public boolean hasPendingOffer() {
        return pending != null;
    }

    /** True once the client's first offer has been answered. */
    public boolean isEstablished() {
        for (Slot s : slots) {
            if (s.committed != null) {
                return true;
            }
        }
        return false;
    }

    /** The number of media sections negotiated so far (the m-line count of the client's SDP). */
    public int mediaSectionCount() {
        int n = 0;
        for (Slot s : slots) {
            if (s.committed != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Answers the client's offer. The offer must keep every section negotiated before, in the
     * same order (RFC 8829 section 5.2.2); new sections come after them.
     *
     * @throws SdpParseException     when the offer is unusable
     * @throws IllegalStateException while a server offer is pending (the caller reports glare)
     */
    public AnswerBuilder.Answer answerOffer(SessionDescription offer, LocalTransport transport) throws SdpParseException {
        if (pending != null) {
            throw new IllegalStateException("a server offer is pending");
        }
        // Server sections never offered yet stay after the sections this offer negotiates.
        List<Slot> unoffered = new ArrayList<>();
        for (Slot s : slots) {
            if (s.committed == null) {
                unoffered.add(s);
            }
        }
        slots.removeAll(unoffered);
        try {
            return answerCommitted(offer, transport);
        } finally {
            slots.addAll(unoffered);
        }
    }

    private AnswerBuilder.Answer answerCommitted(SessionDescription offer, LocalTransport transport) throws SdpParseException {
        for (int i = 0; i < slots.size(); i++) {
            String mid = slots.get(i).mid;
            if (i >= offer.media().size() || !mid.equals(offer.media().get(i).mid())) {
                throw new SdpParseException("The offer drops or reorders media section " + i + " (mid " + mid
                        + "); a new offer must keep every earlier section in place.");
            }
        }
        learnPeerCapabilities(offer);
        Map<String, LocalMediaSection> own = new HashMap<>();
        for (Slot s : slots) {
            if (s.serverOwned && s.committed != null) {
                own.put(s.mid, s.committed);
            }
        }
        AnswerBuilder.Answer answer = AnswerBuilder.answer(offer, transport, own, sessionId, ++version);
        for (int i = 0; i < answer.sections().size(); i++) {
            LocalMediaSection sec = answer.sections().get(i);
            Slot slot;
            if (i < slots.size()) {
                slot = slots.get(i);
            } else {
                slot = new Slot(sec.mid(), offer.media().get(i).kind(), false);
                slots.add(slot);
            }
            slot.committed = sec;
            if (slot.serverOwned) {
                slot.committedActive = sec.direction().sends();
            }
        }
        return answer;
    }

    /**
     * Sets the tracks of the others that this client should receive. Sections of tracks no
     * longer wanted become inactive; new tracks take a free section of the same kind, else a
     * new one. Returns true when a server offer is needed to apply the change.
     */
    public boolean setRemoteTracks(Collection<RemoteTrack> wanted) {
        Map<String, RemoteTrack> byKey = new LinkedHashMap<>();
        for (RemoteTrack t : wanted) {
            if (!t.publisherId().equals(participantId)) {
                byKey.put(t.key(), t);
            }
        }
        Set<String> assigned = new HashSet<>();
        for (Slot s : slots) {
            if (s.serverOwned && s.desiredTrack != null) {
                RemoteTrack now = byKey.get(s.desiredTrack.key());
                if (now != null) {
                    assigned.add(now.key());
                    if (now.ssrc() != s.desiredSource.ssrc()) {
                        assign(s, now); // The room re-created the stream: announce its new SSRC.
                    }
                } else {
                    s.desiredTrack = null;
                    s.desiredSource = null;
                }
            }
        }
        for (RemoteTrack t : byKey.values()) {
            if (assigned.contains(t.key())) {
                continue;
            }
            Slot free = freeSlot(t.track().kind());
            if (free == null) {
                free = new Slot("s" + nextServerMid++, t.track().kind(), true);
                slots.add(free);
            }
            assign(free, t);
        }
        return needsOffer();
    }

    /** Puts {@code t} on {@code slot} with the SSRCs forwarding chose for it. */
    private void assign(Slot slot, RemoteTrack t) {
        slot.desiredTrack = t;
        boolean rtx = t.track().kind() == MediaKind.VIDEO && hasRtx(mapFormats(t));
        slot.desiredSource = new SenderSource(t.publisherId(), t.track().trackId(), t.ssrc(),
                rtx ? t.rtxSsrc() : -1, t.cname());
    }

    /** True when the server has changes to offer and may offer now (established, none pending). */
    public boolean needsOffer() {
        if (pending != null || !isEstablished()) {
            return false;
        }
        for (Slot s : slots) {
            if (s.serverOwned && s.changed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the server's offer: every section in order, the client's as last negotiated, the
     * server's with their wanted track (sendonly) or inactive. It stays pending until
     * {@link #applyAnswer} or {@link #rollbackOffer}.
     *
     * @param transport the server's parameters, with the DTLS role negotiated earlier
     */
    public String createOffer(LocalTransport transport) {
        if (pending != null) {
            throw new IllegalStateException("a server offer is already pending");
        }
        if (!isEstablished()) {
            throw new IllegalStateException("the client has not offered yet");
        }
        List<LocalMediaSection> sections = new ArrayList<>();
        for (Slot s : slots) {
            if (!s.serverOwned) {
                List<String> active = activeRids.get(s.mid);
                s.offered = active == null ? s.committed : s.committed.withActiveRids(active);
            } else if (s.desiredTrack != null) {
                s.offered = new LocalMediaSection(s.mid, s.kind.sdpName(), PROTOCOL, false, List.of(), Direction.SENDONLY,
                        mapFormats(s.desiredTrack), mapExtensions(s.desiredTrack), s.desiredSource);
            } else {
                List<RtpFormat> formats = s.committed != null ? s.committed.formats() : List.of();
                List<Extmap> ext = s.committed != null ? s.committed.extensions() : List.of();
                s.offered = new LocalMediaSection(s.mid, s.kind.sdpName(), PROTOCOL, false, List.of("0"),
                        Direction.INACTIVE, formats, ext, null);
            }
            sections.add(s.offered);
        }
        pending = new ArrayList<>(slots);
        return SdpWriter.write(sessionId, ++version, transport, sections);
    }

    /**
     * Applies the client's answer to the pending offer: learns, per section, the payload types
     * and extension ids the client kept, and commits. Returns the client's subscriptions.
     *
     * @throws SdpParseException     when the answer does not match the offer
     * @throws IllegalStateException when no offer is pending
     */
    public List<Subscription> applyAnswer(SessionDescription answer) throws SdpParseException {
        if (pending == null) {
            throw new IllegalStateException("no server offer is pending");
        }
        if (answer.media().size() != pending.size()) {
            throw new SdpParseException("The answer has " + answer.media().size() + " media sections; the offer had "
                    + pending.size() + ".");
        }
        for (int i = 0; i < pending.size(); i++) {
            String mid = answer.media().get(i).mid();
            if (!pending.get(i).mid.equals(mid)) {
                throw new SdpParseException("Media section " + i + " of the answer has mid " + mid + "; the offer had "
                        + pending.get(i).mid + ".");
            }
        }
        for (int i = 0; i < pending.size(); i++) {
            Slot s = pending.get(i);
            if (!s.serverOwned) {
                continue;
            }
            MediaDescription m = answer.media().get(i);
            List<RtpFormat> formats = new ArrayList<>();
            for (RtpFormat f : s.offered.formats()) {
                if (m.format(f.payloadType()) != null) {
                    formats.add(f);
                }
            }
            List<Extmap> ext = new ArrayList<>();
            for (Extmap e : s.offered.extensions()) {
                int id = m.extensionId(e.uri());
                if (id > 0) {
                    ext.add(new Extmap(id, null, e.uri()));
                }
            }
            boolean active = !m.isRejected() && m.direction().receives() && s.offered.direction().sends()
                    && formats.stream().anyMatch(f -> !f.isRtx());
            s.committed = new LocalMediaSection(s.mid, s.offered.type(), s.offered.protocol(), false, s.offered.rawFormats(),
                    s.offered.direction(), formats.isEmpty() ? s.offered.formats() : formats, ext, s.offered.source());
            s.committedTrack = s.desiredTrack;
            s.committedActive = active;
        }
        pending = null;
        return subscriptions();
    }

    /** Forgets the pending offer (unanswered or refused); its changes are offered again later. */
    public void rollbackOffer() {
        if (pending == null) {
            return;
        }
        for (Slot s : pending) {
            s.offered = null;
        }
        pending = null;
    }

    /** The tracks the client currently receives, as last agreed. */
    public List<Subscription> subscriptions() {
        List<Subscription> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s.serverOwned && s.committedActive && s.committedTrack != null && s.committed != null) {
                SenderSource src = s.committed.source();
                boolean rtx = hasRtx(s.committed.formats());
                out.add(new Subscription(participantId, s.committedTrack.publisherId(), s.committedTrack.track().trackId(),
                        s.kind, s.mid, src.ssrc(), rtx ? src.rtxSsrc() : -1, AnswerBuilder.toCodecs(s.committed.formats()),
                        toHeaderExtensions(s.committed.extensions())));
            }
        }
        return out;
    }

    private Slot freeSlot(MediaKind kind) {
        Slot recycled = null;
        for (Slot s : slots) {
            if (!s.serverOwned || s.kind != kind || s.desiredTrack != null) {
                continue;
            }
            // Prefer a section the client already saw inactive; else one freed in this round.
            if (s.committed != null && s.committedTrack == null) {
                return s;
            }
            if (recycled == null) {
                recycled = s;
            }
        }
        return recycled;
    }

    private void learnPeerCapabilities(SessionDescription offer) {
        for (MediaDescription m : offer.media()) {
            if (m.kind() == null || m.isRejected()) {
                continue;
            }
            List<RtpFormat> known = peerFormats.computeIfAbsent(m.kind(), k -> new ArrayList<>());
            for (RtpFormat f : m.rtpFormats()) {
                known.removeIf(k -> k.payloadType() == f.payloadType());
                known.add(f);
            }
            for (Extmap e : m.extensions()) {
                peerExtensionIds.put(e.uri(), e.id());
            }
            if (CodecPolicy.offersTransportCc(m)) {
                for (RtpFormat f : m.rtpFormats()) {
                    if (f.rtcpFeedback().contains(CodecPolicy.FB_TRANSPORT_CC)) {
                        peerTransportCc.add(m.kind());
                    }
                }
            }
        }
    }

    /** The publisher's codecs as this client names them: its payload types where it has the codec. */
    private List<RtpFormat> mapFormats(RemoteTrack t) {
        List<RtpFormat> known = peerFormats.getOrDefault(t.track().kind(), List.of());
        Set<Integer> used = new HashSet<>();
        List<RtpFormat> out = new ArrayList<>();
        for (Codec c : t.track().codecs()) {
            RtpFormat match = findPeerFormat(known, c);
            if (match == null && !known.isEmpty()) {
                continue;
            }
            int pt = match != null ? match.payloadType() : c.payloadType();
            if (!used.add(pt)) {
                continue;
            }
            // Only feedback the server acts on, whatever the publisher's codec carries; transport-cc
            // is between the server and this client, so it follows what this client offered.
            List<String> fb = new ArrayList<>(CodecPolicy.filterFeedback(
                    new RtpFormat(pt, c.name(), c.clockRate(), c.channels(), c.fmtp(), c.rtcpFeedback()), false).rtcpFeedback());
            if (transportCc(t.track().kind())) {
                fb.add(CodecPolicy.FB_TRANSPORT_CC);
            }
            out.add(new RtpFormat(pt, c.name(), c.clockRate(), c.channels(), c.fmtp(), fb));
            if (c.rtxPayloadType() >= 0) {
                int rtxPt = -1;
                for (RtpFormat f : known) {
                    if (f.isRtx() && f.apt() == pt) {
                        rtxPt = f.payloadType();
                    }
                }
                if (rtxPt < 0 && known.isEmpty()) {
                    rtxPt = c.rtxPayloadType();
                }
                if (rtxPt >= 0 && used.add(rtxPt)) {
                    out.add(new RtpFormat(rtxPt, "rtx", c.clockRate(), 1, "apt=" + pt, List.of()));
                }
            }
        }
        return out;
    }

    private static RtpFormat findPeerFormat(List<RtpFormat> known, Codec c) {
        for (RtpFormat f : known) {
            if (!f.is(c.name()) || f.clockRate() != c.clockRate() || f.channels() != c.channels()) {
                continue;
            }
            if (c.name().equalsIgnoreCase("H264")) {
                RtpFormat probe = new RtpFormat(0, c.name(), c.clockRate(), 1, c.fmtp(), List.of());
                if (!eq(f.fmtpParameter("packetization-mode"), probe.fmtpParameter("packetization-mode"))
                        || !eq(f.fmtpParameter("profile-level-id"), probe.fmtpParameter("profile-level-id"))) {
                    continue;
                }
            }
            return f;
        }
        return null;
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

    private List<Extmap> mapExtensions(RemoteTrack t) {
        Set<String> published = new HashSet<>();
        for (HeaderExtension h : t.track().extensions()) {
            published.add(h.uri());
        }
        List<Extmap> out = new ArrayList<>();
        for (String uri : SEND_EXTENSIONS.get(t.track().kind())) {
            boolean own = CodecPolicy.EXT_TRANSPORT_CC.equals(uri);
            if (own ? !transportCc(t.track().kind()) : !published.contains(uri)) {
                continue;
            }
            Integer id = peerExtensionIds.get(uri);
            if (id == null) {
                id = DEFAULT_EXTENSION_IDS.get(uri);
                if (peerExtensionIds.containsValue(id)) {
                    id = freeExtensionId();
                }
            }
            if (id > 0) {
                out.add(new Extmap(id, null, uri));
            }
        }
        return out;
    }

    /**
     * True when the client offered transport-cc for {@code kind} (or, having no section of that
     * kind yet, for another: the feedback is transport-wide): the server's sections to it carry it.
     */
    private boolean transportCc(MediaKind kind) {
        if (!peerExtensionIds.containsKey(CodecPolicy.EXT_TRANSPORT_CC)) {
            return false;
        }
        return peerTransportCc.contains(kind) || (!peerFormats.containsKey(kind) && !peerTransportCc.isEmpty());
    }

    private int freeExtensionId() {
        for (int id = 1; id <= 14; id++) {
            if (!peerExtensionIds.containsValue(id) && !DEFAULT_EXTENSION_IDS.containsValue(id)) {
                return id;
            }
        }
        return -1;
    }

    private static boolean hasRtx(List<RtpFormat> formats) {
        for (RtpFormat f : formats) {
            if (f.isRtx()) {
                return true;
            }
        }
        return false;
    }

    private static List<HeaderExtension> toHeaderExtensions(List<Extmap> ext) {
        return AnswerBuilder.toExtensions(ext);
    }
}
