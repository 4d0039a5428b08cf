/**
 * The readme lists every limit with its default, and any table row in the
 * docs that names a limit shows its default: code and docs cannot drift.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import {test} from 'node:test';
import {formatLimit, LIMIT_DEFAULTS, type LimitName} from '../../source/node/limits.js';

const ROW = /^\| `([a-z-]+)` +\| ([^|]+?) +\|/gm;

async function limitRows(file: string): Promise<Map<string, string>> {
  const text = await fs.readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
  return new Map(
    [...text.matchAll(ROW)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );
}

function isLimitName(name: string): name is LimitName {
  return Object.hasOwn(LIMIT_DEFAULTS, name);
}

test('the readme lists every limit with its default', async () => {
  const rows = await limitRows('readme.md');
  for (const [name, spec] of Object.entries(LIMIT_DEFAULTS)) {
    assert.equal(rows.get(name), formatLimit(spec), `readme row for ${name}`);
  }
});

test('every limit named in a docs table shows its default', async () => {
  for (const file of ['readme.md', 'docs/protocol.md']) {
    for (const [name, value] of await limitRows(file)) {
      if (!isLimitName(name)) continue;
      assert.equal(value, formatLimit(LIMIT_DEFAULTS[name]), `${file}: ${name}`);
    }
  }
});

test('defaults read as people write them', () => {
  assert.equal(formatLimit({value: 10_000, unit: 'ms', what: ''}), '10 s');
  assert.equal(formatLimit({value: 250, unit: 'ms', what: ''}), '250 ms');
  assert.equal(formatLimit({value: 65_536, unit: 'bytes', what: ''}), '64 KiB');
  assert.equal(formatLimit({value: 1_000, unit: 'bytes', what: ''}), '1,000 bytes');
  assert.equal(formatLimit({value: 100_000, unit: 'count', what: ''}), '100,000');
});
