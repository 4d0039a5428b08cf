/** How many 1 MiB receive batches a fetch holds: bounded whatever the number of sources. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  batchesPerReceiver,
  giveBackBatches,
  takeBatches,
} from '../../source/node/transfer/receive-batches.js';

test('one source gets eight batches; several share at most twelve, at least one each', () => {
  assert.equal(batchesPerReceiver(1), 8);
  assert.equal(batchesPerReceiver(2), 4);
  assert.equal(batchesPerReceiver(3), 4);
  for (let receivers = 2; receivers <= 64; receivers++) {
    const each = batchesPerReceiver(receivers);
    assert.ok(each >= 1, `${receivers} receivers get ${each} each`);
    assert.ok(
      each * receivers <= Math.max(12, receivers),
      `${receivers} receivers hold ${each * receivers}`,
    );
  }
});

test('batches given back are reused by the next receiver; at most sixteen are kept', () => {
  const first = takeBatches(4);
  assert.ok(first.every((batch) => batch.buffer instanceof SharedArrayBuffer));
  giveBackBatches(first);
  assert.deepEqual(new Set(takeBatches(4)), new Set(first));
  const many = takeBatches(40);
  giveBackBatches(many);
  const next = takeBatches(40);
  assert.equal(next.filter((batch) => many.includes(batch)).length, 16);
});
