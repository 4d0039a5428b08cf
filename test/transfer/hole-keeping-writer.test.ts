import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  HoleKeepingWriter,
  isAllZero,
} from '../../source/node/transfer/hole-keeping-writer.js';
import type {WriteAt} from '../../source/node/transfer/write-at.js';

function recorder() {
  const writes: Array<[position: number, length: number]> = [];
  const write: WriteAt = async (_fd, _buffer, length, position) => {
    writes.push([position, length]);
  };
  return {writes, write};
}

test('zero batches into never-written regions of a fresh part are skipped', async () => {
  const {writes, write} = recorder();
  const writer = new HoleKeepingWriter(write, true);
  const zeros = Buffer.alloc(4096);
  const data = Buffer.alloc(4096, 7);
  await writer.writeAt(3, zeros, 4096, 0);
  await writer.writeAt(3, data, 4096, 4096);
  // Overlaps a region written before (a retried range): written, whatever it holds.
  await writer.writeAt(3, zeros, 4096, 6000);
  await writer.writeAt(3, zeros, 100, 20_000);
  assert.deepEqual(writes, [
    [4096, 4096],
    [6000, 4096],
  ]);
  assert.equal(writer.skippedBytes, 4096 + 100);
});

test('a part continued from an earlier fetch gets every batch written', async () => {
  const {writes, write} = recorder();
  const writer = new HoleKeepingWriter(write, false);
  await writer.writeAt(3, Buffer.alloc(10), 10, 0);
  assert.deepEqual(writes, [[0, 10]]);
});

test('isAllZero looks at the given length only, past 1 MiB too', () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 5);
  assert.equal(isAllZero(big, big.length), true);
  big[big.length - 1] = 1;
  assert.equal(isAllZero(big, big.length), false);
  assert.equal(isAllZero(big, big.length - 1), true);
  big[2 * 1024 * 1024] = 9;
  assert.equal(isAllZero(big, big.length - 1), false);
});
