/**
 * Who is speaking in a room. Each publisher's media thread feeds the RFC 6464 audio level of
 * every audio packet to its {@link dev.sfu.core.audio.SpeakerActivity}; a scheduler thread
 * ticks the room's {@link dev.sfu.core.audio.DominantSpeakerDetector} about every 100 ms, which
 * names the dominant speaker (with hysteresis) and keeps the list of recent speakers that last-N
 * forwarding uses.
 */
package dev.sfu.core.audio;
