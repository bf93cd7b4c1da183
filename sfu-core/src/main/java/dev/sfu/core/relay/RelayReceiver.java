package dev.sfu.core.relay;

import dev.sfu.core.forward.CopyOnWrite;
import dev.sfu.core.forward.MediaEndpoint;
import dev.sfu.core.forward.RelayEgress;
import dev.sfu.core.forward.TransportFeedbackSender;
import dev.sfu.core.transport.MediaTransport;
import dev.sfu.core.transport.TransportListener;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.TransportCcExtension;
import dev.sfu.rtp.rtcp.RtcpCompoundIterator;
import dev.sfu.rtp.rtcp.RtcpHeader;
import dev.sfu.rtp.srtp.SrtpProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The listener bound to a relay's transport: what arrives from the far node.
 * <ul>
 *   <li>RTP goes to the remote participant whose track has that SSRC (its {@link MediaEndpoint}
 *       runs the ordinary receive pipeline: statistics, NACKs across the relay, this node's
 *       retransmission cache, fan-out to local subscribers);</li>
 *   <li>RTCP is split per packet (RFC 3550 section 6.1): sender reports, about the far node's
 *       streams, go to the remote participant that publishes them; receiver reports, NACKs, PLIs
 *       and FIRs, about this node's streams, go to the {@link RelayEgress}; the rest is
 *       consumed.</li>
 * </ul>
 * Every RTP packet that arrives with the far node's transport-wide sequence number (under the
 * id its track's description names, {@link RelayTrack#transportCcId}) is recorded by a
 * {@link TransportFeedbackSender} of the relay's own, which reports arrivals to the far node
 * every 50 ms, so that the far node can estimate the relay ({@link RelayEgress}). A packet on
 * an SSRC not described yet (a simulcast layer the far node just learned) is dropped but still
 * recorded when every described track uses the same id (the usual case: browsers of one kind),
 * since it did cross; otherwise the far node takes it for lost.
 *
 * <p>Runs on the relay transport's serial executor; allocates nothing per packet.
 */
public final class RelayReceiver implements TransportListener {
    private static final Logger LOG = LoggerFactory.getLogger(RelayReceiver.class);
    private static final MediaEndpoint[] NONE = new MediaEndpoint[0];

    /** Why something from the far node went nowhere. */
    public enum Drop {
        /** Not a valid RTP header or RTCP compound. */
        MALFORMED,
        /** RTP or a sender report on an SSRC no remote participant publishes (not described yet). */
        UNKNOWN_SSRC
    }

    private final String name;
    private final RtcpCompoundIterator compound = new RtcpCompoundIterator();
    private volatile MediaEndpoint[] remotes = NONE;
    /** SSRC -> remote participant, rebuilt when the far node describes its participants; checked on each hit. */
    private volatile SsrcTable table = SsrcTable.EMPTY;
    private volatile RelayEgress egress;
    private volatile MediaTransport transport;
    /** Created with the transport; used on its executor only. */
    private volatile TransportFeedbackSender feedback;
    /** The relay's transport-cc id per remote track ("participant\ntrack"), from the far node's descriptions. */
    private final java.util.Map<String, Integer> transportCcIds = new java.util.concurrent.ConcurrentHashMap<>();
    /** The one id all described tracks use, or -1 (none, or several). */
    private volatile int soleTransportCcId = -1;
    private final CountDownLatch connected = new CountDownLatch(1);
    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong rtcpReceived = new AtomicLong();
    private final AtomicLong stamped = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);

    RelayReceiver(String name) {
        this.name = name;
    }

    void setEgress(RelayEgress e) {
        egress = e;
    }

    /** The relay's transport: feedback about what arrives goes back on it. */
    void setTransport(MediaTransport t) {
        byte[] rtcp = new byte[RtpPacket.MTU + RtpPacket.TAIL_ROOM];
        long ssrc = new java.security.SecureRandom().nextInt() & 0xFFFFFFFFL;
        transport = t;
        feedback = new TransportFeedbackSender(t, rtcp, ssrc == 0 ? 1 : ssrc, System.nanoTime());
    }

    /** The id under which the far node stamps its transport-wide sequence on {@code trackId}'s packets (-1: none). */
    void setTransportCcId(String participantId, String trackId, int id) {
        transportCcIds.put(participantId + "\n" + trackId, id);
        soleTransportCcId = sole();
    }

    void forgetTransportCcIds(String participantId) {
        transportCcIds.keySet().removeIf(k -> k.startsWith(participantId + "\n"));
        soleTransportCcId = sole();
    }

    private int sole() {
        int id = -1;
        for (int v : transportCcIds.values()) {
            if (v > 0 && id > 0 && v != id) {
                return -1;
            }
            if (v > 0) {
                id = v;
            }
        }
        return id;
    }

    synchronized void addRemote(MediaEndpoint e) {
        remotes = CopyOnWrite.with(remotes, e);
        rebuild();
    }

    synchronized void removeRemote(MediaEndpoint e) {
        remotes = CopyOnWrite.without(remotes, e);
        rebuild();
    }

    /** Re-reads the remote participants' SSRCs (after a description changed them). */
    synchronized void rebuild() {
        table = SsrcTable.of(remotes, (e, u) -> {
            Integer id = transportCcIds.get(e.id() + "\n" + u.trackId());
            return id == null ? -1 : id;
        });
    }

    @Override
    public void onConnected(SrtpProfile profile) {
        LOG.info("relay {}: media connected ({})", name, profile);
        connected.countDown();
    }

    boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
        return connected.await(timeout, unit);
    }

    boolean isConnected() {
        return connected.getCount() == 0;
    }

    @Override
    public void onRtp(byte[] buf, int off, int len) {
        if (RtpPacket.validHeaderLength(buf, off, len) < 0) {
            drops.incrementAndGet(Drop.MALFORMED.ordinal());
            return;
        }
        long ssrc = Integer.toUnsignedLong(RtpPacket.ssrc(buf, off));
        MediaEndpoint e = owner(ssrc);
        TransportFeedbackSender f = feedback;
        if (f != null) {
            int id = e == null ? -1 : table.transportCcId(ssrc);
            record(f, buf, off, len, ssrc, id > 0 ? id : soleTransportCcId);
        }
        if (e == null) {
            drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
            return;
        }
        packetsReceived.incrementAndGet();
        bytesReceived.addAndGet(len);
        e.onRtp(buf, off, len);
    }

    /** Records the far node's transport-wide sequence number of one packet for feedback. */
    private void record(TransportFeedbackSender f, byte[] buf, int off, int len, long ssrc, int id) {
        if (id <= 0) {
            return;
        }
        int seq = TransportCcExtension.read(buf, off, len, id);
        if (seq >= 0) {
            long now = System.nanoTime();
            long at = transport.receivedAtNanos();
            f.onSequence(seq, ssrc, at > 0 && at <= now && now - at < 10_000_000_000L ? at : now, now);
            stamped.incrementAndGet();
        }
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (!compound.reset(buf, off, len)) {
            drops.incrementAndGet(Drop.MALFORMED.ordinal());
            return;
        }
        rtcpReceived.incrementAndGet();
        while (compound.next()) {
            int p = compound.packetOffset();
            int plen = compound.packetLength();
            int type = compound.packetType();
            if (type == RtcpHeader.PT_SR) {
                // The sender's SSRC (RFC 3550 section 6.4.1) is one of the far node's streams.
                MediaEndpoint e = owner(u32(buf, p + 4));
                if (e != null) {
                    e.onRtcp(buf, p, plen);
                } else {
                    drops.incrementAndGet(Drop.UNKNOWN_SSRC.ordinal());
                }
            } else if (type == RtcpHeader.PT_RR || type == RtcpHeader.PT_RTPFB || type == RtcpHeader.PT_PSFB) {
                RelayEgress r = egress;
                if (r != null) {
                    r.onFeedback(buf, p, plen);
                }
            }
        }
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8) | (b[i + 3] & 0xFFL);
    }

    private MediaEndpoint owner(long ssrc) {
        MediaEndpoint hit = table.get(ssrc);
        if (hit != null && hit.publishesSsrc(ssrc)) {
            return hit;
        }
        for (MediaEndpoint e : remotes) {
            if (e.publishesSsrc(ssrc)) {
                return e;
            }
        }
        return null;
    }

    /** RTP packets from the far node delivered to a remote participant. */
    public long packetsReceived() {
        return packetsReceived.get();
    }

    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Valid RTCP compounds from the far node. */
    public long rtcpReceived() {
        return rtcpReceived.get();
    }

    public long drops(Drop reason) {
        return drops.get(reason.ordinal());
    }

    /** Packets that arrived with the far node's transport-wide sequence number (recorded for feedback). */
    public long transportCcPackets() {
        return stamped.get();
    }

    /** Transport-cc feedback messages sent to the far node. */
    public long transportFeedbacksSent() {
        TransportFeedbackSender f = feedback;
        return f == null ? 0 : f.messagesSent();
    }

    /**
     * An open-addressing map from SSRC to remote participant, immutable once built (a new one
     * replaces it), so the packet path reads it without a lock or an allocation; a miss or a
     * stale entry falls back to the scan.
     */
    static final class SsrcTable {
        static final SsrcTable EMPTY = new SsrcTable(new long[1], new MediaEndpoint[1]);

        private final long[] keys;
        private final MediaEndpoint[] values;
        /** The relay's transport-cc id of the track each SSRC belongs to, or -1. */
        private final int[] transportCcIds;
        private final int mask;

        private SsrcTable(long[] keys, MediaEndpoint[] values) {
            this.keys = keys;
            this.values = values;
            this.transportCcIds = new int[keys.length];
            this.mask = keys.length - 1;
            java.util.Arrays.fill(keys, -1);
        }

        static SsrcTable of(MediaEndpoint[] endpoints) {
            return of(endpoints, (e, u) -> -1);
        }

        static SsrcTable of(MediaEndpoint[] endpoints,
                            java.util.function.ToIntBiFunction<MediaEndpoint, dev.sfu.core.forward.UpTrack> transportCcId) {
            java.util.List<long[]> pairs = new java.util.ArrayList<>();
            java.util.List<MediaEndpoint> owners = new java.util.ArrayList<>();
            for (MediaEndpoint e : endpoints) {
                for (dev.sfu.core.forward.UpTrack u : e.upTracks()) {
                    int id = transportCcId.applyAsInt(e, u);
                    for (dev.sfu.core.forward.SimulcastLayer l : u.layers()) {
                        for (long s : new long[] {l.ssrc(), l.rtxSsrc()}) {
                            if (s >= 0) {
                                pairs.add(new long[] {s, id});
                                owners.add(e);
                            }
                        }
                    }
                }
            }
            int capacity = Integer.highestOneBit(Math.max(4, pairs.size() * 4) - 1) << 1;
            SsrcTable t = new SsrcTable(new long[capacity], new MediaEndpoint[capacity]);
            for (int i = 0; i < pairs.size(); i++) {
                t.put(pairs.get(i)[0], owners.get(i), (int) pairs.get(i)[1]);
            }
            return t;
        }

        /** The relay's transport-cc id for packets on {@code ssrc}, or -1 (unknown SSRC, or none). */
        int transportCcId(long ssrc) {
            int i = slot(ssrc) & mask;
            while (true) {
                long k = keys[i];
                if (k == ssrc) {
                    return transportCcIds[i];
                }
                if (k == -1) {
                    return -1;
                }
                i = (i + 1) & mask;
            }
        }

        private static int slot(long ssrc) {
            long h = ssrc * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32);
        }

        private void put(long ssrc, MediaEndpoint e, int transportCcId) {
            int i = slot(ssrc) & mask;
            while (keys[i] != -1 && keys[i] != ssrc) {
                i = (i + 1) & mask;
            }
            keys[i] = ssrc;
            values[i] = e;
            transportCcIds[i] = transportCcId;
        }

        MediaEndpoint get(long ssrc) {
            int i = slot(ssrc) & mask;
            while (true) {
                long k = keys[i];
                if (k == ssrc) {
                    return values[i];
                }
                if (k == -1) {
                    return null;
                }
                i = (i + 1) & mask;
            }
        }
    }
}
