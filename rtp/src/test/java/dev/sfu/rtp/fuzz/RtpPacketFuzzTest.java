package dev.sfu.rtp.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sfu.rtp.RtpPacket;
import dev.sfu.rtp.ext.HeaderExtensionCursor;
import dev.sfu.rtp.ext.HeaderExtensions;
import java.util.Arrays;

/**
 * Fuzzes {@link RtpPacket#wrap} and the RFC 8285 extension walk, find, add, remove and remap:
 * no exception, every offset inside the window, and the same answer whatever surrounds it.
 */
class RtpPacketFuzzTest {
    private static final int[] IDENTITY = new int[256];

    static {
        for (int i = 0; i < IDENTITY.length; i++) {
            IDENTITY[i] = i;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void wrapAndEditExtensions(byte[] data) {
        int len = data.length;
        RtpPacket exact = new RtpPacket();
        boolean valid = exact.wrap(data, 0, len);
        byte[] embedded = FuzzWindows.embed(data);
        int off = FuzzWindows.BEFORE;
        RtpPacket view = new RtpPacket();
        assertEquals(valid, view.wrap(embedded, off, len));
        assertEquals(valid, RtpPacket.isValid(data, 0, len));
        if (!valid) {
            assertEquals(-1, HeaderExtensions.find(embedded, off, len, 1));
            assertEquals(-1, HeaderExtensions.remapIds(embedded, off, len, IDENTITY));
            return;
        }
        assertEquals(exact.headerLength(), view.headerLength());
        assertTrue(view.headerLength() >= RtpPacket.FIXED_HEADER_LENGTH);
        assertTrue(view.payloadOffset() >= off && view.payloadLength() >= 0);
        assertEquals(off + len, view.payloadOffset() + view.payloadLength() + view.paddingLength());

        // Walk: every element inside the header, and find() agrees with the first occurrence.
        int[] first = new int[256];
        Arrays.fill(first, -1);
        int elements = 0;
        HeaderExtensionCursor c = new HeaderExtensionCursor();
        boolean walked = c.reset(embedded, off, len);
        boolean malformed = false;
        if (walked) {
            while (c.next()) {
                assertTrue(c.dataOffset() >= view.extensionDataOffset());
                assertTrue(c.dataOffset() + c.dataLength() <= off + view.headerLength());
                assertTrue(c.id() >= 1 && c.id() <= 255);
                if (first[c.id()] < 0) {
                    first[c.id()] = c.dataOffset();
                }
                elements++;
            }
            malformed = c.malformed();
        }
        for (int id = 1; id < 256; id++) {
            int pos = HeaderExtensions.find(embedded, off, len, id);
            if (first[id] >= 0) {
                assertEquals(first[id], pos, "id " + id);
                assertEquals(c.isTwoByte() ? embedded[pos - 1] & 0xFF : (embedded[pos - 1] & 0x0F) + 1,
                        HeaderExtensions.dataLength(embedded, off, pos));
                assertEquals(pos - off, HeaderExtensions.find(data, 0, len, id), "exact array");
            } else if (!malformed) {
                assertEquals(-1, pos, "id " + id);
            }
        }

        // An identity remap keeps every element and changes no byte.
        byte[] copy = embedded.clone();
        int kept = HeaderExtensions.remapIds(copy, off, len, IDENTITY);
        if (!malformed && walked) {
            assertEquals(elements, kept);
            assertArrayEquals(embedded, copy);
        }

        // Add then remove: the payload and padding bytes survive, the buffer is never overrun.
        int id = len > 0 ? (data[len - 1] & 0xFF) % 20 + 1 : 1;
        int dataLength = len % 18;
        byte[] room = Arrays.copyOf(data, len + RtpPacket.TAIL_ROOM);
        byte[] tail = Arrays.copyOfRange(data, exact.headerLength(), len);
        int added = HeaderExtensions.add(room, 0, len, id, dataLength);
        if (added >= 0) {
            RtpPacket after = new RtpPacket();
            assertTrue(after.wrap(room, 0, added), "add keeps the packet valid");
            int pos = HeaderExtensions.find(room, 0, added, id);
            assertTrue(pos >= 0, "added element is found");
            assertEquals(dataLength, HeaderExtensions.dataLength(room, 0, pos));
            assertArrayEquals(tail, Arrays.copyOfRange(room, after.headerLength(), added));
            int removed = HeaderExtensions.remove(room, 0, added, id);
            assertTrue(removed >= 0 && removed <= added);
            assertTrue(after.wrap(room, 0, removed), "remove keeps the packet valid");
            assertEquals(-1, HeaderExtensions.find(room, 0, removed, id));
            assertArrayEquals(tail, Arrays.copyOfRange(room, after.headerLength(), removed));
        }
    }
}
