// The local camera, microphone and screen: acquisition, mute state and the track to publish.

/** How the user publishes: both devices, the microphone only, or nothing (watch and listen). */
export const Mode = Object.freeze({ FULL: 'full', AUDIO_ONLY: 'audio-only', RECEIVE_ONLY: 'receive-only' });

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
        video: mode === Mode.FULL ? { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } } : false,
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
