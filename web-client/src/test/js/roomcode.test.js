// Room codes and display names (web/js/roomcode.js): the same rules the server applies to `join`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM_PATTERN, isValidName, isValidRoom, randomRoomCode } from '../../main/resources/web/js/roomcode.js';

test('random room codes read "adjective-animal-NN" and are accepted by the server rule', () => {
  const seen = new Set();
  for (let i = 0; i < 2000; i++) {
    const code = randomRoomCode();
    assert.match(code, /^[a-z]+-[a-z]+-[1-9][0-9]$/);
    assert.ok(isValidRoom(code), code);
    seen.add(code);
  }
  // 40 x 40 x 90 = 144,000 codes: 2,000 draws repeat a few at most.
  assert.ok(seen.size > 1950, `only ${seen.size} distinct codes in 2000`);
});

test('room codes: 1 to 64 letters, digits, dashes or underscores', () => {
  for (const ok of ['a', 'Z9', 'brave-otter-42', 'snake_case', 'x'.repeat(64)]) assert.ok(isValidRoom(ok), ok);
  for (const bad of ['', 'x'.repeat(65), 'with space', 'dot.ted', 'ümlaut', 'slash/', 'new\nline', 'a\u0000']) {
    assert.equal(isValidRoom(bad), false, JSON.stringify(bad));
  }
  assert.equal(ROOM_PATTERN.flags, '', 'no flags: a multi-line input cannot match per line');
});

test('names: 1 to 64 characters after trimming', () => {
  assert.ok(isValidName('Ada'));
  assert.ok(isValidName('  Ada  '));
  assert.ok(isValidName('n'.repeat(64)));
  assert.ok(isValidName(` ${'n'.repeat(64)} `), 'trimmed first');
  assert.equal(isValidName(''), false);
  assert.equal(isValidName('   '), false);
  assert.equal(isValidName('n'.repeat(65)), false);
});
