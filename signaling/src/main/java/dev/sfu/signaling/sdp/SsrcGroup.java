package dev.sfu.signaling.sdp;

import java.util.List;

/**
 * An {@code a=ssrc-group:<semantics> <ssrc>...} line (RFC 5576 section 4.2), e.g. FID for
 * a media SSRC and its RTX SSRC (RFC 4588), SIM for legacy simulcast.
 *
 * @param semantics "FID", "SIM", "FEC-FR" ...
 * @param ssrcs     the SSRCs in order
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
    public SsrcGroup {
        ssrcs = List.copyOf(ssrcs);
    }
}
