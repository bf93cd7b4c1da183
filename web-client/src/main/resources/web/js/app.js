// The call page: landing form, call view, controls, chat, messages. Wires Call, LocalMedia, Grid,
// TileHints and ChatPanel.

import { Call } from './call.js';
import { statusView } from './callstate.js';
import { ChatPanel } from './chat.js';
import { Grid } from './grid.js';
import { LocalMedia, MediaAccessError, Mode, applyQuery, videoConfig } from './media.js';
import { isValidName, isValidRoom, randomRoomCode } from './roomcode.js';
import { TileHints } from './tilehints.js';

const NAME_KEY = 'sfu.displayName';
const $ = (sel) => document.querySelector(sel);

const ui = {
  landing: $('#landing'), form: $('#join-form'), name: $('#name'), room: $('#room'),
  join: $('#join'), create: $('#create'),
  call: $('#call'), grid: $('#grid'), roomCode: $('#room-code'), shareLink: $('#share-link'),
  copyLink: $('#copy-link'),
  mute: $('#mute'), camera: $('#camera'), share: $('#share'), speakerView: $('#speaker-view'),
  leave: $('#leave'), chatToggle: $('#chat-toggle'),
  message: $('#message'), statusWs: $('#status-ws'), statusPc: $('#status-pc'),
};
/** The address's `capture` and `simulcast` knobs (kept in the address bar, left out of the share link). */
const queryKnobs = applyQuery(videoConfig, location.search);
const grid = new Grid(ui.grid, $('#tile-template'));
/** Tells the server the size and visibility of each remote video tile. */
const hints = new TileHints({
  videos: () => (sfu.call ? sfu.call.remoteVideos().map(({ mid, participantId }) => ({ mid, el: grid.videoOf(participantId) })) : []),
  send: (tiles) => !!sfu.call && sfu.call.sendVideoTiles(tiles),
});
grid.onLayout = () => hints.schedule();
/** The room's chat: plain text only, an unread count on the Chat button while the panel is closed. */
const chat = new ChatPanel({
  panel: $('#chat'), log: $('#chat-log'), form: $('#chat-form'), input: $('#chat-input'),
  toggle: ui.chatToggle, badge: $('#chat-badge'), close: $('#chat-close'),
  send: (text) => !!sfu.call && sfu.call.sendChat(text),
  ownId: () => (sfu.call ? sfu.call.participantId : null),
  onToggle: () => grid.layout(),
});

/** What tests and curious users can read: the live call objects. */
const sfu = {
  call: null, media: null,
  get pc() { return this.call ? this.call.pc : null; },
  get ws() { return this.call ? this.call.ws : null; },
  get participantId() { return this.call ? this.call.participantId : null; },
  get state() { return this.call ? this.call.state() : { phase: 'idle', ws: 'closed', pc: 'closed', ice: 'closed', signaling: 'closed' }; },
  remoteTracks() { return this.call ? this.call.remoteTracks() : []; },
  get counters() { return this.call ? this.call.counters : null; },
  /** The last `layersNeeded` the server sent ({mid, rids}) on this connection, or null. */
  get layersNeeded() { return this.call ? this.call.layersNeeded : null; },
  /** The tiles of the last `videoTiles` sent ([{mid, width, height, visible}]), or null. */
  get lastVideoTiles() { return hints.last; },
  /** The last `dominantSpeaker` ({participantId, recent}), or null. */
  get dominantSpeaker() { return this.call ? this.call.dominantSpeaker : null; },
  /** The capture size and simulcast layers in use (media.js videoConfig after the address's knobs). */
  config: videoConfig,
  hints,
  chat,
};
window.sfu = sfu;

// ---- Landing ----

function initLanding() {
  const params = new URLSearchParams(location.search);
  const room = params.get('room');
  if (room) ui.room.value = room;
  ui.name.value = localStorage.getItem(NAME_KEY) || '';
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    startCall(Mode.FULL);
  });
  ui.create.addEventListener('click', () => {
    ui.room.value = randomRoomCode();
    startCall(Mode.FULL);
  });
  ui.name.addEventListener('change', () => {
    if (isValidName(ui.name.value)) localStorage.setItem(NAME_KEY, ui.name.value.trim());
  });
  (ui.room.value && !ui.name.value ? ui.name : ui.room.value ? ui.join : ui.name).focus();
}

function validate() {
  const room = ui.room.value.trim();
  const name = ui.name.value.trim();
  if (!isValidName(name)) {
    showMessage('Enter your name (1 to 64 characters) so the others know who you are.');
    ui.name.focus();
    return null;
  }
  if (!isValidRoom(room)) {
    showMessage('Enter a room code of 1 to 64 letters, digits, dashes or underscores, or create a new room.');
    ui.room.focus();
    return null;
  }
  return { room, name };
}

// ---- Joining ----

async function startCall(mode) {
  const form = validate();
  if (!form) return;
  hideMessage();
  localStorage.setItem(NAME_KEY, form.name);
  setBusy(true);
  const media = new LocalMedia();
  try {
    await media.acquire(mode);
  } catch (e) {
    setBusy(false);
    media.stop();
    if (e instanceof MediaAccessError) offerFallbacks(e, mode);
    else showMessage(`Could not start the call: ${e.message}`);
    return;
  }
  setBusy(false);
  enterCall(form, media);
}

function offerFallbacks(error, mode) {
  const actions = [{ label: 'Try again', run: () => startCall(mode) }];
  if (mode === Mode.FULL) actions.push({ label: 'Join with microphone only', run: () => startCall(Mode.AUDIO_ONLY) });
  actions.push({ label: 'Join to watch and listen only', run: () => startCall(Mode.RECEIVE_ONLY) });
  showMessage(error.message, { actions, code: error.denied ? 'MEDIA_DENIED' : 'MEDIA_UNAVAILABLE' });
}

function enterCall({ room, name }, media) {
  sfu.media = media;
  const address = new URLSearchParams({ room });
  const current = new URLSearchParams(location.search);
  for (const knob of queryKnobs) address.set(knob, current.get(knob));
  // A join token (?token=) stays in the address, so that a reload joins again; the share link
  // below leaves it out: each person gets their own token from the application.
  const token = current.get('token');
  if (token) address.set('token', token);
  history.replaceState(null, '', `?${address}`);
  ui.landing.hidden = true;
  ui.call.hidden = false;
  ui.roomCode.textContent = room;
  const link = `${location.origin}${location.pathname}?room=${encodeURIComponent(room)}`;
  ui.shareLink.href = link;
  ui.shareLink.textContent = link;
  grid.showLocal(media.preview, name);
  syncControls();

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const call = new Call({ url: `${scheme}//${location.host}/ws${query}`, configUrl: '/webrtc/config', token, room, name,
    media, handlers: callHandlers() });
  sfu.call = call;
  call.start();
  ui.mute.focus();
}

function callHandlers() {
  return {
    state: renderState,
    joined(msg) {
      hideMessage('connection');
      grid.clearRemote();
      grid.ownId = msg.participantId;
      for (const p of msg.participants || []) grid.upsert(p);
      if (msg.canPublish === false) {
        showMessage('Your link lets you watch and listen only; the others do not see or hear you.', { kind: 'info', tag: 'receive-only' });
      }
      // A new session on the server: it knows none of our tiles yet.
      hints.reset();
    },
    resumed(msg) {
      // Same participant, same PeerConnection: keep the tiles, reconcile who is here now.
      hideMessage('connection');
      const here = new Set((msg.participants || []).map((p) => p.id));
      for (const el of grid.allTiles()) {
        const id = grid.idOf(el);
        if (id !== grid.ownId && !here.has(id)) grid.remove(id);
      }
      for (const p of msg.participants || []) grid.upsert(p);
    },
    resumeFailed() {
      grid.clearRemote();
      showMessage('Reconnected, but the server no longer held your place in the call: joining again…',
        { kind: 'info', tag: 'connection' });
    },
    failover() {
      // The node hosting the call is gone: the page joins again through another one (a new session).
      grid.clearRemote();
      showMessage('The server hosting this call stopped answering: joining again through another server…',
        { kind: 'info', tag: 'connection' });
    },
    chat(msg, { history }) { chat.add(msg, history); },
    participantJoined(p) { if (p) grid.upsert(p); },
    participantLeft(id) { grid.remove(id); },
    trackState(msg) { grid.setState(msg.participantId, msg); },
    remoteTrack(id, kind, track) {
      grid.setTrack(id, kind, track);
      hints.schedule();
    },
    remoteGone(id, kind) {
      grid.removeTrack(id, kind);
      hints.schedule();
    },
    remoteVideo({ participantId, paused, reason, rid }) { grid.setPaused(participantId, { paused, reason, rid }); },
    dominantSpeaker({ participantId, recent }) { grid.setSpeaker(participantId, recent); },
    disconnected({ everJoined, delayMs, resuming }) {
      const seconds = Math.max(1, Math.round(delayMs / 1000));
      const cancel = [{ label: 'Stop and leave', run: () => leaveCall() }];
      if (resuming) {
        // The media connection is kept: the tiles stay while signaling reconnects.
        showMessage('Connection to the server lost. Reconnecting…', { kind: 'info', tag: 'connection', actions: cancel });
        return;
      }
      grid.clearRemote();
      if (everJoined) {
        showMessage(`Connection to the server lost. Reconnecting in ${seconds} s…`, { kind: 'info', tag: 'connection', actions: cancel });
      } else {
        showMessage(`Server unreachable: could not connect to ${location.host}. Check that the SFU server is running `
          + `and that this address is right. Retrying in ${seconds} s…`, { tag: 'connection', code: 'UNREACHABLE', actions: cancel });
      }
    },
    error(code, message, fatal) {
      if (code === 'ROOM_FULL') {
        showMessage('This room is full. Try again later or create a new room.', { code });
      } else {
        // CLUSTER_UNAVAILABLE is retried: its banner goes once the call is joined.
        showMessage(`${message} (${code})`, { code, tag: code === 'CLUSTER_UNAVAILABLE' ? 'connection' : '' });
      }
      if (fatal) backToLanding();
    },
    ended(reason) {
      if (reason === 'left') hideMessage();
      backToLanding();
    },
  };
}

function leaveCall() {
  if (sfu.call) sfu.call.leave();
  backToLanding();
}

function backToLanding() {
  if (sfu.media) sfu.media.stop();
  grid.clearAll();
  chat.clear();
  ui.call.hidden = true;
  ui.landing.hidden = false;
  renderState(sfu.call ? sfu.call.state() : null);
  ui.join.focus();
}

// ---- Controls ----

ui.mute.addEventListener('click', () => {
  const media = sfu.media;
  if (!media || !media.hasAudio) return;
  media.setAudioMuted(!media.audioMuted);
  sfu.call.sendTrackState();
  syncControls();
});

ui.camera.addEventListener('click', () => {
  const media = sfu.media;
  if (!media || !media.hasCamera) return;
  media.setVideoMuted(!media.videoMuted);
  sfu.call.sendTrackState();
  syncControls();
});

ui.share.addEventListener('click', async () => {
  const media = sfu.media;
  const call = sfu.call;
  if (!media || !call) return;
  if (media.sharing) {
    await backToCamera(media, call);
  } else {
    let track;
    try {
      track = await media.startShare(async (ended) => {
        // The browser's own "Stop sharing" button ends the track: go back to the camera.
        if (media.screenTrack === ended) {
          await backToCamera(media, call);
          call.sendTrackState();
          syncControls();
        }
      });
    } catch (e) {
      if (e.name !== 'NotAllowedError' && e.name !== 'AbortError') showMessage(`Screen sharing failed: ${e.message}`);
      return;
    }
    try {
      await call.replaceVideoTrack(track);
    } catch (e) {
      // The sender still carries the camera: forget the screen and say so.
      media.stopShare();
      showMessage(`Screen sharing failed: the browser could not send the screen (${e.message}).`, { code: 'SHARE_FAILED' });
    }
  }
  call.sendTrackState();
  syncControls();
});

async function backToCamera(media, call) {
  try {
    await call.replaceVideoTrack(media.stopShare());
  } catch (e) {
    showMessage(`Could not switch back to the camera (${e.message}). Leave and join again to send it.`,
      { code: 'SHARE_FAILED' });
  }
}

ui.speakerView.addEventListener('click', () => {
  const on = ui.speakerView.getAttribute('aria-pressed') !== 'true';
  ui.speakerView.setAttribute('aria-pressed', String(on));
  grid.setSpeakerView(on);
});

ui.leave.addEventListener('click', () => leaveCall());

ui.copyLink.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(ui.shareLink.href);
    ui.copyLink.textContent = 'Copied';
  } catch (e) {
    ui.copyLink.textContent = 'Select the link to copy';
  }
  setTimeout(() => { ui.copyLink.textContent = 'Copy link'; }, 2000);
});
ui.shareLink.addEventListener('click', (ev) => ev.preventDefault());

function syncControls() {
  const m = sfu.media;
  if (!m) return;
  setToggle(ui.mute, m.audioMuted, m.audioMuted ? 'Unmute microphone' : 'Mute microphone', m.audioMuted ? 'Unmute' : 'Mute');
  setToggle(ui.camera, m.videoMuted, m.videoMuted ? 'Turn camera on' : 'Turn camera off', m.videoMuted ? 'Camera on' : 'Camera off');
  setToggle(ui.share, m.sharing, m.sharing ? 'Stop sharing screen' : 'Share screen', m.sharing ? 'Stop sharing' : 'Share screen');
  ui.mute.disabled = !m.hasAudio;
  ui.camera.disabled = !m.hasCamera;
  ui.share.disabled = !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia;
  grid.setLocalState({ audioMuted: m.audioMuted || !m.hasAudio, videoMuted: m.videoMuted, noVideo: !m.videoTrack, sharing: m.sharing });
}

function setToggle(button, pressed, label, text) {
  button.setAttribute('aria-pressed', String(pressed));
  button.setAttribute('aria-label', label);
  button.querySelector('.text').textContent = text;
}

// ---- Status and messages ----

/** Renders the status bar from the call's state and its table (callstate.js statusView). */
function renderState(s) {
  const state = s || sfu.state;
  const view = statusView(state);
  ui.statusWs.dataset.state = view.signaling.state;
  ui.statusWs.querySelector('.label').textContent = view.signaling.text;
  ui.statusPc.dataset.state = view.media.state;
  ui.statusPc.querySelector('.label').textContent = view.media.text;
  document.body.dataset.phase = state.phase;
}

/** Shows one message; `actions` become buttons; `tag` lets a later event hide only its own. */
function showMessage(text, { kind = 'error', actions = [], tag = '', code = '' } = {}) {
  const box = ui.message;
  box.dataset.kind = kind;
  box.dataset.tag = tag;
  box.dataset.code = code;
  box.querySelector('.message-text').textContent = text;
  const holder = box.querySelector('.message-actions');
  holder.replaceChildren(...actions.map(({ label, run }) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'small';
    b.textContent = label;
    b.addEventListener('click', () => { hideMessage(); run(); });
    return b;
  }));
  box.hidden = false;
}

function hideMessage(tag) {
  if (tag !== undefined && ui.message.dataset.tag !== tag) return;
  ui.message.hidden = true;
}

ui.message.querySelector('.message-close').addEventListener('click', () => hideMessage());

function setBusy(busy) {
  ui.join.disabled = busy;
  ui.create.disabled = busy;
  ui.join.textContent = busy ? 'Opening camera…' : 'Join room';
}

initLanding();
renderState(null);
