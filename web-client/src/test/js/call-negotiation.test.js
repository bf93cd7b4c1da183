// A negotiation step (web/js/call.js onOffer/onAnswer) whose RTCPeerConnection is closed or replaced while
// it awaits (the WebSocket dropped, or a rejoin): it stops quietly, and touches neither the new connection
// nor the user. Fakes stand in for the browser's RTCPeerConnection and WebSocket.
import assert from 'node:assert/strict';
import { test } from 'node:test';

globalThis.WebSocket = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 };
const { Call } = await import('../../main/resources/web/js/call.js');

/** A promise with its resolve/reject outside. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** An RTCPeerConnection stand-in whose setRemoteDescription waits for the test. */
class FakePc {
  constructor(signalingState) {
    this.signalingState = signalingState;
    this.iceConnectionState = 'connected';
    this.remote = deferred();
    this.calls = [];
    this.localDescription = null;
    this.remoteDescription = null;
  }

  async setRemoteDescription(d) {
    this.calls.push(`setRemoteDescription ${d.type}`);
    await this.remote.promise;
    if (this.signalingState === 'closed') throw new DOMException('The RTCPeerConnection is closed.', 'InvalidStateError');
    this.remoteDescription = { type: d.type, sdp: d.sdp };
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
  }

  async setLocalDescription(d) {
    this.calls.push(`setLocalDescription ${d ? d.type : '(implicit)'}`);
    if (this.signalingState === 'closed') throw new DOMException('The RTCPeerConnection is closed.', 'InvalidStateError');
    this.signalingState = 'stable';
    this.localDescription = { type: 'answer', sdp: 'v=0\r\n' };
  }

  async addIceCandidate() { this.calls.push('addIceCandidate'); }

  getTransceivers() { return []; }

  close() { this.signalingState = 'closed'; }
}

/** A Call in the room on an open (fake) WebSocket, with `pc`; records what it sends and shows. */
function joinedCall(pc) {
  const errors = [];
  const sent = [];
  const h = new Proxy({ error: (code, message) => errors.push(`${code}: ${message}`) }, {
    get: (target, key) => target[key] || (() => {}),
  });
  const call = new Call({ url: 'ws://127.0.0.1:1/ws', room: 'r', name: 'n', media: {}, handlers: h });
  call.machine.to('connecting');
  call.machine.to('joined');
  call.ws = { readyState: 1, send: (s) => sent.push(JSON.parse(s)) };
  call.participantId = 'p-1';
  call.pc = pc;
  return { call, errors, sent };
}

test('onOffer: the connection closed during setRemoteDescription (the socket dropped): no answer, no CLIENT error', async () => {
  const pc = new FakePc('stable');
  const { call, errors, sent } = joinedCall(pc);
  call.enqueue(() => call.handle({ type: 'offer', sdp: 'v=0\r\n' }));
  await new Promise(setImmediate);
  call.closePc();
  pc.remote.resolve();
  await call.queue;
  assert.deepEqual(errors, []);
  assert.deepEqual(sent, [], 'no answer for a connection that is gone');
  assert.deepEqual(pc.calls, ['setRemoteDescription offer']);
});

test('onOffer: the connection replaced by a new one meanwhile: the old step stops, the new connection is untouched', async () => {
  const old = new FakePc('stable');
  const { call, errors, sent } = joinedCall(old);
  call.enqueue(() => call.handle({ type: 'offer', sdp: 'v=0\r\n' }));
  await new Promise(setImmediate);
  const fresh = new FakePc('stable');
  call.pc = fresh;
  old.remote.resolve();
  await call.queue;
  assert.deepEqual(errors, []);
  assert.deepEqual(sent, []);
  assert.deepEqual(fresh.calls, [], 'the new RTCPeerConnection gets nothing of the old offer');
});

test('onAnswer: the connection closed while the answer is applied: stops quietly', async () => {
  const pc = new FakePc('have-local-offer');
  const { call, errors } = joinedCall(pc);
  call.pendingCandidates.push({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 });
  call.enqueue(() => call.handle({ type: 'answer', sdp: 'v=0\r\n' }));
  await new Promise(setImmediate);
  pc.close();
  pc.remote.resolve();
  await call.queue;
  assert.deepEqual(errors, []);
  assert.ok(!pc.calls.includes('addIceCandidate'), 'no candidates added to a closed connection');
});

test('onOffer on the current connection: answers; an error there is still shown as a CLIENT error', async () => {
  const pc = new FakePc('stable');
  const { call, errors, sent } = joinedCall(pc);
  call.enqueue(() => call.handle({ type: 'offer', sdp: 'v=0\r\n' }));
  pc.remote.resolve();
  await call.queue;
  assert.deepEqual(sent.map((m) => m.type), ['answer']);
  assert.deepEqual(errors, []);

  const broken = new FakePc('stable');
  call.pc = broken;
  broken.remote.reject(new DOMException('Failed to parse SessionDescription.', 'OperationError'));
  call.enqueue(() => call.handle({ type: 'offer', sdp: 'garbage' }));
  await call.queue;
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^CLIENT: .*Failed to parse/);
});

test('RESUME_FAILED while reconnecting: the state goes to rejoining and a new join is sent', async () => {
  const pc = new FakePc('stable');
  const { call, sent } = joinedCall(pc);
  call.machine.to('reconnecting');
  call.resumeToken = 't';
  call.enqueue(() => call.handle({ type: 'error', code: 'RESUME_FAILED', message: 'gone' }));
  await call.queue;
  assert.equal(call.phase, 'rejoining');
  assert.equal(call.pc, null, 'the old connection is closed');
  assert.equal(pc.signalingState, 'closed');
  assert.deepEqual(sent.map((m) => m.type), ['join']);
  assert.equal(call.machine.refused, 0);
});
