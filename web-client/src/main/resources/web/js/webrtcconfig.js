// GET /webrtc/config (docs/signaling.md): the ICE servers (STUN, TURN with credentials) and
// policies this browser's RTCPeerConnection is built with. Fetched after `joined`, with the
// participant id, so that time-limited TURN usernames name the participant.

/** An RTCConfiguration from the endpoint's JSON ({ice_servers, ice_transport_policy, ...}). */
export function toRtcConfiguration(json) {
  const servers = Array.isArray(json.ice_servers) ? json.ice_servers : [];
  return {
    iceServers: servers.map((s) => {
      const server = { urls: s.urls };
      if (s.username !== undefined) server.username = s.username;
      if (s.credential !== undefined) server.credential = s.credential;
      return server;
    }),
    iceTransportPolicy: json.ice_transport_policy || 'all',
    bundlePolicy: json.bundle_policy || 'max-bundle',
    rtcpMuxPolicy: json.rtcp_mux_policy || 'require',
  };
}

/**
 * Fetches the configuration for `participantId`; rejects with an Error whose message is the
 * server's sentence when it refuses (e.g. a missing or expired token).
 */
export async function fetchRtcConfiguration(url, participantId, headers = {}) {
  const address = new URL(url, location.href);
  if (participantId) address.searchParams.set('participant', participantId);
  const res = await fetch(address, { cache: 'no-store', headers });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body.error && body.error.message) message = `${body.error.code}: ${body.error.message}`;
    } catch (e) {
      // Not JSON: the status line says enough.
    }
    throw new Error(message);
  }
  return toRtcConfiguration(await res.json());
}
