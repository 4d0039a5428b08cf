import assert from 'node:assert/strict';
import {test} from 'node:test';
import {KnownMemories} from '../../source/node/transfer/known-memories.js';

function table(capacity: number): {
  memories: KnownMemories;
  sent: Array<[SharedArrayBuffer, number]>;
} {
  const sent: Array<[SharedArrayBuffer, number]> = [];
  const memories = new KnownMemories(
    (memory, index) => sent.push([memory, index]),
    capacity,
  );
  return {memories, sent};
}

const nothingHeld = (): boolean => false;

function memories(count: number): SharedArrayBuffer[] {
  return Array.from({length: count}, () => new SharedArrayBuffer(8));
}

test('a memory is sent once and then named by its index', () => {
  const {memories: known, sent} = table(4);
  const [a, b] = memories(2) as [SharedArrayBuffer, SharedArrayBuffer];
  assert.equal(known.indexOf(a, nothingHeld), 0);
  assert.equal(known.indexOf(b, nothingHeld), 1);
  assert.equal(known.indexOf(a, nothingHeld), 0);
  assert.deepEqual(sent, [
    [a, 0],
    [b, 1],
  ]);
  assert.equal(known.sent, 2);
});

test('a full table gives a new memory the index used longest ago that no offer holds', () => {
  const {memories: known, sent} = table(3);
  const [a, b, c, d, e] = memories(5) as [
    SharedArrayBuffer,
    SharedArrayBuffer,
    SharedArrayBuffer,
    SharedArrayBuffer,
    SharedArrayBuffer,
  ];
  for (const memory of [a, b, c]) known.indexOf(memory, nothingHeld);
  known.indexOf(a, nothingHeld); // a used last: b is the oldest, then c
  const held = new Set([1]); // b's index is held by an offer
  assert.equal(
    known.indexOf(d, (index) => held.has(index)),
    2,
    "takes c's index",
  );
  assert.equal(known.indexOf(e, nothingHeld), 1, "then b's");
  assert.equal(known.indexOf(b, nothingHeld), 0, 'b comes back under the oldest, a');
  assert.deepEqual(
    sent.slice(3).map(([, index]) => index),
    [2, 1, 0],
  );
});

test('when every index is held a new memory gets none (its batch is read back instead)', () => {
  const {memories: known, sent} = table(2);
  const [a, b, c] = memories(3) as [
    SharedArrayBuffer,
    SharedArrayBuffer,
    SharedArrayBuffer,
  ];
  known.indexOf(a, nothingHeld);
  known.indexOf(b, nothingHeld);
  assert.equal(
    known.indexOf(c, () => true),
    undefined,
  );
  assert.equal(sent.length, 2, 'nothing sent');
  assert.equal(
    known.indexOf(a, () => true),
    0,
    'known ones still work',
  );
});
