// The page following `redirect` (web/js/call.js with redirect.js): a new WebSocket to the named node,
// the same join there with the join token, the state left alone, and the loop guard. A fake
// WebSocket records every connection the Call opens.
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

  close(code) { this.closedWith = code; this.readyState = 3; }

  /** The test's side: the connection opens. */
  open() { this.readyState = 1; this.onopen(); }

  /** The test's side: a server message arrives. */
  receive(msg) { this.onmessage({ data: JSON.stringify(msg) }); }
}
Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
globalThis.WebSocket = FakeWebSocket;
globalThis.location = { protocol: 'http:', href: 'http://127.0.0.1:8080/' };
globalThis.window = { addEventListener() {}, removeEventListener() {} };
const { Call } = await import('../../main/resources/web/js/call.js');

const A = 'ws://127.0.0.1:8080/ws?token=tok';
const B = 'ws://127.0.0.1:8081/ws';
const C = 'ws://127.0.0.1:8082/ws';

function newCall() {
  const errors = [];
  const h = new Proxy({ error: (code, message, fatal) => errors.push({ code, message, fatal }) }, {
    get: (target, key) => target[key] || (() => {}),
  });
  sockets.length = 0;
  const call = new Call({ url: A, token: 'tok', room: 'r', name: 'Ada', media: {}, handlers: h });
  call.connect();
  return { call, errors };
}

test('redirect: the page joins again at the given node with its token, quietly, still connecting', () => {
  const { call, errors } = newCall();
  assert.equal(sockets[0].url, A);
  sockets[0].open();
  assert.deepEqual(sockets[0].sent, [{ type: 'join', room: 'r', name: 'Ada' }], 'the token is on the URL here');
  sockets[0].receive({ type: 'redirect', room: 'r', url: B, nodeId: 'b' });
  assert.equal(sockets[0].closedWith, 1000, 'the old WebSocket is closed');
  assert.equal(sockets[0].onclose, null, 'and its close is not taken for a lost connection');
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].url, B);
  sockets[1].open();
  assert.deepEqual(sockets[1].sent, [{ type: 'join', room: 'r', name: 'Ada', token: 'tok' }]);
  assert.equal(call.phase, 'connecting');
  assert.deepEqual(errors, [], 'nothing shown to the user');
  assert.equal(call.counters.redirects, 1);
  call.shutdown('test');
});

test('redirect loop: after 3 redirects in a row the 4th ends the call with TOO_MANY_REDIRECTS', () => {
  const { call, errors } = newCall();
  for (let i = 0; i < 3; i++) {
    sockets[i].open();
    sockets[i].receive({ type: 'redirect', room: 'r', url: i % 2 === 0 ? B : C, nodeId: `n${i}` });
  }
  assert.equal(sockets.length, 4, 'three redirects followed');
  sockets[3].open();
  sockets[3].receive({ type: 'redirect', room: 'r', url: B, nodeId: 'b' });
  assert.equal(sockets.length, 4, 'the fourth is not followed');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'TOO_MANY_REDIRECTS');
  assert.equal(errors[0].fatal, true);
  assert.equal(call.phase, 'ended');
});

test('a new join attempt after a failed one starts again at the page\'s node with a fresh redirect budget', () => {
  const { call } = newCall();
  sockets[0].open();
  sockets[0].receive({ type: 'redirect', room: 'r', url: B, nodeId: 'b' });
  // Node B is unreachable: its WebSocket closes without opening.
  sockets[1].onclose({ code: 1006 });
  assert.equal(call.phase, 'unreachable');
  call.clearTimers();
  call.connect();
  assert.equal(sockets[2].url, A);
  assert.equal(call.redirects, 0);
  call.shutdown('test');
});
