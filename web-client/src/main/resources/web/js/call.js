// One call: one WebSocket to /ws and one RTCPeerConnection, speaking docs/signaling.md.
//
// The client publishes with its own offer (one sendonly audio and one sendonly video
// transceiver) and answers the server's offers, which add or recycle receive m-lines.
// The server is the impolite peer: on glare the client rolls back, answers, then offers again.
//
// When the WebSocket drops, the page keeps its RTCPeerConnection (media goes on while ICE is
// alive) and reconnects with the resume token of the last `joined`/`resumed`: the server gives it
// the same participant, so the others see no leave and no join. When ICE goes disconnected
// (for a second) or failed, the page restarts ICE: new credentials, same DTLS and tracks.
//
// The call's state (connecting, joined, reconnecting ...) is a CallStateMachine (callstate.js):
// a transition its table does not allow is refused and logged, never applied.
//
// In a cluster, a node that does not host the room answers `join` with `redirect`: the page opens
// the given node's WebSocket and sends the same join there (redirect.js), in the same state
// (connecting or rejoining), without telling the user; resumes go to the node that accepted the join.
// When that node dies (its connections fail while another node answers), the page gives the call up
// there and joins again through another node: its own page's node or one the server listed in
// `joined.nodes` (failover.js).

import { CallStateMachine, Phase } from './callstate.js';
import { mediaSections } from './sdp.js';
import { VideoSender } from './sender.js';
import { fetchRtcConfiguration } from './webrtcconfig.js';
import { followRedirect, joinMessage, signalingUrl } from './redirect.js';
import { alternatives, endpoint, failoverDelayMs, failoverJoinTarget, HOST_FAILURES_BEFORE_PROBE, nodeUrls,
  OPEN_TIMEOUT_MS, resumeTarget } from './failover.js';

const RECONNECT_BASE_MS = 500;
const RECONNECT_MAX_MS = 10000;
const PING_INTERVAL_MS = 20000;
/** After a NEGOTIATION_IN_PROGRESS error, offer again if the server's offer does not come. */
const GLARE_FALLBACK_MS = 2000;

/** The first reconnect of a resumable call comes quickly: the server keeps us for its grace period. */
const RESUME_BASE_MS = 250;
const RESUME_MAX_MS = 2000;
/** While ICE is down, a ping unanswered this long means the WebSocket is dead too: open a new one. */
const SIGNALING_PROBE_MS = 1500;
/** ICE 'disconnected' this long (or 'failed' at once) restarts ICE... */
const ICE_DISCONNECTED_MS = 1000;
/** ...at most this often while ICE stays down (the link may still be down). */
const ICE_RESTART_INTERVAL_MS = 3000;
// A WebSocket that opened and sent its resume this recently is kept when the network changes:
// its answer carries the new resume token (the one sent is spent on the server).
const RESUME_ANSWER_WAIT_MS = 3000;

/** CLUSTER_UNAVAILABLE without retryAfterMs: join again after this long. */
const CLUSTER_RETRY_MS = 1000;
/** Error codes after which reconnecting would only fail again. */
const FATAL_CODES = new Set(['ROOM_FULL', 'ALREADY_JOINED', 'UNAUTHORIZED', 'TOKEN_EXPIRED']);

/**
 * Drives one call. `handlers` receives what the page shows:
 *   state({ws, pc, ice, phase, attempt, delayMs})
 *   joined(msg), participantJoined(p), participantLeft(id), trackState(msg)
 *   remoteTrack(participantId, kind, track), remoteGone(participantId, kind)
 *   remoteVideo({mid, participantId, paused, reason, rid}), dominantSpeaker({participantId, recent})
 *   disconnected({everJoined, delayMs, attempt, resuming}), resumed(msg), resumeFailed(), failover({from, to})
 *   chat({participantId, name, text, ts}, {history}), error(code, message, fatal), ended(reason)
 */
export class Call {
  constructor({ url, configUrl, token, room, name, media, handlers }) {
    /** The WebSocket URL of the current (or next) connection. */
    this.url = url;
    /** The page's own node's WebSocket URL (with ?token=), where the first join goes. */
    this.originUrl = url;
    /** The URL of the node that accepted our last join (resumes go there), or null. */
    this.joinedUrl = null;
    /** Redirects followed in a row for the current join attempt (redirect.js MAX_REDIRECTS). */
    this.redirects = 0;
    /** The next connect() follows a redirect to this.url rather than choosing the URL itself. */
    this.followingRedirect = false;
    /** The cluster's nodes from the last `joined`/`resumed` (WebSocket URLs): where to go if ours dies. */
    this.nodes = [];
    /** WebSockets in a row that failed to open while the call could be resumed (failover.js). */
    this.failures = 0;
    /** The node we failed over from, avoided by joins until one succeeds; or null. */
    this.downUrl = null;
    /** A WebSocket opening to another node, to learn whether it answers (failover.js); or null. */
    this.probeWs = null;
    /** {ws, url}: another node's open WebSocket, nothing sent yet, taken if the hosting node fails once more. */
    this.standby = null;
    /** The join token (already on `url` as ?token=), sent to /webrtc/config as a Bearer token; or null. */
    this.token = token || null;
    /** GET /webrtc/config: ICE servers and policies for the RTCPeerConnection. */
    this.configUrl = configUrl || '/webrtc/config';
    /** The RTCConfiguration the current RTCPeerConnection was built with, or null. */
    this.rtcConfiguration = null;
    this.room = room;
    this.name = name;
    this.media = media;
    this.h = handlers;
    this.ws = null;
    this.pc = null;
    this.participantId = null;
    /** From the last `joined` or `resumed`: lets a new WebSocket take this participant over. */
    this.resumeToken = null;
    /** idle -> connecting -> joined ... -> ended (callstate.js); every change is shown. */
    this.machine = new CallStateMachine({ onChange: () => this.emitState() });
    this.attempt = 0;
    this.queue = Promise.resolve();
    this.makingOffer = false;
    this.offerWanted = false;
    /** Offers sent that the server has not yet answered or refused (it replies to each, in order). */
    this.offersUnanswered = 0;
    this.pendingCandidates = [];
    this.audioTransceiver = null;
    this.videoTransceiver = null;
    /** mid -> {participantId, kind} for the receive m-lines now carrying someone. */
    this.remoteByMid = new Map();
    /** The last `layersNeeded` from the server for this connection ({mid, rids}), or null. */
    this.layersNeeded = null;
    /** The rids of the last `layersNeeded` for our own video m-line, or null. */
    this.ownLayers = null;
    /** The last `dominantSpeaker` ({participantId, recent}), or null. */
    this.dominantSpeaker = null;
    /** Simulcast, dynacast and screen settings of the video transceiver's sender. */
    this.videoSender = null;
    this.counters = { offersSent: 0, offersReceived: 0, answersSent: 0, answersReceived: 0, errors: [],
      joins: 0, resumes: 0, iceRestarts: 0, signalingReplaced: 0, participantsJoined: 0, participantsLeft: 0,
      redirects: 0, failovers: 0 };
    this.timers = new Set();
    /** Since when ICE is disconnected or failed (ms), 0 while it is fine; the watch timer; the last restart. */
    this.iceDownSince = 0;
    this.iceWatch = null;
    this.lastIceRestart = 0;
    /** Restart ICE once the WebSocket is back (a network change). */
    this.iceRestartWanted = false;
    /** A liveness ping is out and unanswered. */
    this.probing = false;
    this.onOnline = () => this.networkBack();
    this.onOffline = () => this.note('offline');
    /** Recent ICE and network events, for diagnosis (window.sfu.call.events). */
    this.events = [];
  }

  /** The state's name (callstate.js Phase). */
  get phase() { return this.machine.state; }

  /** True once the call ended (left, or a fatal error): nothing more happens. */
  get stopped() { return this.machine.ended; }

  /** Whether this call was ever in the room: a drop then reconnects rather than reports the server unreachable. */
  get everJoined() { return this.machine.everJoined; }

  /** Opens the WebSocket and joins; reconnects by itself until leave() or a fatal error. */
  start() {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  /** Leaves the room: tells the server, closes everything, stops reconnecting. */
  leave() {
    if (this.stopped) return;
    this.send({ type: 'leave' });
    this.shutdown('left');
  }

  /**
   * Publishes a different video track (camera or screen) on the same sender: no renegotiation.
   * Rejects when the browser refuses the track.
   */
  async replaceVideoTrack(track) {
    if (this.videoSender && !this.receiveOnly) await this.videoSender.replaceTrack(track, !!track && track === this.media.screenTrack);
  }

  /** The receive video m-lines now carrying someone: [{mid, participantId}], for tile hints. */
  remoteVideos() {
    const out = [];
    for (const [mid, owner] of this.remoteByMid) {
      if (owner.kind === 'video') out.push({ mid, participantId: owner.participantId });
    }
    return out;
  }

  /** Sends a `videoTiles` list; false while not joined (the server would refuse it) or disconnected. */
  sendVideoTiles(tiles) {
    return this.participantId !== null && this.send({ type: 'videoTiles', tiles });
  }

  /** Sends a chat message to everyone in the room; false while not joined or disconnected. */
  sendChat(text) {
    return this.participantId !== null && this.send({ type: 'chat', text });
  }

  /** Tells the others our mute state. */
  sendTrackState() {
    this.send({ type: 'trackState', audioMuted: this.media.audioMuted || !this.media.hasAudio,
      videoMuted: this.media.videoMuted || !this.media.videoTrack, screenShare: this.media.sharing });
  }

  /** The remote tracks by participant, for tests: [{participantId, kind, mid, trackId}]. */
  remoteTracks() {
    const out = [];
    if (!this.pc) return out;
    for (const t of this.pc.getTransceivers()) {
      const owner = t.mid !== null ? this.remoteByMid.get(t.mid) : undefined;
      if (owner) out.push({ participantId: owner.participantId, kind: owner.kind, mid: t.mid, trackId: t.receiver.track.id });
    }
    return out;
  }

  // ---- WebSocket ----

  connect() {
    if (this.stopped) return;
    this.dropProbe();
    // A first connection (or a retry of one); a replaced WebSocket resumes; a rejoin stays one.
    if (!this.everJoined) this.machine.to(Phase.CONNECTING, 'connect');
    else if (this.machine.in(Phase.JOINED, Phase.RESTARTING_ICE)) this.machine.to(Phase.RECONNECTING, 'new WebSocket');
    if (this.followingRedirect) {
      this.followingRedirect = false;
    } else {
      this.redirects = 0;
      if (this.resumable() && this.joinedUrl) {
        // The hosting node, unless it failed several times: then every other attempt asks another
        // node; with one answering (standby), the hosting node is asked once more.
        const target = this.standby ? { url: this.joinedUrl, probe: false }
          : resumeTarget({ joinedUrl: this.joinedUrl, others: this.otherNodes(this.joinedUrl), failures: this.failures });
        if (target.probe) {
          this.probeNode(target.url);
          return;
        }
        this.url = target.url;
      } else if (this.downUrl && !this.resumable()) {
        this.url = failoverJoinTarget({ originUrl: this.originUrl, nodes: this.nodes, downUrl: this.downUrl,
          attempt: this.attempt });
      } else {
        this.url = signalingUrl({ resuming: this.resumable(), originUrl: this.originUrl, joinedUrl: this.joinedUrl,
          attempt: this.attempt });
      }
    }
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.h.error('INTERNAL', `The signaling address ${this.url} is not valid: ${e.message}`, true);
      this.shutdown('bad-url');
      return;
    }
    this.ws = ws;
    this.emitState();
    this.wire(ws, false);
    if (this.resumable() || this.downUrl) {
      // A node whose machine died answers nothing at all: a connection that does not open counts as failed.
      this.later(() => {
        if (this.ws === ws && ws.readyState === WebSocket.CONNECTING) this.abandon(ws, 'did not open');
      }, OPEN_TIMEOUT_MS);
    }
  }

  /** Handles `ws`'s events as the call's WebSocket (`open`: it is open already). */
  wire(ws, open) {
    let opened = open;
    ws.onopen = () => {
      opened = true;
      this.emitState();
      if (this.resumable()) {
        // The hosting node answers: no failover.
        this.failures = 0;
        this.dropStandby();
        this.send({ type: 'resume', participantId: this.participantId, resumeToken: this.resumeToken });
        this.resumePendingWs = ws;
        this.resumePendingSince = Date.now();
      } else {
        this.send(this.joinMessage());
      }
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        console.warn('signaling: unparseable frame', ev.data);
        return;
      }
      // At once, not queued: the server closes this WebSocket right after, and its close must not
      // be taken for a lost connection.
      if (msg && msg.type === 'redirect') {
        if (this.ws === ws) this.onRedirect(msg);
        return;
      }
      this.enqueue(() => this.handle(msg));
    };
    ws.onerror = () => this.emitState();
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.onSocketClosed(opened, ev);
    };
  }

  /** Gives up a WebSocket that did not open in time, as if it had failed to open. */
  abandon(ws, why) {
    this.note(`WebSocket to ${endpoint(this.url)} ${why}`);
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try { ws.close(); } catch (e) { /* never opened */ }
    this.onSocketClosed(false, { code: 1006 });
  }

  /** The nodes other than `url`'s: the page's own first, then those the server listed. */
  otherNodes(url) {
    return alternatives({ originUrl: this.originUrl, nodes: this.nodes, avoidUrl: url });
  }

  /**
   * Opens a WebSocket to another node while the hosting node fails: if it opens, the network
   * works; it is kept, unused, and the hosting node is asked once more at once (failing again,
   * the call fails over to this one). Failing to open, it counts as one more failure.
   */
  probeNode(url) {
    this.note(`probe ${endpoint(url)}`);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this.onSocketClosed(false, { code: 1006 });
      return;
    }
    this.probeWs = ws;
    ws.onopen = () => {
      if (this.probeWs !== ws) return;
      this.probeWs = null;
      if (this.stopped || !this.resumable()) {
        ws.onclose = null;
        ws.close(1000, 'not needed');
        return;
      }
      this.note(`${endpoint(url)} answers`);
      this.standby = { ws, url };
      ws.onclose = () => { if (this.standby && this.standby.ws === ws) this.standby = null; };
      this.connect();
    };
    ws.onclose = (ev) => {
      if (this.probeWs !== ws) return;
      this.probeWs = null;
      this.onSocketClosed(false, ev);
    };
    this.later(() => {
      if (this.probeWs === ws && ws.readyState === WebSocket.CONNECTING) {
        this.probeWs = null;
        ws.onopen = ws.onclose = null;
        try { ws.close(); } catch (e) { /* never opened */ }
        this.onSocketClosed(false, { code: 1006 });
      }
    }, OPEN_TIMEOUT_MS);
  }

  /** Forgets a probe still opening. */
  dropProbe() {
    const ws = this.probeWs;
    this.probeWs = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try { ws.close(); } catch (e) { /* never opened */ }
    }
  }

  /** Closes the standby connection to another node, if any. */
  dropStandby() {
    const s = this.standby;
    this.standby = null;
    if (s) {
      s.ws.onopen = s.ws.onmessage = s.ws.onerror = s.ws.onclose = null;
      try { s.ws.close(1000, 'not needed'); } catch (e) { /* already closed */ }
    }
  }

  /**
   * The hosting node failed again while another node answers (the standby): it is gone. The call
   * there is given up (its resume token is that node's), and the same join goes to the node that
   * answered, which hosts the room from now on or sends the page to the node that does.
   */
  failOver() {
    const { ws, url } = this.standby;
    this.standby = null;
    const from = this.joinedUrl;
    console.info(`signaling: node ${endpoint(from)} failed ${this.failures} connections in a row while `
      + `${endpoint(url)} answers: it is gone; joining the room again through ${endpoint(url)}`);
    this.note(`failover from ${endpoint(from)} to ${endpoint(url)}`);
    this.counters.failovers++;
    this.downUrl = from;
    this.machine.to(Phase.REJOINING, 'hosting node gone');
    this.closePc();
    this.participantId = null;
    this.resumeToken = null;
    this.attempt = 0;
    this.failures = 0;
    this.redirects = 0;
    this.h.failover({ from, to: url });
    this.url = url;
    this.ws = ws;
    this.wire(ws, true);
    this.send(this.joinMessage());
    this.emitState();
  }

  /** The `join` for the current URL (with the join token when it is another node's). */
  joinMessage() {
    return joinMessage({ room: this.room, name: this.name, token: this.token, url: this.url, originUrl: this.originUrl });
  }

  /**
   * The room is hosted by another node: open its WebSocket and join there, staying in the same
   * state; after MAX_REDIRECTS in a row (or an unusable address) the call ends with an error.
   */
  onRedirect(msg) {
    if (this.stopped) return;
    const next = followRedirect(msg, { redirects: this.redirects, currentUrl: this.url,
      pageSecure: location.protocol === 'https:' });
    if (next.error) {
      console.warn(`signaling: redirect to ${msg.url} not followed: ${next.error}`);
      this.counters.errors.push(next.code);
      this.h.error(next.code, next.error, true);
      this.shutdown(next.code);
      return;
    }
    this.redirects++;
    this.counters.redirects++;
    console.info(`signaling: room ${msg.room} is hosted by node ${msg.nodeId}; joining at ${next.url}`);
    this.note(`redirect to ${msg.nodeId}`);
    const old = this.ws;
    this.ws = null;
    if (old) {
      old.onopen = old.onmessage = old.onerror = old.onclose = null;
      try { old.close(1000, 'redirected'); } catch (e) { /* already closed */ }
    }
    this.clearTimers();
    this.url = next.url;
    this.followingRedirect = true;
    this.connect();
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  /**
   * Drops the WebSocket now, without waiting for its closing handshake (a connection over a link
   * that went away never completes one), and opens a new one that resumes.
   */
  replaceSocket(reason) {
    if (this.stopped || !this.resumable()) return;
    const current = this.ws;
    if (current && current === this.resumePendingWs && current.readyState === WebSocket.OPEN
        && Date.now() - this.resumePendingSince < RESUME_ANSWER_WAIT_MS) {
      // It opened after the change and its resume is being answered: closing it now would lose
      // the answer and its new token, and the next resume would fail with the spent one.
      this.note(`keep WebSocket (resume in flight): ${reason}`);
      return;
    }
    console.info(`signaling: replacing the WebSocket (${reason})`);
    this.note(`replace WebSocket: ${reason}`);
    this.counters.signalingReplaced++;
    const old = this.ws;
    this.ws = null;
    if (old) {
      old.onopen = old.onmessage = old.onerror = old.onclose = null;
      try { old.close(4001, reason); } catch (e) { /* already closed */ }
    }
    this.clearTimers();
    this.probing = false;
    this.connect();
  }

  /**
   * The browser is online again after being offline (a network change): the path media took may
   * be gone (Chromium can keep ICE 'connected' through a short outage), and the WebSocket may be
   * dead or stalled in TCP back-off. So: a new WebSocket at once (it resumes), then an ICE restart.
   */
  networkBack() {
    this.note('online');
    if (this.stopped || !this.resumable()) return;
    this.iceRestartWanted = true;
    this.replaceSocket('network back');
  }

  /** Keeps the last 50 events with their time. */
  note(what) {
    this.events.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
    if (this.events.length > 50) this.events.shift();
  }

  /** Asks the server for a pong; none within SIGNALING_PROBE_MS replaces the WebSocket. */
  probeSignaling() {
    if (this.probing || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.probing = true;
    this.send({ type: 'ping' });
    this.later(() => { if (this.probing) this.replaceSocket('no pong while ICE is down'); }, SIGNALING_PROBE_MS);
  }

  /** A participant the server may still hold for us: reconnect with `resume`, keeping the PeerConnection. */
  resumable() {
    return this.participantId !== null && this.resumeToken !== null && this.pc !== null;
  }

  onSocketClosed(opened, ev) {
    this.clearTimers();
    if (this.stopped) {
      this.emitState();
      return;
    }
    if (!opened) this.failures++;
    if (this.resumable()) {
      if (!opened && this.standby) {
        this.failOver();
        return;
      }
      // Once the hosting node failed several times and another node is known, the next attempts
      // (another node, then the hosting node again) come quickly.
      const failingOver = this.failures >= HOST_FAILURES_BEFORE_PROBE && this.otherNodes(this.joinedUrl).length > 0;
      const delayMs = failingOver ? failoverDelayMs(0)
        : Math.round(Math.min(RESUME_MAX_MS, RESUME_BASE_MS * 2 ** this.attempt) * (0.75 + Math.random() * 0.5));
      this.attempt++;
      this.machine.to(Phase.RECONNECTING, 'WebSocket closed');
      this.h.disconnected({ everJoined: true, opened, code: ev.code, delayMs, attempt: this.attempt, resuming: true });
      this.later(() => this.connect(), delayMs);
      return;
    }
    this.dropStandby();
    this.closePc();
    this.participantId = null;
    this.resumeToken = null;
    // After a failover the others may send us to the dead node for a few seconds: retry quickly.
    const delayMs = this.downUrl ? failoverDelayMs(this.attempt, { maxMs: RECONNECT_MAX_MS })
      : Math.round(Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** this.attempt) * (0.75 + Math.random() * 0.5));
    this.attempt++;
    this.machine.to(this.everJoined ? Phase.REJOINING : Phase.UNREACHABLE, 'WebSocket closed');
    this.h.disconnected({ everJoined: this.everJoined, opened, code: ev.code, delayMs, attempt: this.attempt });
    this.later(() => this.connect(), delayMs);
  }

  // ---- Messages from the server ----

  enqueue(task) {
    this.queue = this.queue.then(task).catch((e) => {
      console.error('signaling: handler failed', e);
      this.h.error('CLIENT', `The call hit an error in this browser: ${e.message}`, false);
    });
  }

  async handle(msg) {
    if (this.stopped) return;
    switch (msg.type) {
      case 'joined': return this.onJoined(msg);
      case 'resumed': return this.onResumed(msg);
      case 'chat': return this.h.chat(msg, { history: false });
      case 'chatHistory':
        for (const m of msg.messages || []) this.h.chat(m, { history: true });
        return undefined;
      case 'answer': return this.onAnswer(msg);
      case 'offer': return this.onOffer(msg);
      case 'candidate': return this.onRemoteCandidate(msg);
      case 'participantJoined':
        this.counters.participantsJoined++;
        return this.h.participantJoined(msg.participant);
      case 'participantLeft': return this.onParticipantLeft(msg.participantId);
      case 'trackState': return this.h.trackState(msg);
      case 'layersNeeded': return this.onLayersNeeded(msg);
      case 'remoteVideo': return this.onRemoteVideo(msg);
      case 'dominantSpeaker': return this.onDominantSpeaker(msg);
      case 'pong':
        this.probing = false;
        return undefined;
      case 'error': return this.onError(msg);
      default:
        console.warn('signaling: unknown message', msg);
        return undefined;
    }
  }

  /** Keeps the cluster's node list of a `joined` or `resumed`, if it has one. */
  takeNodes(msg) {
    if (Array.isArray(msg.nodes)) {
      this.nodes = nodeUrls(msg.nodes, { currentUrl: this.url, pageSecure: location.protocol === 'https:' });
    }
  }

  async onJoined(msg) {
    this.joinedUrl = this.url;
    this.redirects = 0;
    this.failures = 0;
    this.downUrl = null;
    this.dropStandby();
    this.takeNodes(msg);
    this.participantId = msg.participantId;
    this.resumeToken = msg.resumeToken || null;
    this.counters.joins++;
    // A join token with canPublish: false: a receive-only session, whose offers must send nothing.
    this.receiveOnly = msg.canPublish === false;
    this.attempt = 0;
    this.machine.to(Phase.JOINED, 'joined');
    this.h.joined(msg);
    // Messages wait in the queue meanwhile, so an early server offer finds the PeerConnection.
    let config;
    try {
      config = await fetchRtcConfiguration(this.configUrl, msg.participantId,
        this.token ? { Authorization: `Bearer ${this.token}` } : {});
    } catch (e) {
      if (!this.rtcConfiguration || this.counters.failovers === 0) {
        this.h.error('CONFIG_UNAVAILABLE', `Could not load the connection settings from ${this.configUrl} (${e.message}); `
          + 'trying again.', false);
        if (this.ws) this.ws.close(4001, 'no connection settings');
        return;
      }
      // After a failover the page's own node, which serves the settings, may be the one that died:
      // the previous settings (STUN/TURN) serve the new connection.
      console.warn(`signaling: connection settings unavailable from ${this.configUrl} (${e.message}); using the previous ones`);
      this.note('previous connection settings');
      config = this.rtcConfiguration;
    }
    this.rtcConfiguration = config;
    if (this.stopped || this.participantId !== msg.participantId) return;
    this.createPc();
    this.sendTrackState();
    this.every(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
    // The first offer comes from negotiationneeded; this covers a browser that never fires it.
    this.enqueue(() => this.afterStable());
  }

  /**
   * The server gave us our participant back on this new WebSocket: same id, same PeerConnection.
   * An offer of ours that the old connection may have lost is rolled back and made again; the
   * server makes its own pending offer again.
   */
  async onResumed(msg) {
    this.resumePendingWs = null;
    this.failures = 0;
    this.dropStandby();
    this.takeNodes(msg);
    this.participantId = msg.participantId;
    this.resumeToken = msg.resumeToken || null;
    this.counters.resumes++;
    this.attempt = 0;
    this.machine.to(Phase.JOINED, 'resumed');
    this.h.resumed(msg);
    this.every(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
    const pc = this.pc;
    if (pc && pc.signalingState === 'have-local-offer') {
      if (!await this.onPc(pc, () => pc.setLocalDescription({ type: 'rollback' }))) return;
      this.offerWanted = true;
    }
    this.offersUnanswered = 0;
    if (pc && (this.iceRestartWanted || pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed')) {
      // After a network change, or a restart offer lost with the old WebSocket (or rolled back).
      this.iceRestartWanted = false;
      this.restartIce(pc, 'restartIce after resume');
    }
    await this.afterStable();
  }

  /**
   * Whether `pc`, captured when a negotiation step began, is no longer this call's (closed, or
   * replaced after the WebSocket dropped or a rejoin): the step then stops quietly, since its
   * answer or offer would belong to a connection that is gone.
   */
  replaced(pc) {
    return this.stopped || pc !== this.pc || pc.signalingState === 'closed';
  }

  /**
   * Runs one negotiation step on `pc`: true when it completed on the current connection, false
   * when `pc` was replaced or closed meanwhile (also when that made the step throw). Errors on the
   * current connection are thrown, and shown as CLIENT errors by enqueue().
   */
  async onPc(pc, step) {
    try {
      await step();
    } catch (e) {
      if (this.replaced(pc)) {
        this.note(`negotiation dropped (connection replaced): ${e.message}`);
        return false;
      }
      throw e;
    }
    return !this.replaced(pc);
  }

  async onAnswer(msg) {
    this.counters.answersReceived++;
    this.offersUnanswered = Math.max(0, this.offersUnanswered - 1);
    const pc = this.pc;
    if (!pc || pc.signalingState !== 'have-local-offer') {
      console.warn('signaling: answer ignored in state', pc && pc.signalingState);
      return;
    }
    if (!await this.onPc(pc, () => pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp }))) return;
    if (!await this.onPc(pc, () => this.flushCandidates(pc))) return;
    this.syncRemote();
    // Not awaited: signaling goes on while the encoder is reconfigured.
    if (this.videoSender) this.videoSender.afterAnswer();
    this.reapplyLayers();
    this.iceMaybeBack();
    await this.afterStable();
  }

  async onOffer(msg) {
    this.counters.offersReceived++;
    const pc = this.pc;
    if (!pc) return;
    // Polite peer: a pending local offer is rolled back (implicitly by setRemoteDescription).
    if (pc.signalingState !== 'stable') {
      if (!await this.onPc(pc, () => pc.setLocalDescription({ type: 'rollback' }))) return;
      this.offerWanted = true;
    }
    if (!await this.onPc(pc, () => pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp }))) return;
    if (!await this.onPc(pc, () => this.flushCandidates(pc))) return;
    if (!await this.onPc(pc, () => pc.setLocalDescription())) return;
    this.send({ type: 'answer', sdp: pc.localDescription.sdp });
    this.counters.answersSent++;
    this.syncRemote();
    this.reapplyLayers();
    await this.afterStable();
  }

  async onRemoteCandidate(msg) {
    const pc = this.pc;
    if (!pc) return;
    const init = { candidate: msg.candidate || '', sdpMid: msg.sdpMid, sdpMLineIndex: msg.sdpMLineIndex };
    if (!pc.remoteDescription) {
      this.pendingCandidates.push(init);
      return;
    }
    await this.addCandidate(pc, init);
  }

  async flushCandidates(pc) {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const c of pending) {
      if (this.replaced(pc)) return;
      await this.addCandidate(pc, c);
    }
  }

  async addCandidate(pc, init) {
    try {
      await pc.addIceCandidate(init);
    } catch (e) {
      console.warn('signaling: candidate rejected', init, e);
    }
  }

  /** Dynacast: the server says which of our simulcast encodings somebody receives. */
  onLayersNeeded(msg) {
    if (typeof msg.mid !== 'string' || !Array.isArray(msg.rids)) return;
    this.layersNeeded = { mid: msg.mid, rids: msg.rids.slice() };
    const t = this.videoTransceiver;
    if (!t || t.mid === null || t.mid !== msg.mid) return;
    this.ownLayers = this.layersNeeded.rids;
    this.videoSender.applyLayersNeeded(this.ownLayers);
  }

  /**
   * Chromium takes each encoding's `active` from the remote SDP's a=simulcast line (a rid is
   * paused only when written `~rid`), so every remote description can switch layers back on:
   * the last dynacast decision is applied again after each. Not awaited.
   */
  reapplyLayers() {
    if (this.videoSender && this.ownLayers) this.videoSender.applyLayersNeeded(this.ownLayers);
  }

  /** Whether a remote video is forwarded; names the publisher from our m-line map when absent. */
  onRemoteVideo(msg) {
    const owner = this.remoteByMid.get(msg.mid);
    const participantId = msg.participantId || (owner && owner.participantId);
    if (!participantId) return;
    this.h.remoteVideo({ mid: msg.mid, participantId, paused: !!msg.paused, reason: msg.reason || null,
      rid: msg.rid || null });
  }

  onDominantSpeaker(msg) {
    if (typeof msg.participantId !== 'string') return;
    this.dominantSpeaker = { participantId: msg.participantId, recent: Array.isArray(msg.recent) ? msg.recent.slice() : [] };
    this.h.dominantSpeaker(this.dominantSpeaker);
  }

  onParticipantLeft(id) {
    this.counters.participantsLeft++;
    for (const [mid, owner] of this.remoteByMid) {
      if (owner.participantId === id) this.remoteByMid.delete(mid);
    }
    this.h.participantLeft(id);
  }

  async onError(msg) {
    const code = msg.code || 'UNKNOWN';
    this.counters.errors.push(code);
    if (code === 'NEGOTIATION_IN_PROGRESS') {
      this.offersUnanswered = Math.max(0, this.offersUnanswered - 1);
      // A newer offer is already out: this refusal is about one the server's offer replaced.
      if (this.offersUnanswered > 0) return;
      this.offerWanted = true;
      const pc = this.pc;
      if (pc && pc.signalingState === 'have-local-offer') {
        // The server's offer is on its way: drop ours, answer it, then offer again.
        if (!await this.onPc(pc, () => pc.setLocalDescription({ type: 'rollback' }))) return;
        this.later(() => this.enqueue(() => this.afterStable()), GLARE_FALLBACK_MS);
      } else {
        await this.afterStable();
      }
      return;
    }
    if (code === 'RESUME_FAILED') {
      // The server no longer holds us (grace period over, or the media connection ended): join anew.
      this.machine.to(Phase.REJOINING, code);
      this.closePc();
      this.participantId = null;
      this.resumeToken = null;
      this.h.resumeFailed();
      this.send(this.joinMessage());
      return;
    }
    if (code === 'CLUSTER_UNAVAILABLE') {
      // The cluster cannot place the room right now: say so, and join again on this connection.
      this.h.error(code, msg.message || 'The cluster cannot place this room right now.', false);
      this.later(() => this.send(this.joinMessage()), msg.retryAfterMs || CLUSTER_RETRY_MS);
      return;
    }
    const fatal = FATAL_CODES.has(code) || !this.everJoined;
    this.h.error(code, msg.message || 'The server rejected a request.', fatal);
    if (fatal) this.shutdown(code);
  }

  // ---- RTCPeerConnection ----

  createPc() {
    this.closePc();
    const pc = new RTCPeerConnection(this.rtcConfiguration
      || { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    this.remoteByMid.clear();
    this.pendingCandidates = [];
    this.makingOffer = false;
    this.offerWanted = false;
    this.offersUnanswered = 0;
    this.layersNeeded = null;
    this.ownLayers = null;
    // Exactly one outbound audio and one outbound video stream; a missing device leaves the
    // sender without a track, so the SDP keeps the same shape for every participant. The camera
    // is published as simulcast layers that fit its capture size (none without a camera).
    const send = this.receiveOnly ? null : this.media;
    const direction = this.receiveOnly ? 'recvonly' : 'sendonly';
    this.audioTransceiver = pc.addTransceiver((send && send.audioTrack) || 'audio', { direction });
    const encodings = send ? this.media.videoEncodings() : null;
    const videoInit = { direction };
    if (encodings) videoInit.sendEncodings = encodings;
    this.videoTransceiver = pc.addTransceiver((send && send.videoTrack) || 'video', videoInit);
    this.videoSender = new VideoSender(this.videoTransceiver, encodings);
    if (this.media.sharing) this.videoSender.setScreenMode(true);
    pc.onnegotiationneeded = () => this.enqueue(() => this.negotiate());
    pc.onicecandidate = (ev) => {
      if (pc !== this.pc || !ev.candidate || !ev.candidate.candidate) return;
      this.send({ type: 'candidate', candidate: ev.candidate.candidate, sdpMid: ev.candidate.sdpMid,
        sdpMLineIndex: ev.candidate.sdpMLineIndex });
    };
    pc.ontrack = (ev) => {
      if (pc !== this.pc) return;
      const mid = ev.transceiver.mid;
      const streamId = ev.streams[0] && ev.streams[0].id;
      if (mid !== null && streamId) this.attach(mid, streamId, ev.track.kind, ev.transceiver);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.emitState();
    };
    pc.oniceconnectionstatechange = () => {
      if (pc !== this.pc) return;
      this.emitState();
      this.note(`ice ${pc.iceConnectionState}`);
      this.watchIce();
    };
    pc.onsignalingstatechange = () => this.emitState();
    this.emitState();
  }

  /** ICE went down (a network change): restart it after a second, and again every few seconds while down. */
  watchIce() {
    const pc = this.pc;
    const s = pc ? pc.iceConnectionState : 'closed';
    if (s !== 'disconnected' && s !== 'failed') {
      this.iceDownSince = 0;
      if (this.iceWatch) clearInterval(this.iceWatch);
      this.iceWatch = null;
      this.iceMaybeBack();
      return;
    }
    if (!this.iceDownSince) this.iceDownSince = Date.now();
    if (!this.iceWatch) this.iceWatch = setInterval(() => this.watchIce(), 250);
    const now = Date.now();
    const down = s === 'failed' || now - this.iceDownSince >= ICE_DISCONNECTED_MS;
    if (down && now - this.lastIceRestart >= ICE_RESTART_INTERVAL_MS) {
      console.info(`signaling: ICE ${s}, restarting ICE`);
      this.restartIce(pc, 'restartIce');
      // The same network change may have killed the WebSocket without telling us.
      this.probeSignaling();
    }
  }

  /** Restarts ICE on `pc` (the offer follows from negotiationneeded); joined -> restartingIce. */
  restartIce(pc, why) {
    this.lastIceRestart = Date.now();
    this.counters.iceRestarts++;
    this.note(why);
    // While reconnecting the state stays: signaling is the bigger problem, and ICE follows.
    if (this.machine.in(Phase.JOINED)) this.machine.to(Phase.RESTARTING_ICE, why);
    pc.restartIce();
  }

  /** restartingIce -> joined once ICE is connected again (a restart of a connected ICE may stay connected). */
  iceMaybeBack() {
    const s = this.pc ? this.pc.iceConnectionState : 'closed';
    if (this.machine.in(Phase.RESTARTING_ICE) && (s === 'connected' || s === 'completed')) {
      this.machine.to(Phase.JOINED, `ICE ${s}`);
    }
  }

  async negotiate() {
    const pc = this.pc;
    if (!pc || this.stopped) return;
    if (this.makingOffer || pc.signalingState !== 'stable') return;
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      // Not now: the offer would be lost. It is made once the WebSocket is back (afterStable).
      this.offerWanted = true;
      return;
    }
    this.makingOffer = true;
    this.offerWanted = false;
    try {
      if (!await this.onPc(pc, () => pc.setLocalDescription())) return;
      if (pc.signalingState === 'have-local-offer') {
        this.send({ type: 'offer', sdp: pc.localDescription.sdp });
        this.counters.offersSent++;
        this.offersUnanswered++;
      }
    } finally {
      this.makingOffer = false;
    }
  }

  /** Back in stable: offer if the publish m-lines were never negotiated or glare asked for it. */
  async afterStable() {
    const pc = this.pc;
    if (!pc || pc.signalingState !== 'stable' || this.makingOffer) return;
    // A transceiver the server rejected is stopped and has no mid: offering again would loop.
    const unpublished = [this.audioTransceiver, this.videoTransceiver]
      .some((t) => t && t.mid === null && !t.stopped && t.currentDirection !== 'stopped');
    if (unpublished || this.offerWanted) await this.negotiate();
  }

  /** Reads the remote SDP to learn who each receive m-line carries now; updates the tiles. */
  syncRemote() {
    const pc = this.pc;
    if (!pc || !pc.remoteDescription) return;
    const own = new Set([this.audioTransceiver, this.videoTransceiver]);
    const sections = new Map(mediaSections(pc.remoteDescription.sdp).map((s) => [s.mid, s]));
    for (const t of pc.getTransceivers()) {
      if (own.has(t) || t.mid === null) continue;
      const s = sections.get(t.mid);
      const sending = s && s.port !== 0 && (s.direction === 'sendonly' || s.direction === 'sendrecv');
      const previous = this.remoteByMid.get(t.mid);
      if (sending && s.streamId) {
        if (!previous || previous.participantId !== s.streamId) {
          if (previous) this.h.remoteGone(previous.participantId, previous.kind);
          this.attach(t.mid, s.streamId, s.kind, t);
        }
      } else if (previous) {
        this.remoteByMid.delete(t.mid);
        this.h.remoteGone(previous.participantId, previous.kind);
      }
    }
  }

  attach(mid, participantId, kind, transceiver) {
    if (participantId === this.participantId) return;
    const previous = this.remoteByMid.get(mid);
    if (previous && previous.participantId === participantId) return;
    this.remoteByMid.set(mid, { participantId, kind });
    this.h.remoteTrack(participantId, kind, transceiver.receiver.track);
  }

  closePc() {
    if (this.iceWatch) clearInterval(this.iceWatch);
    this.iceWatch = null;
    this.iceDownSince = 0;
    if (this.pc) {
      this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = null;
      this.pc.close();
    }
    this.pc = null;
    this.audioTransceiver = this.videoTransceiver = this.videoSender = null;
    this.remoteByMid.clear();
  }

  // ---- Lifecycle and state ----

  shutdown(reason) {
    if (this.stopped) return;
    // First, so that nothing the closing below sets off runs on.
    this.machine.to(Phase.ENDED, reason);
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.participantId = null;
    this.resumeToken = null;
    this.clearTimers();
    this.dropProbe();
    this.dropStandby();
    this.closePc();
    if (this.ws) {
      try { this.ws.close(1000, reason); } catch (e) { /* already closed */ }
    }
    this.emitState();
    this.h.ended(reason);
  }

  state() {
    const wsStates = ['connecting', 'open', 'closing', 'closed'];
    return {
      phase: this.phase,
      ws: this.ws ? wsStates[this.ws.readyState] : 'closed',
      pc: this.pc ? this.pc.connectionState : 'closed',
      ice: this.pc ? this.pc.iceConnectionState : 'closed',
      signaling: this.pc ? this.pc.signalingState : 'closed',
      attempt: this.attempt,
    };
  }

  emitState() {
    this.h.state(this.state());
  }

  later(fn, ms) {
    const id = setTimeout(() => { this.timers.delete(id); fn(); }, ms);
    this.timers.add(id);
  }

  every(fn, ms) {
    const id = setInterval(fn, ms);
    this.timers.add(id);
  }

  clearTimers() {
    for (const id of this.timers) { clearTimeout(id); clearInterval(id); }
    this.timers.clear();
  }
}
