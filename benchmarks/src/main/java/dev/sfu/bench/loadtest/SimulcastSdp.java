package dev.sfu.bench.loadtest;

import dev.sfu.signaling.sdp.MediaDescription;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The simulcast lines of a synthetic publisher's video section (RFC 8851 rid, RFC 8853
 * simulcast), written as Chromium writes them: {@code a=rid:q send}, {@code a=rid:h send},
 * {@code a=rid:f send}, {@code a=simulcast:send q;h;f}, and no {@code a=ssrc} lines for the
 * section (the server learns each layer's SSRC from the rtp-stream-id header extension). The
 * project's {@code SdpWriter} writes no rid lines (the server declines simulcast so far), so
 * they are added to its output here; and the server's answer is read for what it accepted.
 */
public final class SimulcastSdp {
    private SimulcastSdp() {
    }

    /**
     * The layers of one simulcast description, in order, and those marked paused ({@code ~rid}).
     * Empty when simulcast is absent or declined.
     */
    public record Layers(List<SimulcastLayer> layers, Set<SimulcastLayer> paused) {
        public Layers {
            layers = List.copyOf(layers);
            paused = paused.isEmpty() ? Set.of() : Set.copyOf(paused);
        }

        public static Layers none() {
            return new Layers(List.of(), Set.of());
        }

        /** q, h and f, none paused: what a publisher offers. */
        public static Layers all() {
            return new Layers(List.of(SimulcastLayer.values()), Set.of());
        }

        public boolean isEmpty() {
            return layers.isEmpty();
        }

        /** The RFC 8853 stream list, e.g. {@code q;h;~f}. */
        public String streamList() {
            List<String> out = new ArrayList<>();
            for (SimulcastLayer l : layers) {
                out.add((paused.contains(l) ? "~" : "") + l.rid());
            }
            return String.join(";", out);
        }
    }

    /**
     * Rewrites the section with {@code a=mid:<mid>} of an SDP: drops its {@code a=ssrc} and
     * {@code a=ssrc-group} lines, and, unless {@code layers} is empty, adds one
     * {@code a=rid:<rid> send} line per layer and {@code a=simulcast:send <list>} before its
     * candidates. Other sections are left as they are.
     */
    public static String sendLayers(String sdp, String mid, Layers layers) {
        String[] lines = sdp.split("\r\n");
        StringBuilder sb = new StringBuilder(sdp.length() + 128);
        boolean inSection = false;
        boolean added = false;
        List<String> section = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("m=")) {
                flush(sb, section, inSection && !added, layers);
                section.clear();
                inSection = false;
                added = false;
            }
            if (line.equals("a=mid:" + mid)) {
                inSection = true;
            }
            if (inSection && (line.startsWith("a=ssrc:") || line.startsWith("a=ssrc-group:"))) {
                continue;
            }
            if (inSection && !added && (line.startsWith("a=candidate:") || line.equals("a=end-of-candidates"))) {
                addLines(section, layers);
                added = true;
            }
            section.add(line);
        }
        flush(sb, section, inSection && !added, layers);
        return sb.toString();
    }

    private static void flush(StringBuilder sb, List<String> section, boolean addAtEnd, Layers layers) {
        if (addAtEnd) {
            addLines(section, layers);
        }
        for (String l : section) {
            sb.append(l).append("\r\n");
        }
    }

    private static void addLines(List<String> section, Layers layers) {
        if (layers.isEmpty()) {
            return;
        }
        for (SimulcastLayer l : layers.layers()) {
            section.add("a=rid:" + l.rid() + " send");
        }
        section.add("a=simulcast:send " + layers.streamList());
    }

    /**
     * What the peer receives of our simulcast, from its section: the layers listed after
     * {@code recv} in its {@code a=simulcast} (RFC 8853 section 5.1: streams separated by
     * {@code ;}, alternatives by {@code ,} of which the first is taken, {@code ~} marks a paused
     * stream), known rids only, each once. Empty when the section has no {@code a=simulcast} with
     * {@code recv}: the peer declined simulcast.
     */
    public static Layers received(MediaDescription section) {
        if (section == null || section.simulcast() == null) {
            return Layers.none();
        }
        String[] words = section.simulcast().trim().split("\\s+");
        List<SimulcastLayer> layers = new ArrayList<>();
        Set<SimulcastLayer> paused = EnumSet.noneOf(SimulcastLayer.class);
        for (int i = 0; i + 1 < words.length; i += 2) {
            if (!words[i].equals("recv")) {
                continue;
            }
            for (String stream : words[i + 1].split(";")) {
                String first = stream.split(",")[0].trim();
                boolean isPaused = first.startsWith("~");
                SimulcastLayer l = SimulcastLayer.ofRid(isPaused ? first.substring(1) : first);
                if (l != null && !layers.contains(l)) {
                    layers.add(l);
                    if (isPaused) {
                        paused.add(l);
                    }
                }
            }
        }
        return new Layers(layers, paused);
    }
}
