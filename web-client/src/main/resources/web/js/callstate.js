// The call's states and the transitions allowed between them, and what the status bar shows in
// each. No DOM here: the page (call.js, app.js) and the node unit tests (src/test/js) share it.
//
//   idle ──► connecting ──► joined ◄──► restartingIce
//               ▲   │        │  ▲            │
//               │   ▼        │  │            │
//          unreachable       ▼  │            ▼
//                         reconnecting ──► rejoining ──► joined
//   (every state but ended) ──► ended
//
// connecting:    the first WebSocket is opening, or its `join` is unanswered (never joined yet).
// unreachable:   that WebSocket closed before `joined`; a retry is scheduled.
// joined:        in the room; signaling is up. The media state is shown apart (#status-pc).
// restartingIce: joined, but ICE went down and the page restarted it; back to joined once ICE
//                is connected again.
// reconnecting:  the WebSocket of a joined call dropped; the RTCPeerConnection is kept and a new
//                WebSocket sends `resume` (media goes on meanwhile).
// rejoining:     the server no longer holds us (RESUME_FAILED), or the call could not be resumed:
//                the RTCPeerConnection is closed and a new `join` makes a new participant.
// ended:         left, or a fatal error; nothing more happens.

/** The states, by name. */
export const Phase = Object.freeze({
  IDLE: 'idle',
  CONNECTING: 'connecting',
  UNREACHABLE: 'unreachable',
  JOINED: 'joined',
  RESTARTING_ICE: 'restartingIce',
  RECONNECTING: 'reconnecting',
  REJOINING: 'rejoining',
  ENDED: 'ended',
});

/**
 * Each state: the states it may go to, and what the signaling status shows (`signaling`: a fixed
 * value, or null for the WebSocket's own readyState) and the media status's text while there is no
 * RTCPeerConnection (null: "not connected").
 */
export const STATES = Object.freeze({
  idle: { next: ['connecting', 'ended'], signaling: 'idle', media: 'not started' },
  connecting: { next: ['joined', 'unreachable', 'ended'], signaling: null, media: null },
  unreachable: { next: ['connecting', 'ended'], signaling: 'unreachable', media: null },
  joined: { next: ['restartingIce', 'reconnecting', 'rejoining', 'ended'], signaling: null, media: null },
  restartingIce: { next: ['joined', 'reconnecting', 'rejoining', 'ended'], signaling: null, media: null },
  reconnecting: { next: ['joined', 'rejoining', 'ended'], signaling: 'reconnecting', media: null },
  rejoining: { next: ['joined', 'ended'], signaling: 'reconnecting', media: null },
  ended: { next: [], signaling: 'closed', media: null },
});

/** How many transitions (applied and refused) a machine remembers, for diagnosis. */
const HISTORY = 30;

/**
 * One call's state. `to(next, reason)` applies a transition the table allows, calls `onChange`
 * and returns true; staying in the same state is allowed and changes nothing; any other
 * transition is refused: logged with `log.warn`, counted, and the state stays.
 */
export class CallStateMachine {
  constructor({ onChange = () => {}, log = console } = {}) {
    this.current = Phase.IDLE;
    this.onChange = onChange;
    this.log = log;
    /** Whether the call was ever in `joined` (a later drop reconnects rather than says unreachable). */
    this.everJoined = false;
    /** Transitions refused since the start. */
    this.refused = 0;
    /** The last transitions, "from -> to (reason)", refused ones marked. */
    this.history = [];
  }

  get state() { return this.current; }

  /** True once the call ended: nothing may happen any more. */
  get ended() { return this.current === Phase.ENDED; }

  /** Whether the current state is one of `states`. */
  in(...states) { return states.includes(this.current); }

  /** Whether `next` may follow the current state (the same state always may). */
  can(next) {
    return next === this.current || (STATES[this.current].next.includes(next));
  }

  to(next, reason = '') {
    const from = this.current;
    if (!Object.prototype.hasOwnProperty.call(STATES, next)) {
      this.refuse(from, next, reason, 'unknown state');
      return false;
    }
    if (next === from) return true;
    if (!this.can(next)) {
      this.refuse(from, next, reason, 'not allowed');
      return false;
    }
    this.current = next;
    if (next === Phase.JOINED) this.everJoined = true;
    this.remember(`${from} -> ${next}${reason ? ` (${reason})` : ''}`);
    this.onChange(from, next, reason);
    return true;
  }

  refuse(from, next, reason, why) {
    this.refused++;
    const line = `${from} -> ${next}${reason ? ` (${reason})` : ''} refused: ${why}`;
    this.remember(line);
    this.log.warn(`call state: ${line}`);
  }

  remember(line) {
    this.history.push(line);
    if (this.history.length > HISTORY) this.history.shift();
  }
}

/**
 * What the status bar shows for a call state `{phase, ws, pc}` (ws: the WebSocket's readyState
 * name or 'closed'; pc: the RTCPeerConnection's connectionState or 'closed'):
 * `{signaling: {state, text}, media: {state, text}}`; `state` goes to the items' data-state.
 */
export function statusView({ phase, ws, pc }) {
  const s = STATES[phase] || STATES.idle;
  let signaling = s.signaling || ws;
  // A resume or rejoin whose new WebSocket is open is shown open: its answer is on the way.
  if ((phase === Phase.RECONNECTING || phase === Phase.REJOINING) && ws === 'open') signaling = 'open';
  const pcText = pc === 'closed' ? (s.media || 'not connected') : pc;
  return {
    signaling: { state: signaling, text: `Signaling: ${signaling}` },
    media: { state: pc === 'closed' ? 'idle' : pc,
      text: `Media: ${phase === Phase.RESTARTING_ICE ? `${pcText}, restarting ICE` : pcText}` },
  };

}
