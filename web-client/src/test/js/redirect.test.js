// Following `redirect` in a cluster (web/js/redirect.js): where the next WebSocket goes, the loop
// guard, and the join token carried to another node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REDIRECTS, followRedirect, joinMessage, signalingUrl } from '../../main/resources/web/js/redirect.js';

const A = 'ws://127.0.0.1:8080/ws?token=tok';
const B = 'ws://127.0.0.1:8081/ws';

test('a redirect is followed to the absolute WebSocket URL it names', () => {
  assert.deepEqual(followRedirect({ room: 'r', url: B, nodeId: 'b' }, { redirects: 0, currentUrl: A }), { url: B });
  assert.deepEqual(followRedirect({ url: 'wss://sfu-2.example.com/ws', nodeId: 'b' }, { redirects: 2, currentUrl: A,
    pageSecure: true }), { url: 'wss://sfu-2.example.com/ws' });
  // http(s) public URLs are taken as the same node's WebSocket.
  assert.deepEqual(followRedirect({ url: 'https://sfu-2.example.com/ws' }, { redirects: 0, currentUrl: A }),
    { url: 'wss://sfu-2.example.com/ws' });
  assert.deepEqual(followRedirect({ url: 'https://sfu-2.example.com' }, { redirects: 0, currentUrl: A }),
    { url: 'wss://sfu-2.example.com/ws' }, 'a node\'s base URL means its /ws');
});

test(`at most ${MAX_REDIRECTS} redirects in a row per join; the next one is an error naming the node`, () => {
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    assert.ok(followRedirect({ url: B, nodeId: 'b' }, { redirects: i, currentUrl: A }).url, `redirect ${i + 1}`);
  }
  const r = followRedirect({ url: B, nodeId: 'b' }, { redirects: MAX_REDIRECTS, currentUrl: A });
  assert.equal(r.url, undefined);
  assert.equal(r.code, 'TOO_MANY_REDIRECTS');
  assert.match(r.error, /4 times in a row/);
  assert.match(r.error, /node b/);
});

test('a redirect without a usable WebSocket address, or to ws:// from a secure page, is not followed', () => {
  for (const url of [undefined, '', 'ftp://x/ws', 'javascript:alert(1)']) {
    const r = followRedirect({ url, nodeId: 'b' }, { redirects: 0, currentUrl: A });
    assert.ok(r.error && !r.url && r.code === 'BAD_REDIRECT', `${url}: ${JSON.stringify(r)}`);
  }
  const r = followRedirect({ url: B, nodeId: 'b' }, { redirects: 0, currentUrl: 'wss://a.example/ws', pageSecure: true });
  assert.match(r.error, /wss:\/\//);
});

test('resumes go to the node that accepted the join; new joins alternate between it and the page\'s node', () => {
  assert.equal(signalingUrl({ resuming: false, originUrl: A, joinedUrl: null, attempt: 0 }), A, 'first join');
  assert.equal(signalingUrl({ resuming: false, originUrl: A, joinedUrl: A, attempt: 3 }), A, 'joined at home');
  for (let attempt = 0; attempt < 5; attempt++) {
    assert.equal(signalingUrl({ resuming: true, originUrl: A, joinedUrl: B, attempt }), B, `resume ${attempt}`);
  }
  assert.equal(signalingUrl({ resuming: false, originUrl: A, joinedUrl: B, attempt: 0 }), B);
  assert.equal(signalingUrl({ resuming: false, originUrl: A, joinedUrl: B, attempt: 1 }), A, 'a dead node cannot trap the page');
});

test('the join carries the token on another node only (the page\'s node has it on its URL)', () => {
  assert.deepEqual(joinMessage({ room: 'r', name: 'Ada', token: 'tok', url: A, originUrl: A }),
    { type: 'join', room: 'r', name: 'Ada' });
  assert.deepEqual(joinMessage({ room: 'r', name: 'Ada', token: 'tok', url: B, originUrl: A }),
    { type: 'join', room: 'r', name: 'Ada', token: 'tok' });
  assert.deepEqual(joinMessage({ room: 'r', name: 'Ada', token: null, url: B, originUrl: A }),
    { type: 'join', room: 'r', name: 'Ada' });
});
