// The call's state machine (web/js/callstate.js): its table, refused transitions, what the status bar shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallStateMachine, Phase, STATES, statusView } from '../../main/resources/web/js/callstate.js';

/** A machine with a log that keeps its warnings, and the changes it reported. */
function machine() {
  const warnings = [];
  const changes = [];
  const m = new CallStateMachine({ log: { warn: (w) => warnings.push(w) }, onChange: (from, to) => changes.push(`${from}->${to}`) });
  return { m, warnings, changes };
}

/** A machine driven to `state` along allowed transitions (breadth-first path from idle). */
function machineIn(state) {
  const path = pathTo(state);
  const t = machine();
  for (const s of path) assert.ok(t.m.to(s), `reach ${state} via ${path}`);
  t.warnings.length = 0;
  t.changes.length = 0;
  return t;
}

function pathTo(target) {
  const prev = new Map([['idle', null]]);
  const todo = ['idle'];
  while (todo.length) {
    const s = todo.shift();
    for (const n of STATES[s].next) {
      if (!prev.has(n)) { prev.set(n, s); todo.push(n); }
    }
  }
  if (!prev.has(target)) return null;
  const path = [];
  for (let s = target; s !== 'idle'; s = prev.get(s)) path.unshift(s);
  return path;
}

const ALL = Object.keys(STATES);

test('every state in the table is a Phase and every transition names a known state', () => {
  assert.deepEqual(new Set(ALL), new Set(Object.values(Phase)));
  for (const s of ALL) for (const n of STATES[s].next) assert.ok(ALL.includes(n), `${s} -> ${n}`);
});

test('every state is reachable from idle, and every state but ended can end', () => {
  for (const s of ALL) assert.ok(pathTo(s), `${s} reachable`);
  for (const s of ALL) if (s !== 'ended') assert.ok(STATES[s].next.includes('ended'), `${s} -> ended`);
  assert.deepEqual(STATES.ended.next, [], 'ended is terminal');
});

test('the call flows of call.js are allowed: join, ICE restart, resume, rejoin after RESUME_FAILED, leave', () => {
  const { m, warnings, changes } = machine();
  for (const s of ['connecting', 'unreachable', 'connecting', 'joined', 'restartingIce', 'joined', 'reconnecting',
    'joined', 'restartingIce', 'reconnecting', 'rejoining', 'joined', 'rejoining', 'joined', 'ended']) {
    assert.ok(m.to(s, 'test'), `to ${s}`);
  }
  assert.deepEqual(warnings, []);
  assert.equal(changes.length, 15);
  assert.equal(m.refused, 0);
});

test('each allowed transition applies and reports the change; each other one is refused, logged and changes nothing', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      if (to === from) continue;
      const { m, warnings, changes } = machineIn(from);
      const allowed = STATES[from].next.includes(to);
      assert.equal(m.to(to, 'why'), allowed, `${from} -> ${to}`);
      if (allowed) {
        assert.equal(m.state, to);
        assert.deepEqual(changes, [`${from}->${to}`]);
        assert.deepEqual(warnings, []);
      } else {
        assert.equal(m.state, from, `${from} -> ${to} left the state`);
        assert.deepEqual(changes, [], 'no change reported');
        assert.equal(m.refused, 1);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], new RegExp(`${from} -> ${to} \\(why\\) refused`));
        assert.match(m.history.at(-1), /refused/);
      }
    }
  }
});

test('staying in the same state is allowed and reports no change', () => {
  const { m, warnings, changes } = machineIn('reconnecting');
  assert.ok(m.to('reconnecting'));
  assert.deepEqual(changes, []);
  assert.deepEqual(warnings, []);
});

test('ended refuses everything, a join before the socket opened is refused, an unknown state is refused', () => {
  const ended = machineIn('ended');
  assert.ok(ended.m.ended);
  for (const s of ALL) if (s !== 'ended') assert.equal(ended.m.to(s), false, `ended -> ${s}`);
  assert.equal(ended.m.refused, ALL.length - 1);

  const idle = machine();
  assert.equal(idle.m.to('joined'), false, 'idle -> joined skips connecting');
  assert.equal(idle.m.to('resuming'), false);
  assert.match(idle.warnings[1], /unknown state/);
  assert.equal(idle.m.state, 'idle');
});

test('everJoined is set by the first joined and stays through reconnects', () => {
  const { m } = machine();
  m.to('connecting');
  m.to('unreachable');
  assert.equal(m.everJoined, false, 'unreachable before any join');
  m.to('connecting');
  m.to('joined');
  m.to('reconnecting');
  m.to('rejoining');
  assert.equal(m.everJoined, true);
});

test('the history keeps the last 30 transitions', () => {
  const { m } = machine();
  m.to('connecting');
  m.to('joined');
  for (let i = 0; i < 40; i++) m.to(i % 2 ? 'joined' : 'restartingIce');
  assert.equal(m.history.length, 30);
  assert.equal(m.history.at(-1), 'restartingIce -> joined');
});

test('status bar: the signaling item follows the table, the WebSocket only where the table says so', () => {
  const v = (phase, ws, pc = 'closed') => statusView({ phase, ws, pc });
  assert.deepEqual(v('idle', 'closed').signaling, { state: 'idle', text: 'Signaling: idle' });
  assert.equal(v('idle', 'closed').media.text, 'Media: not started');
  assert.equal(v('connecting', 'connecting').signaling.state, 'connecting');
  assert.equal(v('connecting', 'open').signaling.state, 'open');
  assert.deepEqual(v('unreachable', 'closed').signaling, { state: 'unreachable', text: 'Signaling: unreachable' });
  assert.equal(v('joined', 'open', 'connected').signaling.state, 'open');
  assert.deepEqual(v('joined', 'open', 'connected').media, { state: 'connected', text: 'Media: connected' });
  assert.equal(v('joined', 'open').media.text, 'Media: not connected');
  assert.equal(v('reconnecting', 'connecting', 'connected').signaling.state, 'reconnecting');
  assert.equal(v('reconnecting', 'open', 'connected').signaling.state, 'open', 'resume sent on an open socket');
  assert.equal(v('rejoining', 'closed').signaling.state, 'reconnecting');
  assert.deepEqual(v('restartingIce', 'open', 'disconnected').media,
    { state: 'disconnected', text: 'Media: disconnected, restarting ICE' });
  assert.equal(v('ended', 'closing').signaling.state, 'closed');
  assert.equal(v('ended', 'closing').media.state, 'idle');
});
