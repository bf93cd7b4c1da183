// The page when the node hosting its call dies (web/js/call.js with failover.js): it resumes there
// while the network may be the problem, asks another node after 3 failed connections, and gives the
// call up there only when that node answers and the hosting node fails once more; then it joins
// again (same room, name, token) through the node that answered. Fake WebSockets record every
// connection; timers are stepped by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Every fake WebSocket opened, in order. */
const sockets = [];
class FakeWebSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    sockets.push(this);
  }

  send(s) { this.sent.push(JSON.parse(s)); }

  close(code) { this.closedWith = code === undefined ? 'closed' : code; this.readyState = 3; }

  /** The test's side: the connection opens. */
  open() { this.readyState = 1; this.onopen(); }

  /** The test's side: the connection is refused (closes without opening), or drops. */
  refuse() { this.readyState = 3; if (this.onclose) this.onclose({ code: 1006 }); }

  /** The test's side: a server message arrives. */
  receive(msg) { this.onmessage({ data: JSON.stringify(msg) }); }
}
Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
globalThis.WebSocket = FakeWebSocket;
globalThis.location = { protocol: 'http:', href: 'http://127.0.0.1:8080/' };
globalThis.window = { addEventListener() {}, removeEventListener() {} };
const { Call } = await import('../../main/resources/web/js/call.js');

const A = 'ws://127.0.0.1:8080/ws?token=tok';
const A_LISTED = 'ws://127.0.0.1:8080/ws';
const B = 'ws://127.0.0.1:8081/ws';

/**
 * A call in the room on node `joinedUrl` (page loaded from `originUrl`), its WebSocket open, with
 * a fake RTCPeerConnection; the server listed `nodes`. Timers are queued in `timers`, not run.
 */
function callOn({ originUrl = A, joinedUrl = B, nodes = [A_LISTED, B] } = {}) {
  const errors = [];
  const failovers = [];
  const h = new Proxy({
    error: (code, message, fatal) => errors.push({ code, message, fatal }),
    failover: (e) => failovers.push(e),
  }, { get: (target, key) => target[key] || (() => {}) });
  sockets.length = 0;
  const call = new Call({ url: originUrl, token: 'tok', room: 'r', name: 'Ada', media: {}, handlers: h });
  const timers = [];
  call.later = (fn, ms) => timers.push({ fn, ms });
  call.every = () => {};
  call.machine.to('connecting');
  call.machine.to('joined');
  call.url = joinedUrl;
  call.joinedUrl = joinedUrl;
  call.participantId = 'p-1';
  call.resumeToken = 'rt-1';
  call.pc = { close() {}, connectionState: 'connected', iceConnectionState: 'connected', signalingState: 'stable' };
  call.takeNodes({ nodes });
  const ws = new FakeWebSocket(joinedUrl);
  call.ws = ws;
  call.wire(ws, true);
  ws.readyState = 1;
  return { call, errors, failovers, timers, ws };
}

/** Runs the last scheduled reconnect (clearing the rest, as the call does). */
function runNext(timers) {
  const t = timers.filter((x) => x.ms !== 4000).pop();
  timers.length = 0;
  t.fn();
  return t.ms;
}

/** The hosting node dies: its WebSocket drops, and every new connection to it is refused. */
function hostingNodeDies(ws, timers) {
  ws.refuse();
  for (let i = 0; i < 3; i++) {
    runNext(timers);
    const s = sockets[sockets.length - 1];
    assert.equal(s.url, B, `resume ${i + 1} goes to the hosting node`);
    s.refuse();
  }
}

test('the hosting node dies: 3 refused resumes, another node answers, the hosting node refuses again: join there with the token', () => {
  const { call, errors, failovers, timers, ws } = callOn();
  hostingNodeDies(ws, timers);
  assert.equal(call.phase, 'reconnecting');
  const delay = runNext(timers);
  assert.ok(delay <= 500, `the probe comes quickly (${delay} ms)`);
  const probe = sockets[sockets.length - 1];
  assert.equal(probe.url, A, 'the page\'s own node is asked');
  probe.open();
  assert.deepEqual(probe.sent, [], 'the probe sends nothing yet');
  const confirm = sockets[sockets.length - 1];
  assert.equal(confirm.url, B, 'the hosting node is asked once more, at once');
  confirm.refuse();
  assert.equal(call.phase, 'rejoining');
  assert.equal(call.ws, probe, 'the call goes on on the probe\'s connection');
  assert.deepEqual(probe.sent, [{ type: 'join', room: 'r', name: 'Ada' }], 'the same join (the token is on A\'s URL)');
  assert.equal(call.pc, null, 'the old media connection is closed');
  assert.equal(call.participantId, null);
  assert.equal(call.counters.failovers, 1);
  assert.deepEqual(failovers, [{ from: B, to: A }]);
  assert.deepEqual(errors, []);
  call.shutdown('test');
});

test('a page loaded from the node that died fails over to a node the server listed, with its token in the join', () => {
  const { call, timers, ws } = callOn({ originUrl: B, joinedUrl: B, nodes: [A_LISTED, B] });
  hostingNodeDies(ws, timers);
  runNext(timers);
  const probe = sockets[sockets.length - 1];
  assert.equal(probe.url, A_LISTED);
  probe.open();
  sockets[sockets.length - 1].refuse();
  assert.deepEqual(probe.sent, [{ type: 'join', room: 'r', name: 'Ada', token: 'tok' }]);
  call.shutdown('test');
});

test('a network outage (the other node does not answer either) keeps resuming; the hosting node back: resumed, no failover', () => {
  const { call, timers, ws } = callOn();
  hostingNodeDies(ws, timers);
  runNext(timers);
  assert.equal(sockets[sockets.length - 1].url, A);
  sockets[sockets.length - 1].refuse();
  assert.equal(call.phase, 'reconnecting', 'still resuming');
  runNext(timers);
  const back = sockets[sockets.length - 1];
  assert.equal(back.url, B, 'the hosting node again');
  back.open();
  assert.deepEqual(back.sent, [{ type: 'resume', participantId: 'p-1', resumeToken: 'rt-1' }]);
  assert.equal(call.counters.failovers, 0);
  assert.equal(call.failures, 0);
  call.shutdown('test');
});

test('the network back, another node answers first, but the hosting node answers too: the call is resumed there', () => {
  const { call, timers, ws } = callOn();
  hostingNodeDies(ws, timers);
  runNext(timers);
  const probe = sockets[sockets.length - 1];
  probe.open();
  const confirm = sockets[sockets.length - 1];
  assert.equal(confirm.url, B);
  confirm.open();
  assert.deepEqual(confirm.sent, [{ type: 'resume', participantId: 'p-1', resumeToken: 'rt-1' }]);
  assert.equal(probe.closedWith, 1000, 'the probe is closed, unused');
  assert.deepEqual(probe.sent, []);
  assert.equal(call.counters.failovers, 0);
  call.shutdown('test');
});

test('a single node (no other node known) only ever resumes, however long it fails', () => {
  const { call, timers, ws } = callOn({ originUrl: A, joinedUrl: A, nodes: [] });
  ws.refuse();
  for (let i = 0; i < 10; i++) {
    runNext(timers);
    const s = sockets[sockets.length - 1];
    assert.equal(s.url, A);
    s.refuse();
  }
  assert.equal(call.phase, 'reconnecting');
  assert.equal(call.counters.failovers, 0);
  call.shutdown('test');
});

test('after a failover, a redirect to the dead node is a failed attempt; the next join goes to a live node, quickly', () => {
  const { call, errors, timers, ws } = callOn();
  hostingNodeDies(ws, timers);
  runNext(timers);
  const probe = sockets[sockets.length - 1];
  probe.open();
  sockets[sockets.length - 1].refuse();
  // A still names B as the room's node: its registration has not expired yet.
  probe.receive({ type: 'redirect', room: 'r', url: B, nodeId: 'b' });
  const toDead = sockets[sockets.length - 1];
  assert.equal(toDead.url, B);
  toDead.refuse();
  assert.equal(call.phase, 'rejoining');
  for (let i = 0; i < 5; i++) {
    const delay = runNext(timers);
    assert.ok(delay <= 500, `retry ${i + 1} comes quickly (${delay} ms)`);
    const again = sockets[sockets.length - 1];
    assert.equal(again.url, A, 'through the live node, not the dead one');
    again.open();
    assert.equal(again.sent[0].type, 'join');
    again.receive({ type: 'redirect', room: 'r', url: B, nodeId: 'b' });
    sockets[sockets.length - 1].refuse();
  }
  assert.deepEqual(errors, [], 'no TOO_MANY_REDIRECTS: each attempt has its own budget');
  assert.equal(call.phase, 'rejoining');
  call.shutdown('test');
});

test('a connection to the hosting node that never opens counts as failed after 4 s', () => {
  const { call, timers, ws } = callOn();
  ws.refuse();
  runNext(timers);
  const hanging = sockets[sockets.length - 1];
  const timeout = timers.find((t) => t.ms === 4000);
  assert.ok(timeout, 'an open timeout is set');
  timers.splice(timers.indexOf(timeout), 1);
  timeout.fn();
  assert.equal(hanging.closedWith, 'closed');
  assert.equal(call.failures, 1);
  assert.equal(call.phase, 'reconnecting');
  call.shutdown('test');
});
