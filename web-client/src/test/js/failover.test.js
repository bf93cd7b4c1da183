// The failover decisions (web/js/failover.js): which node the next WebSocket goes to while the
// hosting node fails, the node list from the server, and the pace of retries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alternatives, endpoint, failoverDelayMs, failoverJoinTarget, FAILOVER_FAST_ATTEMPTS, FAILOVER_RETRY_MS,
  HOST_FAILURES_BEFORE_PROBE, MAX_NODES, nodeUrls, resumeTarget,
} from '../../main/resources/web/js/failover.js';

const A = 'ws://127.0.0.1:8080/ws?token=tok';
const A_LISTED = 'ws://127.0.0.1:8080/ws';
const B = 'ws://127.0.0.1:8081/ws';
const C = 'ws://127.0.0.1:8082/ws';

test('endpoint: a URL without its query, so the page\'s own URL with ?token= is the listed node', () => {
  assert.equal(endpoint(A), endpoint(A_LISTED));
  assert.notEqual(endpoint(A), endpoint(B));
  assert.equal(endpoint('not a url'), 'not a url');
});

test('nodeUrls: base URLs become /ws WebSockets; junk, duplicates and ws:// on a secure page are left out', () => {
  assert.deepEqual(nodeUrls(['http://127.0.0.1:8081', 'ws://127.0.0.1:8082/ws', 'ws://127.0.0.1:8082/ws', 'ftp://x/',
    42, '', 'https://sfu-3.example.com/'], { currentUrl: A }),
  [B, C, 'wss://sfu-3.example.com/ws']);
  assert.deepEqual(nodeUrls(['ws://127.0.0.1:8081/ws', 'wss://sfu-3.example.com/ws'], { currentUrl: A, pageSecure: true }),
    ['wss://sfu-3.example.com/ws']);
  assert.deepEqual(nodeUrls(undefined, { currentUrl: A }), []);
  assert.deepEqual(nodeUrls('ws://x/ws', { currentUrl: A }), [], 'not a list');
  const many = Array.from({ length: 40 }, (_, i) => `ws://10.0.0.${i}:8080/ws`);
  assert.equal(nodeUrls(many, { currentUrl: A }).length, MAX_NODES);
});

test('alternatives: the page\'s own node first (with its token), then the listed ones, never the avoided one', () => {
  assert.deepEqual(alternatives({ originUrl: A, nodes: [A_LISTED, B, C], avoidUrl: B }), [A, C]);
  assert.deepEqual(alternatives({ originUrl: B, nodes: [A_LISTED, B], avoidUrl: B }), [A_LISTED],
    'a page loaded from the dead node goes to a listed one');
  assert.deepEqual(alternatives({ originUrl: A, nodes: [], avoidUrl: A }), [], 'a single node: nowhere else');
});

test('resumeTarget: the hosting node first; after 3 failures another node and the hosting node take turns', () => {
  const others = [A, C];
  const seen = [];
  for (let failures = 0; failures < HOST_FAILURES_BEFORE_PROBE + 6; failures++) {
    const t = resumeTarget({ joinedUrl: B, others, failures });
    seen.push(t.probe ? `probe ${t.url}` : t.url);
  }
  assert.deepEqual(seen, [B, B, B, `probe ${A}`, B, `probe ${C}`, B, `probe ${A}`, B]);
});

test('resumeTarget: with no other node known (a single node) the page only ever resumes', () => {
  for (let failures = 0; failures < 20; failures++) {
    assert.deepEqual(resumeTarget({ joinedUrl: A, others: [], failures }), { url: A, probe: false });
  }
});

test('failoverJoinTarget: joins after a failover rotate over the live nodes, never the dead one while others exist', () => {
  const urls = [0, 1, 2, 3].map((attempt) => failoverJoinTarget({ originUrl: A, nodes: [A_LISTED, B, C], downUrl: B, attempt }));
  assert.deepEqual(urls, [A, C, A, C]);
  assert.equal(failoverJoinTarget({ originUrl: B, nodes: [B], downUrl: B, attempt: 3 }), B, 'nothing else known');
});

test('failoverDelayMs: fast (400 ms +-25 %) for 20 attempts, then doubling up to the cap', () => {
  for (let i = 0; i < FAILOVER_FAST_ATTEMPTS; i++) {
    const d = failoverDelayMs(i);
    assert.ok(d >= FAILOVER_RETRY_MS * 0.75 && d <= FAILOVER_RETRY_MS * 1.25, `${d}`);
  }
  assert.equal(failoverDelayMs(FAILOVER_FAST_ATTEMPTS, { random: () => 0.5 }), FAILOVER_RETRY_MS * 2);
  assert.equal(failoverDelayMs(100, { random: () => 0.5, maxMs: 10000 }), 10000);
});
