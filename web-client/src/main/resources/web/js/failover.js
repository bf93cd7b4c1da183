// Failing over when the node hosting the call dies (docs/web-client.md#when-the-node-hosting-the-call-dies).
// No DOM here: call.js and the node tests share it.
//
// A resume can only succeed at the node that accepted the join (its resume token is that node's),
// so while the WebSocket is down the page resumes there. A network outage and a dead node look the
// same from one node alone: every connection fails. So after HOST_FAILURES_BEFORE_PROBE connections
// in a row to the hosting node failed to open, the page asks another node (its own page's node, or
// one the server listed in `joined.nodes`) whether it answers. When it does, the network works: the
// page asks the hosting node once more, at once, and only if that fails too does it give the call
// up there and join again (same room, name and token) through the node that answered. A network
// outage fails both, and the page keeps resuming: the call survives an outage shorter than the
// server's resume grace period. A single node lists no other nodes: nothing changes there.

/** Connections in a row that the hosting node failed to open before another node is asked. */
export const HOST_FAILURES_BEFORE_PROBE = 3;
/** A connection that has not opened after this long counts as failed (a dead machine answers nothing). */
export const OPEN_TIMEOUT_MS = 4000;
/** Between attempts while failing over: the dead node's claim on the room lapses within seconds. */
export const FAILOVER_RETRY_MS = 400;
/** Attempts at that pace after a failover (about 8 s); then the usual backoff. */
export const FAILOVER_FAST_ATTEMPTS = 20;
/** Node URLs kept from the server's list. */
export const MAX_NODES = 16;

/**
 * `url` as the node it names, for comparing (`ws://host:port/ws`, query left out: the page's own
 * URL carries `?token=`); an unparseable URL stands for itself.
 */
export function endpoint(url) {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch (e) {
    return String(url);
  }
}

/**
 * The WebSocket URLs of the nodes the server listed (`joined.nodes`, `resumed.nodes`): `http(s)://`
 * base URLs become their `/ws`, entries that are not URLs, not WebSockets, or plain `ws://` from
 * a secure page are left out, and so are duplicates; at most MAX_NODES.
 */
export function nodeUrls(list, { currentUrl, pageSecure = false } = {}) {
  if (!Array.isArray(list)) return [];
  const out = [];
  const seen = new Set();
  for (const entry of list) {
    if (typeof entry !== 'string' || entry === '') continue;
    let u;
    try {
      u = new URL(entry, currentUrl);
    } catch (e) {
      continue;
    }
    if (u.protocol === 'https:') u.protocol = 'wss:';
    else if (u.protocol === 'http:') u.protocol = 'ws:';
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') continue;
    if (pageSecure && u.protocol === 'ws:') continue;
    if (u.pathname === '' || u.pathname === '/') u.pathname = '/ws';
    const key = endpoint(u.href);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(u.href);
    if (out.length === MAX_NODES) break;
  }
  return out;
}

/**
 * The nodes to try instead of the one at `avoidUrl`: the page's own node first (its URL keeps the
 * page's `?token=`), then the listed nodes; `avoidUrl` and duplicates left out.
 */
export function alternatives({ originUrl, nodes = [], avoidUrl }) {
  const avoid = avoidUrl ? endpoint(avoidUrl) : null;
  const out = [];
  const seen = new Set();
  for (const url of [originUrl, ...nodes]) {
    const key = endpoint(url);
    if (key === avoid || seen.has(key)) continue;
    seen.add(key);
    out.push(url);
  }
  return out;
}

/**
 * Where the next WebSocket of a call being resumed goes, after `failures` connections in a row
 * failed to open: `{url, probe}`. Below HOST_FAILURES_BEFORE_PROBE, or with no other node known,
 * the hosting node (`joinedUrl`), to resume; from then on every other attempt is a probe of the
 * next other node in turn (`probe`: true; it sends nothing until the hosting node has failed once
 * more).
 */
export function resumeTarget({ joinedUrl, others, failures }) {
  if (failures < HOST_FAILURES_BEFORE_PROBE || others.length === 0) return { url: joinedUrl, probe: false };
  const i = failures - HOST_FAILURES_BEFORE_PROBE;
  if (i % 2 === 1) return { url: joinedUrl, probe: false };
  return { url: others[(i / 2) % others.length], probe: true };
}

/**
 * Where a join goes after a failover, while the node that died (`downUrl`) may still be named by
 * the others for a few seconds: the other nodes in turn, by `attempt`; the dead node itself only
 * when no other is known.
 */
export function failoverJoinTarget({ originUrl, nodes, downUrl, attempt }) {
  const others = alternatives({ originUrl, nodes, avoidUrl: downUrl });
  if (others.length === 0) return originUrl;
  return others[attempt % others.length];
}

/**
 * The wait before attempt `attempt` (0-based) of a join after a failover: FAILOVER_RETRY_MS
 * (+-25 % by `random`) for FAILOVER_FAST_ATTEMPTS attempts (the dead node's registration expires
 * within 5 s, and until then the others may still send the page there), then doubling up to
 * `maxMs`.
 */
export function failoverDelayMs(attempt, { maxMs = 10000, random = Math.random } = {}) {
  const base = attempt < FAILOVER_FAST_ATTEMPTS ? FAILOVER_RETRY_MS
    : Math.min(maxMs, FAILOVER_RETRY_MS * 2 ** (attempt - FAILOVER_FAST_ATTEMPTS + 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
