// The local camera, microphone and screen: acquisition, mute state and the track to publish.

/** How the user publishes: both devices, the microphone only, or nothing (watch and listen). */
export const Mode = Object.freeze({ FULL: 'full', AUDIO_ONLY: 'audio-only', RECEIVE_ONLY: 'receive-only' });

/**
 * How the camera is captured and published. The simulcast layers go from the smallest to the
 * full resolution; a layer is sent only when its scaled height is at least `minLayerHeight`, so
 * a 720p camera sends q/h/f, a 360p one h/f, and a smaller one a single encoding without rid.
 * Tests and users override it from the address: `?capture=640x360` (or `640x360@15` for the
 * frame rate) and `?simulcast=off` (see applyQuery).
 */
export const videoConfig = {
  capture: { width: 1280, height: 720, frameRate: 30 },
  simulcast: true,
  layers: [
    { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
    { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
  ],
  minLayerHeight: 135,
};

/** Applies the address's `capture` and `simulcast` parameters to `config`; returns the names used. */
export function applyQuery(config, search) {
  const params = new URLSearchParams(search);
  const used = [];
  const capture = params.get('capture');
  const m = capture && /^(\d{2,5})x(\d{2,5})(?:@(\d{1,3}))?$/.exec(capture);
  if (m) {
    config.capture = { width: Number(m[1]), height: Number(m[2]), frameRate: m[3] ? Number(m[3]) : config.capture.frameRate };
    used.push('capture');
  } else if (capture) {
    console.warn(`media: ignoring capture=${capture}; expected WIDTHxHEIGHT or WIDTHxHEIGHT@FPS`);
  }
  const simulcast = params.get('simulcast');
  if (simulcast === 'off' || simulcast === 'on') {
    config.simulcast = simulcast === 'on';
    used.push('simulcast');
  }
  return used;
}

/**
 * The sendEncodings for a camera captured `height` pixels high: the configured layers whose
 * scaled height reaches `minLayerHeight` (q/h/f at 720p, h/f at 360p), or one encoding without
 * rid when that leaves one layer, simulcast is off, or the height is unknown.
 */
export function sendEncodings(height, config = videoConfig) {
  const top = config.layers[config.layers.length - 1];
  const single = [{ maxBitrate: top.maxBitrate }];
  if (!config.simulcast || !(height > 0)) return single;
  const layers = config.layers.filter((l) => height / l.scaleResolutionDownBy >= config.minLayerHeight);
  if (layers.length < 2) return single;
  return layers.map((l) => ({ rid: l.rid, scaleResolutionDownBy: l.scaleResolutionDownBy, maxBitrate: l.maxBitrate }));
}

/** A getUserMedia failure turned into a sentence and the ways the user can continue. */
export class MediaAccessError extends Error {
  constructor(cause, mode) {
    super(describe(cause, mode));
    this.name = 'MediaAccessError';
    this.cause = cause;
    this.denied = cause && (cause.name === 'NotAllowedError' || cause.name === 'SecurityError');
    this.mode = mode;
  }
}

function describe(cause, mode) {
  const what = mode === Mode.AUDIO_ONLY ? 'microphone' : 'camera and microphone';
  switch (cause && cause.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to the ${what} was denied. Allow it in the browser's site settings and try again, `
        + 'or join without it.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found. Plug one in and try again, or join without it.`;
    case 'NotReadableError':
      return `The ${what} is in use by another application. Close it and try again, or join without it.`;
    default:
      if (!navigator.mediaDevices) {
        return 'This page needs a secure address (https:// or http://localhost) to use the camera. '
          + 'You can still join without it.';
      }
      return `The ${what} could not be opened (${cause && cause.message}). Try again, or join without it.`;
  }
}

export class LocalMedia {
  constructor() {
    this.mode = Mode.RECEIVE_ONLY;
    this.audioTrack = null;
    this.cameraTrack = null;
    this.screenTrack = null;
    this.audioMuted = false;
    this.videoMuted = false;
    /** The stream shown in the local preview tile. */
    this.preview = new MediaStream();
  }

  /** Opens the devices the mode needs; throws MediaAccessError with a user-facing sentence. */
  async acquire(mode) {
    this.mode = mode;
    if (mode === Mode.RECEIVE_ONLY) return;
    let stream;
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw Object.assign(new Error('navigator.mediaDevices is not available'), { name: 'InsecureContext' });
      }
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: mode === Mode.FULL ? { width: { ideal: videoConfig.capture.width },
          height: { ideal: videoConfig.capture.height }, frameRate: { ideal: videoConfig.capture.frameRate } } : false,
      });
    } catch (e) {
      throw new MediaAccessError(e, mode);
    }
    this.audioTrack = stream.getAudioTracks()[0] || null;
    this.cameraTrack = stream.getVideoTracks()[0] || null;
    if (this.cameraTrack) this.preview.addTrack(this.cameraTrack);
  }

  get hasAudio() { return this.audioTrack !== null; }
  get hasCamera() { return this.cameraTrack !== null; }
  get sharing() { return this.screenTrack !== null; }

  /** The video track to publish now: the screen while sharing, else the camera. */
  get videoTrack() { return this.screenTrack || this.cameraTrack; }

  /** The sendEncodings for the camera as captured; null without a camera (no simulcast). */
  videoEncodings() {
    if (!this.cameraTrack) return null;
    return sendEncodings(this.cameraTrack.getSettings().height);
  }

  setAudioMuted(muted) {
    this.audioMuted = muted;
    if (this.audioTrack) this.audioTrack.enabled = !muted;
  }

  setVideoMuted(muted) {
    this.videoMuted = muted;
    if (this.cameraTrack) this.cameraTrack.enabled = !muted;
  }

  /** Asks for a screen; resolves to the screen track, or null when the user cancels. */
  async startShare(onEnded) {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const track = stream.getVideoTracks()[0];
    // Text and edges stay sharp: the encoder is told this is detail, not motion.
    if ('contentHint' in track) track.contentHint = 'detail';
    track.addEventListener('ended', () => onEnded(track), { once: true });
    this.screenTrack = track;
    this.swapPreview(track);
    return track;
  }

  /** Forgets the screen track (stopping it) and returns the camera track to publish again. */
  stopShare() {
    const screen = this.screenTrack;
    this.screenTrack = null;
    if (screen) screen.stop();
    this.swapPreview(this.cameraTrack);
    return this.cameraTrack;
  }

  swapPreview(track) {
    for (const t of this.preview.getVideoTracks()) this.preview.removeTrack(t);
    if (track) this.preview.addTrack(track);
  }

  /** Stops every device; the object is unusable afterwards. */
  stop() {
    for (const t of [this.audioTrack, this.cameraTrack, this.screenTrack]) if (t) t.stop();
    this.audioTrack = this.cameraTrack = this.screenTrack = null;
  }
}
