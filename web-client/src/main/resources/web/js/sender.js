// The video sender's encoder settings: simulcast layers, dynacast (layers switched off when the
// server says nobody receives them) and screen-share mode. Every change is a
// getParameters/setParameters pair, one at a time.

export class VideoSender {
  /**
   * @param transceiver the sendonly video transceiver
   * @param requested   the sendEncodings it was created with (null: the browser's default)
   */
  constructor(transceiver, requested) {
    this.transceiver = transceiver;
    this.requested = requested;
    this.queue = Promise.resolve();
  }

  get sender() { return this.transceiver.sender; }

  /** Whether the camera was offered as simulcast (two or more rids). */
  get simulcastOffered() { return !!this.requested && this.requested.length > 1; }

  /**
   * Sends `track` (the camera, a screen, or null) on the same sender: no renegotiation. A screen
   * keeps its resolution when bandwidth drops (its frame rate gives way instead); the camera goes
   * back to the browser's default. Rejects when the browser refuses the track.
   */
  async replaceTrack(track, screen) {
    await this.sender.replaceTrack(track);
    await this.setScreenMode(screen);
  }

  /** Sets (screen) or clears (camera) degradationPreference 'maintain-resolution'. */
  setScreenMode(screen) {
    return this.update((p) => {
      if (screen === (p.degradationPreference === 'maintain-resolution')) return false;
      if (screen) p.degradationPreference = 'maintain-resolution';
      else delete p.degradationPreference;
      return true;
    });
  }

  /**
   * After an answer. A server that declines simulcast leaves the browser the first encoding only,
   * the smallest: it is raised to the full resolution and the top layer's bitrate.
   */
  afterAnswer() {
    if (!this.simulcastOffered) return Promise.resolve(false);
    const top = this.requested[this.requested.length - 1];
    return this.update((p) => {
      if (p.encodings.length !== 1) return false;
      const e = p.encodings[0];
      if (e.scaleResolutionDownBy === 1 && e.maxBitrate === top.maxBitrate && e.active) return false;
      e.scaleResolutionDownBy = 1;
      e.maxBitrate = top.maxBitrate;
      e.active = true;
      return true;
    });
  }

  /**
   * Dynacast: keeps active only the encodings whose rid is in `rids`. Ignored when the sender has
   * no simulcast rids (a single encoding, or simulcast declined by the server).
   */
  applyLayersNeeded(rids) {
    return this.update((p) => {
      if (p.encodings.length < 2 || !p.encodings.every((e) => e.rid)) return false;
      let changed = false;
      for (const e of p.encodings) {
        const active = rids.includes(e.rid);
        if (e.active !== active) {
          e.active = active;
          changed = true;
        }
      }
      return changed;
    });
  }

  /**
   * Runs `change(params)` on fresh parameters and sets them, after every earlier change; `change`
   * returns false when there is nothing to set. Resolves to whether parameters were set. A failure
   * is logged, not thrown: the encoder keeps its previous settings and the call goes on.
   */
  update(change) {
    const run = async () => {
      if (this.transceiver.currentDirection === 'stopped') return false;
      const params = this.sender.getParameters();
      if (!params.encodings || params.encodings.length === 0 || change(params) === false) return false;
      await this.sender.setParameters(params);
      return true;
    };
    const result = this.queue.then(run).catch((e) => {
      console.warn('media: setParameters failed', e);
      return false;
    });
    this.queue = result;
    return result;
  }
}
