import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  addRange,
  coveredBytes,
  mergeRanges,
  missingPieces,
  prefixEnd,
} from '../../source/node/transfer/byte-ranges.js';

test('ranges merge when they touch or overlap, in any order', () => {
  assert.deepEqual(
    mergeRanges([
      [10, 20],
      [0, 5],
      [5, 8],
      [15, 30],
    ]),
    [
      [0, 8],
      [10, 30],
    ],
  );
  assert.deepEqual(addRange([[0, 8]], [8, 9]), [[0, 9]]);
  assert.equal(
    coveredBytes([
      [0, 8],
      [10, 30],
    ]),
    28,
  );
  assert.equal(
    prefixEnd([
      [0, 8],
      [10, 30],
    ]),
    8,
  );
  assert.equal(prefixEnd([[1, 8]]), 0);
});

test('missing pieces cover exactly the gaps, cut to size, also past 4 GiB', () => {
  assert.deepEqual(missingPieces([[2, 4]], 10, 3), [
    [0, 2],
    [4, 7],
    [7, 10],
  ]);
  assert.deepEqual(missingPieces([], 0, 3), []);
  const size = 6 * 2 ** 30 + 1;
  const pieces = missingPieces([[0, 2 ** 32]], size, 2 ** 30);
  assert.deepEqual(pieces[0], [2 ** 32, 2 ** 32 + 2 ** 30]);
  assert.equal(pieces.at(-1)?.[1], size);
  assert.equal(coveredBytes(pieces), size - 2 ** 32);
});
