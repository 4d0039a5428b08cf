import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  alternativeName,
  partFileName,
  truncateUtf8,
} from '../../source/node/transfer/download-names.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

test('a short name gets ".part"; a long one a cut name, a hash, and ".part"', () => {
  assert.equal(partFileName('song.mp3'), 'song.mp3.part');
  const long = `${'é'.repeat(125)}.bin`; // 254 bytes
  const part = partFileName(long);
  assert.ok(bytes(part) <= 255, part);
  assert.match(part, /~[0-9a-f]{12}\.part$/);
  // Names that share their first bytes still get different part files.
  assert.notEqual(part, partFileName(`${'é'.repeat(125)}.bim`));
  assert.ok(bytes(partFileName('a'.repeat(255), '.12.part')) <= 255);
});

test('a taken long name gets its counter within 255 bytes, extension kept', () => {
  const long = `${'a'.repeat(251)}.bin`;
  const second = alternativeName(long, 1);
  assert.ok(bytes(second) <= 255);
  assert.match(second, / \(1\)\.bin$/);
});

test('truncateUtf8 cuts at whole characters only', () => {
  assert.equal(truncateUtf8('héllo', 2), 'h');
  assert.equal(truncateUtf8('héllo', 3), 'hé');
  assert.equal(truncateUtf8('😀😀', 5), '😀');
  assert.equal(truncateUtf8('abc', 10), 'abc');
});
