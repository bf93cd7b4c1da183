// Which signaling URL the page uses, in a cluster (docs/signaling.md#redirect): a node that does
// not host the room answers `join` with `redirect` {room, url, nodeId}; the page follows it to
// that node, sending the same join there. No DOM here: call.js and the node tests share it.

/** Redirects followed in a row for one join attempt; one more is a loop, reported as an error. */
export const MAX_REDIRECTS = 3;

/**
 * Where a `redirect` sends us: `{url}` (absolute ws:// or wss://; an http(s) URL is taken as the
 * same node's WebSocket, and a bare origin gets the /ws path), or `{code, error}` (a code and a
 * sentence for the user) when it must not be followed: TOO_MANY_REDIRECTS (`redirects`, those
 * already followed for this join, reached MAX_REDIRECTS), or BAD_REDIRECT (no usable URL, or a
 * plain ws:// URL from a page loaded over https: the browser would refuse it, and the join token
 * would travel unencrypted).
 */
export function followRedirect(msg, { redirects, currentUrl, pageSecure = false }) {
  const node = msg && msg.nodeId ? `node ${msg.nodeId}` : 'another node';
  if (redirects >= MAX_REDIRECTS) {
    return { code: 'TOO_MANY_REDIRECTS',
      error: `The servers sent this call from node to node ${redirects + 1} times in a row without hosting it`
      + ` (last: ${node}); the cluster seems misconfigured. Try again in a minute, or tell the operator.` };
  }
  if (!msg || typeof msg.url !== 'string' || msg.url === '') {
    return { code: 'BAD_REDIRECT',
      error: `The server sent this call to ${node} without its address; try again, or tell the operator.` };
  }
  let url;
  try {
    url = new URL(msg.url, currentUrl);
  } catch (e) {
    return { code: 'BAD_REDIRECT',
      error: `The server sent this call to ${node} at an address that is not valid (${msg.url}).` };
  }
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return { code: 'BAD_REDIRECT',
      error: `The server sent this call to ${node} at an address that is not a WebSocket (${url.protocol}).` };
  }
  // A node's base URL (https://sfu-2.example.com) stands for its signaling WebSocket at /ws.
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/ws';
  if (pageSecure && url.protocol === 'ws:') {
    return { code: 'BAD_REDIRECT',
      error: `The server sent this call to ${node} over an unencrypted connection (${url.host}), which a `
      + 'secure page may not open; the cluster\'s public URLs must be wss:// (tell the operator).' };
  }
  return { url: url.href };
}

/**
 * The URL the next WebSocket opens: a `resume` goes to the node that accepted the join (its
 * resume token is that node's); a new `join` also starts there, since that node knows where the
 * room lives now, and every other attempt goes to the page's own node instead, so that a node
 * that died cannot keep the page from rejoining through another one.
 */
export function signalingUrl({ resuming, originUrl, joinedUrl, attempt = 0 }) {
  if (!joinedUrl || joinedUrl === originUrl) return originUrl;
  if (resuming) return joinedUrl;
  return attempt % 2 === 0 ? joinedUrl : originUrl;
}

/**
 * The `join` message; on any node but the page's own it carries the join token itself (the
 * page's `?token=` is on its own node's URL only).
 */
export function joinMessage({ room, name, token, url, originUrl }) {
  const msg = { type: 'join', room, name };
  if (token && url !== originUrl) msg.token = token;
  return msg;
}
