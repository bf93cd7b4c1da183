package dev.sfu.signaling.admin;

import dev.sfu.core.metrics.ParticipantStats;
import dev.sfu.core.metrics.ProcessStats;
import dev.sfu.core.metrics.RoomStats;
import dev.sfu.core.metrics.ServerMetrics;
import dev.sfu.core.metrics.StatsSnapshot;
import dev.sfu.core.metrics.TrackStats;
import dev.sfu.core.metrics.TransportDropMetrics;
import dev.sfu.signaling.auth.TokenRefused;
import dev.sfu.signaling.limit.AccessCounters;
import dev.sfu.signaling.limit.Limit;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a {@link StatsSnapshot} in the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): for each family one
 * {@code # HELP} and one {@code # TYPE} line, then its samples, one per line:
 * <pre>
 * # HELP sfu_room_bitrate_bits_per_second Bits per second of a room's RTP over the last second.
 * # TYPE sfu_room_bitrate_bits_per_second gauge
 * sfu_room_bitrate_bits_per_second{room="abc",direction="in"} 804000
 * </pre>
 * Every sample carries first a {@code node} label, the id of the node that wrote it (so that the
 * series of a cluster's nodes stay apart), when one is given.
 * Per-room series carry a {@code room} label, per-participant series {@code room} and
 * {@code participant}; per-track series add {@code track} (and, for a received track, the
 * {@code publisher}), per-layer series the layer's {@code rid}. Label values escape backslash, double quote and newline; help texts
 * escape backslash and newline.
 */
public final class PrometheusFormat {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Snapshot drop keys of the media transports' drops (TransportDropMetrics): {@code transport.<REASON>}. */
    private static final String TRANSPORT_DROP = TransportDropMetrics.PREFIX.substring(ServerMetrics.DROPS_PREFIX.length());

    private final StringBuilder out = new StringBuilder(4096);
    /** The escaped node id, or null for no node label. */
    private final String node;

    private PrometheusFormat(String nodeId) {
        this.node = nodeId == null ? null : escapeLabel(nodeId);
    }

    /** The exposition of {@code s}; {@code ready} is false while the server drains. */
    public static String write(StatsSnapshot s, boolean ready) {
        return write(s, ready, null);
    }

    /** The exposition of {@code s} and of what access control refused ({@code access} may be null). */
    public static String write(StatsSnapshot s, boolean ready, AccessCounters access) {
        return write(s, ready, access, null);
    }

    /** As {@link #write(StatsSnapshot, boolean, AccessCounters)}, each sample labelled {@code node="nodeId"} (null: none). */
    public static String write(StatsSnapshot s, boolean ready, AccessCounters access, String nodeId) {
        return write(s, ready, access, nodeId, java.util.List.of());
    }

    /** As {@link #write(StatsSnapshot, boolean, AccessCounters, String)}, with this node's relays to other nodes. */
    public static String write(StatsSnapshot s, boolean ready, AccessCounters access, String nodeId,
                               java.util.List<dev.sfu.core.relay.RelayStats> relays) {
        PrometheusFormat f = new PrometheusFormat(nodeId);
        f.server(s, ready);
        if (access != null) {
            f.access(access);
        }
        f.rooms(s);
        f.participants(s);
        f.layers(s);
        if (!relays.isEmpty()) {
            f.relays(relays);
        }
        return f.out.toString();
    }

    /** Relays: a gauge of those up, and per far node the packets and bytes across, both ways. */
    private void relays(java.util.List<dev.sfu.core.relay.RelayStats> relays) {
        java.util.Map<String, long[]> byPeer = new java.util.TreeMap<>();
        int connected = 0;
        for (dev.sfu.core.relay.RelayStats r : relays) {
            if (r.connected()) {
                connected++;
            }
            long[] c = byPeer.computeIfAbsent(r.peerNode(), k -> new long[5]);
            c[0] += r.packetsSent();
            c[1] += r.bytesSent();
            c[2] += r.packetsReceived();
            c[3] += r.bytesReceived();
            c[4] += r.retransmissions();
        }
        int up = connected;
        gauge("sfu_relays", "Relays to other nodes (one per room and far node), by state.", () -> {
            sample(up, "state", "connected");
            sample(relays.size() - up, "state", "connecting");
        });
        counter("sfu_relay_packets_total", "RTP packets across relays of the rooms open now, by far node and direction.",
                () -> byPeer.forEach((peer, c) -> {
                    sample(c[0], "peer", peer, "direction", "out");
                    sample(c[2], "peer", peer, "direction", "in");
                }));
        counter("sfu_relay_bytes_total", "RTP bytes across relays of the rooms open now, by far node and direction.",
                () -> byPeer.forEach((peer, c) -> {
                    sample(c[1], "peer", peer, "direction", "out");
                    sample(c[3], "peer", peer, "direction", "in");
                }));
        counter("sfu_relay_retransmissions_total", "Retransmissions sent across relays, by far node.",
                () -> byPeer.forEach((peer, c) -> sample(c[4], "peer", peer)));
        // One relay per room and far node, each with its own congestion-control estimate.
        gauge("sfu_relay_estimate_bps", "The relay's congestion-control estimate of what it can carry to the far node,"
                + " bits/s, from the far node's transport-cc feedback (relays with an estimate).", () -> {
            for (dev.sfu.core.relay.RelayStats r : relays) {
                if (r.estimateBps() >= 0) {
                    sample(r.estimateBps(), "peer", r.peerNode(), "room", r.roomId());
                }
            }
        });
        gauge("sfu_relay_needed_bps", "What the far node needs of this node's tracks across the relay, bits/s.", () -> {
            for (dev.sfu.core.relay.RelayStats r : relays) {
                sample(r.neededBps(), "peer", r.peerNode(), "room", r.roomId());
            }
        });
        gauge("sfu_relay_layers_held_back", "Simulcast layers the relay's estimate holds back now (0 unless the relay"
                + " is congested).", () -> {
            for (dev.sfu.core.relay.RelayStats r : relays) {
                sample(r.layersHeldBack(), "peer", r.peerNode(), "room", r.roomId());
            }
        });
    }

    private void access(AccessCounters a) {
        counter("sfu_rate_limited_total", "Requests, connections and messages refused for being over a rate limit"
                + " (HTTP 429 or signaling RATE_LIMITED), by limit.", () -> {
            for (Limit l : Limit.values()) {
                sample(a.limitedCount(l), "limit", l.label());
            }
        });
        counter("sfu_connections_closed_for_abuse_total", "Signaling connections closed for sending on while rate limited.",
                () -> sample(a.closedForAbuseCount()));
        counter("sfu_join_tokens_refused_total", "Joins and /webrtc/config requests refused for their token"
                + " (UNAUTHORIZED or TOKEN_EXPIRED), by reason.", () -> {
            for (TokenRefused.Reason r : TokenRefused.Reason.values()) {
                sample(a.refusedCount(r), "reason", r.name().toLowerCase(java.util.Locale.ROOT));
            }
        });
    }

    private void server(StatsSnapshot s, boolean ready) {
        gauge("sfu_ready", "1 while the server accepts new participants, 0 while it drains.",
                () -> sample(ready ? 1 : 0));
        gauge("sfu_rooms", "Rooms open.", () -> sample(s.roomCount()));
        gauge("sfu_participants", "Participants in all rooms.", () -> sample(s.participantCount()));
        gauge("sfu_tracks", "Tracks published in all rooms.", () -> sample(s.trackCount()));
        gauge("sfu_bitrate_bits_per_second", "Bits per second of RTP over the last second, all rooms; in: from publishers, out: to subscribers.", () -> {
            sample(s.bitrateIn(), "direction", "in");
            sample(s.bitrateOut(), "direction", "out");
        });
        gauge("sfu_packets_per_second", "RTP packets per second over the last second, all rooms.", () -> {
            sample(s.packetRateIn(), "direction", "in");
            sample(s.packetRateOut(), "direction", "out");
        });
        counter("sfu_drops_total", "Packets dropped since start, by reason: by the forwarding path, and"
                + " (layer=\"transport\") datagrams dropped by the media transports.", () -> {
            for (Map.Entry<String, Long> e : s.drops().entrySet()) {
                if (e.getKey().startsWith(TRANSPORT_DROP)) {
                    sample(e.getValue(), "layer", "transport", "reason", e.getKey().substring(TRANSPORT_DROP.length()));
                } else {
                    sample(e.getValue(), "reason", e.getKey());
                }
            }
        });
        ProcessStats p = s.process();
        gauge("sfu_process_cpu_ratio", "CPU used by the server process, 0-1 of all cores.", () -> sample(p.processCpuLoad()));
        gauge("sfu_system_cpu_ratio", "CPU used by the whole machine, 0-1.", () -> sample(p.systemCpuLoad()));
        gauge("sfu_jvm_heap_used_bytes", "Java heap in use.", () -> sample(p.heapUsedBytes()));
        gauge("sfu_jvm_heap_max_bytes", "Java heap limit (-1: none).", () -> sample(p.heapMaxBytes()));
        counter("sfu_jvm_gc_collections_total", "Garbage collections since start, by collector.", () -> {
            for (ProcessStats.GcStats g : p.collectors()) {
                sample(g.collections(), "gc", g.name());
            }
        });
        counter("sfu_jvm_gc_pause_seconds_total", "Time spent in garbage collection since start, by collector.", () -> {
            for (ProcessStats.GcStats g : p.collectors()) {
                sample(g.timeMillis() / 1000.0, "gc", g.name());
            }
        });
    }

    private void rooms(StatsSnapshot s) {
        gauge("sfu_room_participants", "Participants in a room.", () -> each(s, r -> sample(r.participantCount(), "room", r.id())));
        gauge("sfu_room_tracks", "Tracks published in a room.", () -> each(s, r -> sample(r.trackCount(), "room", r.id())));
        gauge("sfu_room_bitrate_bits_per_second", "Bits per second of a room's RTP over the last second; in: from its publishers, out: to its subscribers.",
                () -> each(s, r -> {
                    sample(r.bitrateIn(), "room", r.id(), "direction", "in");
                    sample(r.bitrateOut(), "room", r.id(), "direction", "out");
                }));
        gauge("sfu_room_packets_per_second", "RTP packets per second of a room over the last second.", () -> each(s, r -> {
            sample(r.packetRateIn(), "room", r.id(), "direction", "in");
            sample(r.packetRateOut(), "room", r.id(), "direction", "out");
        }));
        counter("sfu_room_packets_total", "RTP packets of a room since it was created.", () -> each(s, r -> {
            sample(r.packetsIn(), "room", r.id(), "direction", "in");
            sample(r.packetsOut(), "room", r.id(), "direction", "out");
        }));
        counter("sfu_room_bytes_total", "RTP bytes of a room since it was created.", () -> each(s, r -> {
            sample(r.bytesIn(), "room", r.id(), "direction", "in");
            sample(r.bytesOut(), "room", r.id(), "direction", "out");
        }));
        counter("sfu_room_nacks_received_total", "NACKs received from a room's subscribers.",
                () -> each(s, r -> sample(r.nacksReceived(), "room", r.id())));
        counter("sfu_room_retransmissions_total", "Packets resent from a room's retransmission caches.",
                () -> each(s, r -> sample(r.retransmissions(), "room", r.id())));
        counter("sfu_room_plis_sent_total", "Keyframe requests (PLI) sent to a room's publishers.",
                () -> each(s, r -> sample(r.plisSent(), "room", r.id())));
        counter("sfu_room_keyframes_total", "Keyframes received from a room's publishers.",
                () -> each(s, r -> sample(r.keyframes(), "room", r.id())));
        counter("sfu_room_drops_total", "Packets a room dropped, by reason.", () -> each(s, r -> {
            for (Map.Entry<String, Long> e : r.drops().entrySet()) {
                sample(e.getValue(), "room", r.id(), "reason", e.getKey());
            }
        }));
        counter("sfu_stage_packets_total", "Packets through each stage of a room's receive path; in: entered, out: passed on, dropped: dropped by it.",
                () -> each(s, r -> {
                    for (RoomStats.Stage st : r.stages()) {
                        sample(st.in(), "room", r.id(), "stage", st.name(), "direction", "in");
                        sample(st.out(), "room", r.id(), "stage", st.name(), "direction", "out");
                        sample(st.dropped(), "room", r.id(), "stage", st.name(), "direction", "dropped");
                    }
                }));
    }

    private void participants(StatsSnapshot s) {
        gauge("sfu_participant_connected", "1 when a participant's media transport (ICE and DTLS) is connected, else 0.",
                () -> eachP(s, (r, p) -> sample(p.connectionState().equals("connected") ? 1 : 0, "room", r.id(), "participant", p.id())));
        gauge("sfu_participant_bitrate_bits_per_second", "Bits per second over the last second; up: what a participant sends, down: what it is sent.",
                () -> eachP(s, (r, p) -> {
                    sample(p.bitrateUp(), "room", r.id(), "participant", p.id(), "direction", "up");
                    sample(p.bitrateDown(), "room", r.id(), "participant", p.id(), "direction", "down");
                }));
        counter("sfu_participant_packets_total", "RTP packets since a participant joined; up: received from it, down: sent to it.",
                () -> eachP(s, (r, p) -> {
                    sample(p.packetsUp(), "room", r.id(), "participant", p.id(), "direction", "up");
                    sample(p.packetsDown(), "room", r.id(), "participant", p.id(), "direction", "down");
                }));
        gauge("sfu_participant_loss_ratio", "Worst fraction of packets lost, 0-1; up: measured by the server on what a participant sends, down: from its receiver reports.",
                () -> eachP(s, (r, p) -> {
                    sample(p.lossUp(), "room", r.id(), "participant", p.id(), "direction", "up");
                    sample(p.lossDown(), "room", r.id(), "participant", p.id(), "direction", "down");
                }));
        gauge("sfu_participant_jitter_seconds", "Worst interarrival jitter a participant reports for what it receives.",
                () -> eachP(s, (r, p) -> sample(p.jitterMillis() / 1000.0, "room", r.id(), "participant", p.id())));
        gauge("sfu_participant_rtt_seconds", "Round-trip time from a participant's receiver reports (absent until known).",
                () -> eachP(s, (r, p) -> {
                    if (p.rttMillis() >= 0) {
                        sample(p.rttMillis() / 1000.0, "room", r.id(), "participant", p.id());
                    }
                }));
        counter("sfu_participant_nacks_total", "NACKs; received: sent by the participant, sent: sent by the server about its streams.",
                () -> eachP(s, (r, p) -> {
                    sample(p.nacksReceived(), "room", r.id(), "participant", p.id(), "direction", "received");
                    sample(p.nacksSent(), "room", r.id(), "participant", p.id(), "direction", "sent");
                }));
        counter("sfu_participant_plis_total", "Keyframe requests; received: sent by the participant, sent: sent by the server to it.",
                () -> eachP(s, (r, p) -> {
                    sample(p.plisReceived(), "room", r.id(), "participant", p.id(), "direction", "received");
                    sample(p.plisSent(), "room", r.id(), "participant", p.id(), "direction", "sent");
                }));
        counter("sfu_participant_keyframes_total", "Keyframes a participant published.",
                () -> eachP(s, (r, p) -> sample(p.keyframes(), "room", r.id(), "participant", p.id())));
        downlink(s);
    }

    /** Congestion control: each participant's downlink estimate, allocation and pacer (issue 13). */
    private void downlink(StatsSnapshot s) {
        gauge("sfu_participant_downlink_estimate_bits_per_second", "A participant's downlink as estimated from its transport-cc feedback (absent while unknown).",
                () -> eachP(s, (r, p) -> {
                    if (p.downlink().estimateBps() >= 0) {
                        sample(p.downlink().estimateBps(), "room", r.id(), "participant", p.id());
                    }
                }));
        gauge("sfu_participant_downlink_allocated_bits_per_second", "What the allocation forwards to a participant now (measured layer rates); desired: what it would without a bandwidth limit.",
                () -> eachP(s, (r, p) -> {
                    sample(p.downlink().allocatedBps(), "room", r.id(), "participant", p.id(), "kind", "allocated");
                    sample(p.downlink().desiredBps(), "room", r.id(), "participant", p.id(), "kind", "desired");
                }));
        gauge("sfu_participant_paused_videos", "Videos paused for a participant now; reason bandwidth: even the lowest layer does not fit, other: hidden tile or last-N.",
                () -> eachP(s, (r, p) -> {
                    ParticipantStats.Downlink d = p.downlink();
                    sample(d.pausedForBandwidth(), "room", r.id(), "participant", p.id(), "reason", "bandwidth");
                    sample(d.pausedVideos() - d.pausedForBandwidth(), "room", r.id(), "participant", p.id(), "reason", "other");
                }));
        counter("sfu_participant_layer_switches_total", "Layer changes the bandwidth allocation made for a participant's videos.",
                () -> eachP(s, (r, p) -> sample(p.downlink().layerSwitches(), "room", r.id(), "participant", p.id())));
        gauge("sfu_participant_layer_switches_per_minute", "Layer changes the bandwidth allocation made for a participant in the last minute.",
                () -> eachP(s, (r, p) -> sample(p.downlink().switchesPerMinute(), "room", r.id(), "participant", p.id())));
        gauge("sfu_participant_pacer_queue_packets", "Packets waiting in a participant's pacer now.",
                () -> eachP(s, (r, p) -> sample(p.downlink().pacerQueue(), "room", r.id(), "participant", p.id())));
        counter("sfu_participant_pacer_dropped_total", "Packets a participant's pacer dropped; queue_full or expired.",
                () -> eachP(s, (r, p) -> {
                    sample(p.downlink().pacerDroppedFull(), "room", r.id(), "participant", p.id(), "reason", "queue_full");
                    sample(p.downlink().pacerDroppedExpired(), "room", r.id(), "participant", p.id(), "reason", "expired");
                }));
        counter("sfu_participant_probe_clusters_total", "Probe clusters sent to a participant to find headroom on its downlink.",
                () -> eachP(s, (r, p) -> sample(p.downlink().probeClusters(), "room", r.id(), "participant", p.id())));
        counter("sfu_participant_transport_cc_feedback_total", "Transport-cc feedback messages a participant sent about what it receives.",
                () -> eachP(s, (r, p) -> sample(p.downlink().feedbacks(), "room", r.id(), "participant", p.id())));
    }

    /** Simulcast: the layers each publisher sends, and which one each subscriber gets. */
    private void layers(StatsSnapshot s) {
        gauge("sfu_layer_bitrate_bits_per_second", "Bits per second received on each layer of a published video (rid empty for a plain track), about the last second.",
                () -> eachT(s, "up", (r, p, t) -> {
                    for (TrackStats.Layer l : t.layers()) {
                        sample(l.bitrate(), "room", r.id(), "participant", p.id(), "track", t.trackId(), "rid", rid(l.rid()));
                    }
                }));
        gauge("sfu_layer_live", "1 while the publisher sends a layer of its video, else 0.",
                () -> eachT(s, "up", (r, p, t) -> {
                    for (TrackStats.Layer l : t.layers()) {
                        sample(l.live() ? 1 : 0, "room", r.id(), "participant", p.id(), "track", t.trackId(), "rid", rid(l.rid()));
                    }
                }));
        gauge("sfu_down_spatial_layer", "Index of the layer a subscriber receives of a video, in the publisher's rid order (-1: none).",
                () -> eachT(s, "down", (r, p, t) -> down(r, p, t, t.forwarding().layer())));
        gauge("sfu_down_temporal_layer_max", "Highest VP8 temporal layer a subscriber receives of a video, 0-2 (3: all).",
                () -> eachT(s, "down", (r, p, t) -> down(r, p, t, t.forwarding().maxTemporalLayer())));
        counter("sfu_down_layer_switches_total", "Spatial layer switches of a video a subscriber receives.",
                () -> eachT(s, "down", (r, p, t) -> down(r, p, t, t.forwarding().switches())));
        gauge("sfu_down_paused", "1 while a video is paused for a subscriber (tile hidden, or publisher not among its last-N), else 0.",
                () -> eachT(s, "down", (r, p, t) -> down(r, p, t, t.forwarding().paused() ? 1 : 0)));
    }

    private void down(RoomStats r, ParticipantStats p, TrackStats t, double value) {
        sample(value, "room", r.id(), "participant", p.id(), "publisher", t.publisherId(), "track", t.trackId());
    }

    private static String rid(String rid) {
        return rid == null ? "" : rid;
    }

    private interface RoomAndParticipant {
        void accept(RoomStats r, ParticipantStats p);
    }

    private interface RoomParticipantTrack {
        void accept(RoomStats r, ParticipantStats p, TrackStats t);
    }

    private static void each(StatsSnapshot s, Consumer<RoomStats> c) {
        for (RoomStats r : s.rooms()) {
            c.accept(r);
        }
    }

    private static void eachP(StatsSnapshot s, RoomAndParticipant c) {
        for (RoomStats r : s.rooms()) {
            for (ParticipantStats p : r.participants()) {
                c.accept(r, p);
            }
        }
    }

    /** Every video track of this direction that carries layer figures ({@code up}: layers, {@code down}: forwarding). */
    private static void eachT(StatsSnapshot s, String direction, RoomParticipantTrack c) {
        eachP(s, (r, p) -> {
            for (TrackStats t : p.tracks()) {
                if (t.direction().equals(direction) && (t.forwarding() != null || !t.layers().isEmpty())) {
                    c.accept(r, p, t);
                }
            }
        });
    }

    private String family;

    private void gauge(String name, String help, Runnable samples) {
        family(name, "gauge", help, samples);
    }

    private void counter(String name, String help, Runnable samples) {
        family(name, "counter", help, samples);
    }

    private void family(String name, String type, String help, Runnable samples) {
        family = name;
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        samples.run();
    }

    /** One sample of the current family; {@code labels} alternate names and values. */
    private void sample(double value, String... labels) {
        out.append(family);
        if (labels.length > 0 || node != null) {
            out.append('{');
            if (node != null) {
                out.append("node=\"").append(node).append('"');
            }
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0 || node != null) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    /** A sample value: integers without a fraction, NaN and infinities as Prometheus spells them. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** Label values: backslash, double quote and line feed are escaped. */
    static String escapeLabel(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Help texts: backslash and line feed are escaped. */
    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
