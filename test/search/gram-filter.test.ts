/**
 * The query table as pure parts: a key that is a substring of a shared name
 * always may match (no false negatives), other keys are mostly ruled out,
 * and the QTAB reply is parsed strictly.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {
  formatTableReply,
  parseTableReply,
} from '../../source/protocol/query-table-messages.js';
import {
  buildGramFilter,
  mayContain,
  MIN_TABLE_BYTES,
} from '../../source/node/search/gram-filter.js';

const BYTES = fc
  .uint8Array({minLength: 0, maxLength: 40})
  .map((bytes) => Buffer.from(bytes).toString('latin1'));

test('every substring of every name may match its table (fixed seed)', () => {
  fc.assert(
    fc.property(
      fc.array(BYTES, {maxLength: 30}),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      (names, pick, start, length) => {
        const filter = buildGramFilter(names, 1024);
        const name = names.length > 0 ? (names[pick % names.length] ?? '') : '';
        const from = name.length > 0 ? start % name.length : 0;
        const key = name.slice(from, from + (length % 12));
        return mayContain(filter, key);
      },
    ),
    {seed: 8, numRuns: 500},
  );
});

test('a key shorter than a gram may match anything; others are mostly ruled out', () => {
  const filter = buildGramFilter(['holiday-photo.jpg', 'song.mp3'], 32 * 1024);
  assert.equal(filter.bits.length, MIN_TABLE_BYTES);
  assert.ok(mayContain(filter, 'zz'));
  assert.ok(mayContain(filter, ''));
  assert.ok(mayContain(filter, 'day-ph'));
  const misses = Array.from({length: 200}, (_, index) => `key${index}x`).filter((key) =>
    mayContain(filter, key),
  );
  assert.ok(misses.length < 10, `${misses.length} of 200 absent keys may match`);
});

test('a table grows with its names, up to the bound', () => {
  const names = Array.from({length: 2_000}, (_, index) => `file-${index}-name.txt`);
  assert.equal(buildGramFilter(names, 1_024).bits.length, 1_024, 'cut at the bound');
  const all = buildGramFilter(names, 32 * 1024).bits.length;
  const few = buildGramFilter(names.slice(0, 50), 32 * 1024).bits.length;
  assert.ok(few < all && all < 32 * 1024, `${few} and ${all} bytes`);
});

test('a QTAB reply round-trips; anything else is refused', () => {
  const bounds = {maxBytes: 1024, maxHashes: 16};
  const table = {version: 42, hashes: 3, bits: new Uint8Array(64).fill(5)};
  assert.deepEqual(parseTableReply(formatTableReply(table), bounds), table);
  const refused = [
    Buffer.from('1 42 3 64\n'),
    Buffer.concat([Buffer.from('2 42 3 64\n'), Buffer.alloc(64)]),
    Buffer.concat([Buffer.from('1 42 3 2048\n'), Buffer.alloc(2048)]),
    Buffer.concat([Buffer.from('1 42 3 96\n'), Buffer.alloc(96)]),
    Buffer.concat([Buffer.from('1 42 17 64\n'), Buffer.alloc(64)]),
    Buffer.concat([Buffer.from('1 -1 3 64\n'), Buffer.alloc(64)]),
    Buffer.concat([Buffer.from('1 42 3 64 x\n'), Buffer.alloc(64)]),
    Buffer.from('no header at all'),
  ];
  for (const data of refused) {
    assert.throws(
      () => parseTableReply(data, bounds),
      /QTAB|table version/,
      String(data),
    );
  }
});
