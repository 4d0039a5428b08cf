import assert from 'node:assert/strict';
import {test} from 'node:test';
import {formatBytes, formatDuration} from '../../source/format/bytes.js';

test('formatBytes uses binary units with one decimal below 100', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(50 * 1024 * 1024), '50.0 MiB');
  assert.equal(formatBytes(300 * 1024 * 1024), '300 MiB');
  assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TiB');
});

test('formatDuration', () => {
  assert.equal(formatDuration(42.4), '42s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(3720), '1h02m');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '--');
  assert.equal(formatDuration(-1), '--');
});
