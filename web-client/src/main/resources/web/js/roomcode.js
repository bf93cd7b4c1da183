// Readable room codes such as "brave-otter-42", and the rules the server applies to names.

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosy', 'crisp', 'daring', 'eager',
  'fancy', 'gentle', 'glad', 'golden', 'happy', 'jolly', 'keen', 'kind', 'lively', 'lucky',
  'mellow', 'merry', 'misty', 'noble', 'polite', 'proud', 'quick', 'quiet', 'rapid', 'shiny',
  'silver', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'witty', 'young', 'zesty',
];
const ANIMALS = [
  'badger', 'bison', 'crane', 'dingo', 'eagle', 'falcon', 'ferret', 'finch', 'fox', 'gecko',
  'heron', 'ibis', 'koala', 'lemur', 'lynx', 'marten', 'moose', 'newt', 'ocelot', 'otter',
  'owl', 'panda', 'puffin', 'quail', 'raven', 'robin', 'seal', 'sloth', 'swan', 'tapir',
  'tiger', 'toucan', 'turtle', 'walrus', 'wombat', 'yak', 'zebra', 'hare', 'mole', 'wren',
];

/** The pattern the server accepts for room codes (docs/signaling.md, `join`). */
export const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Returns a random code "adjective-animal-NN" drawn with the platform's CSPRNG. */
export function randomRoomCode() {
  const r = new Uint32Array(3);
  crypto.getRandomValues(r);
  const adjective = ADJECTIVES[r[0] % ADJECTIVES.length];
  const animal = ANIMALS[r[1] % ANIMALS.length];
  const number = 10 + (r[2] % 90);
  return `${adjective}-${animal}-${number}`;
}

/** True when the server will accept this room code. */
export function isValidRoom(code) {
  return ROOM_PATTERN.test(code);
}

/** True when the server will accept this display name (1-64 characters after trimming). */
export function isValidName(name) {
  const n = name.trim();
  return n.length >= 1 && n.length <= 64;
}
