package dev.sfu.signaling.room;

/**
 * One chat message as the room keeps and fans it out.
 *
 * @param participantId the sender's id
 * @param name          the sender's display name when it sent the message
 * @param text          plain text, at most 2,000 characters (checked by the message layer)
 * @param timestamp     when the server received it, milliseconds since the epoch
 */
public record ChatMessage(String participantId, String name, String text, long timestamp) {
}
