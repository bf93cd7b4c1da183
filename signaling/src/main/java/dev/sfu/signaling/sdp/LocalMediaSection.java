package dev.sfu.signaling.sdp;

import java.util.List;

/**
 * One media section the server writes, in an answer or an offer.
 *
 * @param mid        the mid
 * @param type       "audio", "video", "application" ...
 * @param protocol   the m-line protocol, copied from the peer's section
 * @param rejected   true writes port 0 (a rejected section, e.g. a data channel)
 * @param rawFormats the m-line formats to write when {@code formats} is empty (rejected sections)
 * @param direction  the server's direction
 * @param formats    the payload formats, preferred first
 * @param extensions the header extensions
 * @param source     what the server sends on this section, null when it sends nothing
 * @param receiveRids the simulcast encodings the server receives on this section (written as
 *                    {@code a=rid:<id> recv} and {@code a=simulcast:recv}; a leading {@code ~}
 *                    writes the encoding paused in the simulcast line); empty when none
 */
public record LocalMediaSection(String mid, String type, String protocol, boolean rejected, List<String> rawFormats,
                                Direction direction, List<RtpFormat> formats, List<Extmap> extensions,
                                SenderSource source, List<String> receiveRids) {
    public LocalMediaSection {
        rawFormats = List.copyOf(rawFormats);
        formats = List.copyOf(formats);
        extensions = List.copyOf(extensions);
        receiveRids = receiveRids == null ? List.of() : List.copyOf(receiveRids);
    }

    /** A section without simulcast. */
    public LocalMediaSection(String mid, String type, String protocol, boolean rejected, List<String> rawFormats,
                             Direction direction, List<RtpFormat> formats, List<Extmap> extensions, SenderSource source) {
        this(mid, type, protocol, rejected, rawFormats, direction, formats, extensions, source, List.of());
    }

    /** A rejected copy of a peer's section: port 0, its formats kept, nothing else. */
    public static LocalMediaSection rejectedCopy(MediaDescription m, String mid) {
        return new LocalMediaSection(mid, m.type(), m.protocol(), true,
                m.formats().isEmpty() ? List.of("0") : m.formats(), Direction.INACTIVE, List.of(), List.of(), null);
    }

    /** A copy whose simulcast encodings not in {@code active} are written paused ({@code ~rid}). */
    public LocalMediaSection withActiveRids(List<String> active) {
        List<String> rids = new java.util.ArrayList<>();
        for (String r : receiveRids) {
            String id = r.startsWith("~") ? r.substring(1) : r;
            rids.add(active.contains(id) ? id : "~" + id);
        }
        return new LocalMediaSection(mid, type, protocol, rejected, rawFormats, direction, formats, extensions, source, rids);
    }

    /** A copy with another direction and source. */
    public LocalMediaSection with(Direction d, SenderSource s) {
        return new LocalMediaSection(mid, type, protocol, rejected, rawFormats, d, formats, extensions, s, receiveRids);
    }
}
