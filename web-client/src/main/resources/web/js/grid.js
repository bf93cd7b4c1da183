// The video grid: one tile per person, columns computed from the count and the screen width;
// or the speaker view: one large tile and a strip of small ones.

const NARROW = window.matchMedia('(max-width: 600px)');

/** What a paused remote video says, by the server's reason (docs/signaling.md, remoteVideo). */
const PAUSED_TEXT = {
  hidden: 'Paused: not visible',
  lastN: 'Paused: not a recent speaker',
  bandwidth: 'Paused to save bandwidth',
};

export class Grid {
  constructor(container, template) {
    this.container = container;
    this.template = template;
    /** participantId -> {el, stream, name, audioMuted, videoMuted} */
    this.tiles = new Map();
    this.localTile = null;
    /** Our own participant id, so that the dominant speaker can be us. */
    this.ownId = null;
    /** The dominant speaker and the recent ones, newest first (participant ids). */
    this.speakerId = null;
    this.recent = [];
    this.speakerView = false;
    /** Called after every layout change (tiles added, removed, resized by a mode switch). */
    this.onLayout = () => {};
    NARROW.addEventListener('change', () => this.layout());
    window.addEventListener('resize', () => this.layout());
  }

  /** Creates (once) the local preview tile, muted so we never hear ourselves. */
  showLocal(stream, name) {
    if (!this.localTile) {
      const el = this.newTile();
      el.classList.add('local');
      const video = el.querySelector('video');
      video.muted = true;
      this.container.prepend(el);
      this.localTile = el;
    }
    this.localTile.querySelector('video').srcObject = stream;
    this.setLocalName(name);
    this.layout();
  }

  setLocalName(name) {
    if (!this.localTile) return;
    this.localTile.querySelector('.name').textContent = `${name} (you)`;
    this.localTile.querySelector('.avatar').textContent = initials(name);
    this.localTile.setAttribute('aria-label', `${name} (you)`);
  }

  /** Reflects the local state: mic muted, camera off or absent, sharing the screen. */
  setLocalState({ audioMuted, videoMuted, noVideo, sharing }) {
    const el = this.localTile;
    if (!el) return;
    el.querySelector('.mic-off').hidden = !audioMuted;
    el.querySelector('.cam-off').hidden = !videoMuted || sharing;
    el.classList.toggle('video-off', videoMuted && !sharing);
    el.classList.toggle('no-video', noVideo);
    el.classList.toggle('sharing', sharing);
  }

  /** Adds or updates a remote participant's tile. */
  upsert({ id, name, audioMuted = false, videoMuted = false }) {
    let tile = this.tiles.get(id);
    if (!tile) {
      const el = this.newTile();
      el.dataset.participant = id;
      const stream = new MediaStream();
      el.querySelector('video').srcObject = stream;
      el.classList.add('no-video');
      this.container.append(el);
      tile = { el, stream, name: '', audioMuted: false, videoMuted: false };
      this.tiles.set(id, tile);
      // The speaker may have spoken before their tile existed.
      el.classList.toggle('speaking', id === this.speakerId);
      el.querySelector('.speaking-note').hidden = id !== this.speakerId;
    }
    if (name) {
      tile.name = name;
      tile.el.querySelector('.name').textContent = name;
      tile.el.querySelector('.avatar').textContent = initials(name);
      tile.el.setAttribute('aria-label', name);
    }
    this.setState(id, { audioMuted, videoMuted });
    this.layout();
    return tile;
  }

  setState(id, { audioMuted, videoMuted }) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.audioMuted = !!audioMuted;
    tile.videoMuted = !!videoMuted;
    tile.el.querySelector('.mic-off').hidden = !tile.audioMuted;
    tile.el.querySelector('.cam-off').hidden = !tile.videoMuted;
    tile.el.classList.toggle('video-off', tile.videoMuted);
    tile.el.dataset.audioMuted = String(tile.audioMuted);
    tile.el.dataset.videoMuted = String(tile.videoMuted);
  }

  /** Puts a received track into the participant's tile, replacing one of the same kind. */
  setTrack(id, kind, track) {
    const tile = this.tiles.get(id) || this.upsert({ id, name: '' });
    for (const t of tile.stream.getTracks()) if (t.kind === kind && t !== track) tile.stream.removeTrack(t);
    if (!tile.stream.getTracks().includes(track)) tile.stream.addTrack(track);
    if (kind === 'video') tile.el.classList.remove('no-video');
    const video = tile.el.querySelector('video');
    // Re-assigning srcObject makes the element pick up a track added after playback started.
    video.srcObject = tile.stream;
    video.play().catch(() => { /* autoplay blocked until the next click; the tile still shows */ });
  }

  removeTrack(id, kind) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    for (const t of tile.stream.getTracks()) if (t.kind === kind) tile.stream.removeTrack(t);
    if (kind === 'video') {
      tile.el.classList.add('no-video');
      this.setPaused(id, { paused: false });
    }
  }

  /** The `<video>` of a remote participant's tile, or null. */
  videoOf(id) {
    const tile = this.tiles.get(id);
    return tile ? tile.el.querySelector('video') : null;
  }

  /**
   * The server paused or resumed a remote video: a paused tile shows the avatar and says why,
   * never a frozen frame. `rid` is the simulcast layer forwarded now.
   */
  setPaused(id, { paused, reason = null, rid = null }) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    const el = tile.el;
    el.classList.toggle('paused', paused);
    el.dataset.paused = String(paused);
    if (rid && !paused) el.dataset.rid = rid;
    else delete el.dataset.rid;
    const label = el.querySelector('.paused-label');
    label.textContent = paused ? (PAUSED_TEXT[reason] || 'Paused') : '';
    label.hidden = !paused;
  }

  /** The room's dominant speaker (maybe us, `ownId`) and the recent ones, newest first. */
  setSpeaker(speakerId, recent = []) {
    this.speakerId = speakerId;
    this.recent = recent;
    for (const el of this.allTiles()) {
      const speaking = speakerId !== null && this.idOf(el) === speakerId;
      el.classList.toggle('speaking', speaking);
      el.querySelector('.speaking-note').hidden = !speaking;
    }
    if (this.speakerView) this.layout();
  }

  /** Speaker view: the speaker's tile large, the others in a strip of small tiles. */
  setSpeakerView(on) {
    this.speakerView = on;
    this.layout();
  }

  /**
   * The tile the speaker view shows large: the dominant speaker unless that is us, else the most
   * recent other speaker, else the first other participant, else ourselves.
   */
  featuredTile() {
    for (const id of [this.speakerId, ...this.recent]) {
      if (id !== null && id !== this.ownId && this.tiles.has(id)) return this.tiles.get(id).el;
    }
    const first = this.tiles.values().next();
    return first.done ? this.localTile : first.value.el;
  }

  allTiles() {
    const all = [...this.tiles.values()].map((t) => t.el);
    if (this.localTile) all.unshift(this.localTile);
    return all;
  }

  idOf(el) {
    return el === this.localTile ? this.ownId : el.dataset.participant;
  }

  remove(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.el.querySelector('video').srcObject = null;
    tile.el.remove();
    this.tiles.delete(id);
    this.layout();
  }

  clearRemote() {
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.setSpeaker(null, []);
  }

  clearAll() {
    this.clearRemote();
    if (this.localTile) {
      this.localTile.querySelector('video').srcObject = null;
      this.localTile.remove();
      this.localTile = null;
    }
    this.layout();
  }

  /**
   * Grid view: about the square root of the count in columns; one or two columns on a phone.
   * Speaker view: the featured tile first and full width, the others small below it (CSS).
   */
  layout() {
    const n = Math.max(1, this.tiles.size + (this.localTile ? 1 : 0));
    let cols;
    if (NARROW.matches) cols = n <= 2 ? 1 : 2;
    else cols = Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / cols);
    this.container.style.setProperty('--cols', cols);
    this.container.style.setProperty('--rows', rows);
    this.container.dataset.count = String(n);
    this.container.classList.toggle('speaker-view', this.speakerView);
    const featured = this.speakerView ? this.featuredTile() : null;
    for (const el of this.allTiles()) el.classList.toggle('featured', el === featured);
    this.onLayout();
  }

  newTile() {
    return this.template.content.firstElementChild.cloneNode(true);
  }
}

function initials(name) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}
