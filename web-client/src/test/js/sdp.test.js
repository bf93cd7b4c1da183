// The page's SDP reading (web/js/sdp.js): who each m-line carries, from captured and server-shaped SDPs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { mediaSections } from '../../main/resources/web/js/sdp.js';

/** A Chromium 156 offer captured in the browser tests (audio, video, and a second video; CRLF). */
const chromiumOffer = readFileSync(new URL('../../../../signaling/src/test/resources/sdp/chromium-156-offer-sendrecv.sdp',
  import.meta.url), 'utf8');

test('a captured Chromium offer: three sections with their kind, mid, direction, port and msid stream id', () => {
  const s = mediaSections(chromiumOffer);
  assert.equal(s.length, 3);
  assert.deepEqual(s.map((x) => x.kind), ['audio', 'video', 'video']);
  assert.deepEqual(s.map((x) => x.mid), ['0', '1', '2']);
  assert.equal(s[0].direction, 'sendrecv');
  assert.equal(s[0].port, 36359);
  assert.equal(s[0].streamId, '59001947-554f-4fad-b016-a32c9d9d37b9', 'the first token of a=msid');
  assert.equal(s[1].streamId, '59001947-554f-4fad-b016-a32c9d9d37b9');
});

/** A server offer as docs/signaling.md describes it: own m-lines first, receive m-lines after, one recycled. */
const serverOffer = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2 3',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=recvonly',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=recvonly',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:2', 'a=sendonly', 'a=msid:p-bob a-bob',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:3', 'a=inactive',
  'm=video 0 UDP/TLS/RTP/SAVPF 96', 'a=mid:4', 'a=sendonly', 'a=msid:p-cy v-cy',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:5', '',
].join('\n');

test('a server offer with LF line ends: sendonly with msid, inactive, a rejected (port 0) section, no direction', () => {
  const s = mediaSections(serverOffer);
  assert.equal(s.length, 6);
  assert.deepEqual(s[2], { kind: 'audio', mid: '2', direction: 'sendonly', streamId: 'p-bob', port: 9 });
  assert.deepEqual(s[3], { kind: 'video', mid: '3', direction: 'inactive', streamId: null, port: 9 });
  assert.equal(s[4].port, 0, 'a rejected section keeps its msid but port 0 says it carries no one');
  assert.equal(s[5].direction, 'sendrecv', 'no direction attribute means sendrecv (RFC 8866 6.7)');
});

test('session-level attributes before the first m-line belong to no section', () => {
  const s = mediaSections('v=0\r\na=sendonly\r\na=mid:x\r\nm=audio 9 RTP/AVP 0\r\na=mid:a\r\n');
  assert.deepEqual(s, [{ kind: 'audio', mid: 'a', direction: 'sendrecv', streamId: null, port: 9 }]);
});

test('an empty SDP has no sections; stray whitespace around lines is ignored', () => {
  assert.deepEqual(mediaSections(''), []);
  const s = mediaSections('m=video 9 UDP/TLS/RTP/SAVPF 96\r\n  a=mid:7  \r\na=recvonly \r\n');
  assert.equal(s[0].mid, '7');
  assert.equal(s[0].direction, 'recvonly');
});
