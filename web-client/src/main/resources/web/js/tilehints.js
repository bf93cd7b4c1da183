// Tile hints: tells the server how each remote video is shown (the `videoTiles` message of
// docs/signaling.md), so it forwards the simulcast layer that fits the tile and pauses videos
// nobody can see.

/** Layout changes come in bursts (a window drag, a layout toggle): one message after they settle. */
export const DEBOUNCE_MS = 250;
/** The server's bound on a tile's side in device pixels. */
const MAX_SIDE = 16384;

/**
 * Watches the video elements of the remote tiles and sends their rendered size and visibility.
 *
 * `videos()` returns the receive video m-lines now shown: `[{mid, el}]`, `el` being the tile's
 * `<video>`. `send(tiles)` sends one `videoTiles` list and returns false when it could not (the
 * socket is down); the same list is then tried again at the next change or reset.
 */
export class TileHints {
  constructor({ videos, send, debounceMs = DEBOUNCE_MS }) {
    this.videos = videos;
    this.sendTiles = send;
    this.debounceMs = debounceMs;
    /** The tiles last sent (for tests: window.sfu.lastVideoTiles); null before the first. */
    this.last = null;
    this.lastKey = null;
    this.timer = null;
    /** Element -> whether IntersectionObserver last saw it in the viewport. */
    this.intersecting = new WeakMap();
    this.watched = new Set();
    this.schedule = this.schedule.bind(this);
    this.intersections = new IntersectionObserver((entries) => {
      for (const e of entries) this.intersecting.set(e.target, e.isIntersecting);
      this.schedule();
    });
    this.resizes = new ResizeObserver(this.schedule);
    window.addEventListener('resize', this.schedule);
    document.addEventListener('visibilitychange', this.schedule);
  }

  /** Something that may change the list happened: measure and send after the burst settles. */
  schedule() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.debounceMs);
  }

  /** A new signaling session (join or rejoin): the server knows nothing, so send even an unchanged list. */
  reset() {
    this.last = null;
    this.lastKey = null;
    this.schedule();
  }

  /** Measures now and sends when the list differs from the last one sent. */
  flush() {
    const tiles = this.measure();
    const key = JSON.stringify(tiles);
    if (key === this.lastKey) return;
    // Nothing to say yet: the server's default for an unlisted mid is right.
    if (this.lastKey === null && tiles.length === 0) return;
    if (this.sendTiles(tiles)) {
      this.last = tiles;
      this.lastKey = key;
    }
  }

  /** The current list, one entry per remote video, in mid order; starts watching new elements. */
  measure() {
    const shown = document.visibilityState === 'visible';
    const dpr = window.devicePixelRatio || 1;
    const current = new Set();
    const tiles = [];
    for (const { mid, el } of this.videos()) {
      if (!el) continue;
      current.add(el);
      this.watch(el);
      const r = el.getBoundingClientRect();
      const width = clamp(Math.round(r.width * dpr));
      const height = clamp(Math.round(r.height * dpr));
      const inView = this.intersecting.has(el) ? this.intersecting.get(el) : overlapsViewport(r);
      tiles.push({ mid, width, height, visible: shown && inView && width > 0 && height > 0 });
    }
    for (const el of this.watched) {
      if (!current.has(el)) this.unwatch(el);
    }
    tiles.sort((a, b) => a.mid.localeCompare(b.mid, 'en', { numeric: true }));
    return tiles;
  }

  watch(el) {
    if (this.watched.has(el)) return;
    this.watched.add(el);
    this.intersections.observe(el);
    this.resizes.observe(el);
  }

  unwatch(el) {
    this.watched.delete(el);
    this.intersections.unobserve(el);
    this.resizes.unobserve(el);
    this.intersecting.delete(el);
  }

  /** Stops watching (the call ended); a later call makes a new instance. */
  stop() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.intersections.disconnect();
    this.resizes.disconnect();
    this.watched.clear();
    window.removeEventListener('resize', this.schedule);
    document.removeEventListener('visibilitychange', this.schedule);
  }
}

function clamp(px) {
  return Math.max(0, Math.min(MAX_SIDE, px));
}

/** Before IntersectionObserver has reported an element: does its box overlap the viewport? */
function overlapsViewport(r) {
  return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
    && r.top < window.innerHeight && r.left < window.innerWidth;
}
