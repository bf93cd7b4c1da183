package dev.sfu.core.forward;

import dev.sfu.rtp.codec.Vp8PayloadDescriptor;
import java.util.Arrays;

/**
 * Keeps the VP8 payload descriptor numbering (RFC 7741 section 4.2, layout drawn in
 * {@link Vp8PayloadDescriptor}) continuous for one subscriber stream whose source switches
 * between a publisher's simulcast layers, and drops temporal layers (TID) above a maximum.
 * It is the VP8 counterpart of {@link SequenceRewriter}, which does the same for the RTP header.
 *
 * <ul>
 * <li>PictureID: each source picture gets an output id once, kept in a small ring so every
 * packet of the picture, reordered or not, gets the same id and the same forward/drop decision.
 * A dropped picture takes no id (later pictures shift down); a gap in the source's ids (loss)
 * stays a gap, so a late picture still finds its slot. The output keeps each packet's field
 * width: 15 bits wrap 32767 to 0, 7 bits 127 to 0.
 * <li>TL0PICIDX (8 bits) and KEYIDX (5 bits): one offset per source. TID 0 pictures are never
 * dropped, so within a source only the offset is added; a new source starts at the last value
 * sent + 1, its first picture being a key frame (a new base layer picture and a new key index).
 * <li>Temporal layers (RFC 7741 section 4.2, T and Y; section 8 on discarding): lowering the
 * maximum takes effect at the next new picture. Raising it goes one layer at a time, at a
 * layer sync picture (Y=1) of the next layer, which depends only on TID 0 pictures; a key frame
 * or a new source (which starts with a key frame) applies it at once. A plain TID 0 picture is
 * not enough: in libwebrtc's three-layer pattern a later TID 1 or 2 picture may still reference
 * a TID 1 picture that was dropped.
 * </ul>
 *
 * <p>The first source passes through with its own numbering. Packets without PictureID are
 * decided per packet (a new picture is a packet with S=1 and PID=0); packets without T are never
 * dropped. A malformed descriptor is forwarded unchanged: the publisher sent it, and the
 * subscriber's decoder judges it. Used by the publisher's serial executor only; allocates nothing
 * per packet.
 */
public final class Vp8PictureRewriter {
    /** Source pictures remembered, a power of two; well over a reorder window of one frame. */
    private static final int RING = 32;
    /** TID is two bits: a maximum of 3 forwards every layer. */
    private static final int ALL_LAYERS = 3;

    private int requestedMax = ALL_LAYERS;
    private int currentMax = ALL_LAYERS;
    private boolean started;
    /** The fields the last forwarded packet was given, packed by {@link RewriteHistory#packVp8}. */
    private int writtenFields = RewriteHistory.packVp8(-1, -1, -1);

    /** A picture of the current source was seen; {@link #lastSource} is valid. */
    private boolean sourcePictureSeen;
    /** Any picture was numbered; {@link #nextOut} is valid across sources. */
    private boolean pictureNumbered;
    /** The newest picture id of the current source. */
    private int lastSource;
    /** The output id (15-bit space) of the picture right after {@link #lastSource}. */
    private int nextOut;
    /** Ring slot {@code id & (RING - 1)}: source id (-1 empty), output id, next id, decision. */
    private final int[] ringSource = new int[RING];
    private final int[] ringOut = new int[RING];
    private final int[] ringNext = new int[RING];
    private final boolean[] ringForward = new boolean[RING];

    private boolean tl0Mapped;
    private boolean tl0Sent;
    private int tl0Offset;
    private int lastTl0;
    private boolean keyMapped;
    private boolean keySent;
    private int keyOffset;
    private int lastKey;

    public Vp8PictureRewriter() {
        Arrays.fill(ringSource, -1);
    }

    /** Highest temporal layer to forward; -1 or >= 3 (or Integer.MAX_VALUE) means all. */
    public void setMaxTemporalLayer(int tid) {
        requestedMax = tid < 0 || tid >= ALL_LAYERS ? ALL_LAYERS : tid;
    }

    /** The highest temporal layer forwarded now, 0 to 2, or 3 when every layer is. */
    public int maxTemporalLayer() {
        return currentMax;
    }

    /**
     * One VP8 packet of the current source (payloadOff/payloadLen = RTP payload). Returns true when
     * the packet is to be forwarded, after rewriting picture id, TL0PICIDX and KEYIDX in place so the
     * subscriber sees them continuous; false when its picture is dropped (temporal layer above the
     * max, or a picture too late to number: older than every picture remembered of this source).
     * newSource = true on the first packet forwarded from a different source (the caller switches
     * only on a keyframe): numbering continues at last + 1 from what was sent before.
     */
    public boolean process(byte[] b, int payloadOff, int payloadLen, boolean newSource) {
        if (newSource || !started) {
            startSource();
        }
        if (Vp8PayloadDescriptor.length(b, payloadOff, payloadLen) < 0) {
            writtenFields = RewriteHistory.packVp8(-1, -1, -1);
            return true;
        }
        int tid = Vp8PayloadDescriptor.temporalLayer(b, payloadOff, payloadLen);
        boolean sync = Vp8PayloadDescriptor.isLayerSync(b, payloadOff, payloadLen)
                || (tid == 0 && Vp8PayloadDescriptor.isKeyframe(b, payloadOff, payloadLen));
        int picture = Vp8PayloadDescriptor.pictureId(b, payloadOff, payloadLen);
        int outPicture = -1;
        if (picture < 0) {
            if (Vp8PayloadDescriptor.isStartOfFrame(b, payloadOff, payloadLen)) {
                applyRequestedMax(tid, sync);
            }
            if (tid > currentMax) {
                return false;
            }
        } else {
            int mask = Vp8PayloadDescriptor.hasLongPictureId(b, payloadOff, payloadLen) ? 0x7FFF : 0x7F;
            int slot = lookup(picture, mask);
            if (slot < 0) {
                slot = numberPicture(picture, mask, tid, sync);
                if (slot < 0) {
                    return false;
                }
            }
            if (!ringForward[slot]) {
                return false;
            }
            outPicture = ringOut[slot];
            Vp8PayloadDescriptor.setPictureId(b, payloadOff, payloadLen, outPicture);
        }
        int tl0 = rewriteTl0PicIdx(b, payloadOff, payloadLen, tid);
        int key = rewriteKeyIndex(b, payloadOff, payloadLen);
        writtenFields = RewriteHistory.packVp8(outPicture, tl0, key);
        return true;
    }

    /**
     * The picture id, TL0PICIDX and KEYIDX the last packet {@link #process} forwarded carries
     * (packed by {@link RewriteHistory#packVp8}; absent fields as -1), so the caller can remember
     * them without reading the descriptor again.
     */
    int writtenFields() {
        return writtenFields;
    }

    /** A new source: the numbering of everything continues after what was sent before. */
    private void startSource() {
        started = true;
        currentMax = requestedMax;
        sourcePictureSeen = false;
        tl0Mapped = false;
        keyMapped = false;
        Arrays.fill(ringSource, -1);
    }

    /** Moves the layer in effect towards the requested one at a new picture (see class doc). */
    private void applyRequestedMax(int tid, boolean sync) {
        if (requestedMax < currentMax) {
            currentMax = requestedMax;
        } else if (requestedMax > currentMax && sync) {
            if (tid == 0) {
                currentMax = requestedMax; // A key frame: nothing before it is referenced.
            } else if (tid == currentMax + 1) {
                currentMax = tid;
            }
        }
    }

    /**
     * Decides and numbers a picture not in the ring, and remembers it.
     *
     * @return its ring slot, or -1 if it is older than every picture remembered
     */
    private int numberPicture(int picture, int mask, int tid, boolean sync) {
        int ahead = (picture - lastSource) & mask;
        int out;
        int next;
        boolean forward;
        if (!sourcePictureSeen || (ahead != 0 && ahead <= mask >>> 1)) {
            // The newest picture: a new source's first one continues after the last id sent;
            // otherwise skipped source ids (lost or late pictures) keep their slots.
            applyRequestedMax(tid, sync);
            forward = tid <= currentMax;
            if (!sourcePictureSeen) {
                out = pictureNumbered ? nextOut : picture;
            } else {
                out = nextOut + ahead - 1;
            }
            next = forward ? out + 1 : out;
            lastSource = picture;
            nextOut = next & 0x7FFF;
            sourcePictureSeen = true;
            pictureNumbered = true;
        } else {
            // A late picture: it takes the slot left for it after the nearest older picture.
            int gap = 1;
            int older = lookup((picture - 1) & mask, mask);
            while (older < 0 && ++gap < RING) {
                older = lookup((picture - gap) & mask, mask);
            }
            if (older < 0) {
                return -1;
            }
            forward = tid <= currentMax;
            out = ringNext[older] + gap - 1;
            next = out + 1;
        }
        int slot = picture & (RING - 1);
        ringSource[slot] = picture;
        ringOut[slot] = out & 0x7FFF;
        ringNext[slot] = next & 0x7FFF;
        ringForward[slot] = forward;
        return slot;
    }

    /** The ring slot of {@code picture} if remembered and within the ring's window, else -1. */
    private int lookup(int picture, int mask) {
        int slot = picture & (RING - 1);
        if (ringSource[slot] != picture || ((lastSource - picture) & mask) >= RING) {
            return -1;
        }
        return slot;
    }

    /** Rewrites TL0PICIDX; returns the value written, or -1 when the packet has none. */
    private int rewriteTl0PicIdx(byte[] b, int off, int len, int tid) {
        int tl0 = Vp8PayloadDescriptor.tl0PicIdx(b, off, len);
        if (tl0 < 0) {
            return -1;
        }
        if (!tl0Mapped) {
            // A new source's key frame is a new base layer picture; a higher layer picture
            // (a source without a key frame first) still belongs to the last one.
            tl0Offset = tl0Sent ? lastTl0 + (tid > 0 ? 0 : 1) - tl0 : 0;
            tl0Mapped = true;
        }
        int out = (tl0 + tl0Offset) & 0xFF;
        Vp8PayloadDescriptor.setTl0PicIdx(b, off, len, out);
        if (!tl0Sent || ((out - lastTl0) & 0xFF) < 0x80) {
            lastTl0 = out;
        }
        tl0Sent = true;
        return out;
    }

    /** Rewrites KEYIDX; returns the value written, or -1 when the packet has none. */
    private int rewriteKeyIndex(byte[] b, int off, int len) {
        int key = Vp8PayloadDescriptor.keyIndex(b, off, len);
        if (key < 0) {
            return -1;
        }
        if (!keyMapped) {
            keyOffset = keySent ? lastKey + 1 - key : 0;
            keyMapped = true;
        }
        int out = (key + keyOffset) & 0x1F;
        Vp8PayloadDescriptor.setKeyIndex(b, off, len, out);
        if (!keySent || ((out - lastKey) & 0x1F) < 0x10) {
            lastKey = out;
        }
        keySent = true;
        return out;
    }
}
