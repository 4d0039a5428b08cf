import assert from 'node:assert/strict';
import {test} from 'node:test';
import {MalformedMessageError} from '../../source/protocol/errors.js';
import {
  formatFileInfo,
  formatRangeRequest,
  parseFileInfo,
  parseRangeRequest,
} from '../../source/protocol/transfer-messages.js';

const HASH = 'ab'.repeat(32);

test('FINF replies: size and hash, or "-" while not hashed; sizes past 32 bits', () => {
  assert.equal(formatFileInfo({size: 6 * 2 ** 30, sha256: HASH}), `6442450944 ${HASH}`);
  assert.deepEqual(parseFileInfo(`6442450944 ${HASH}`), {size: 6442450944, sha256: HASH});
  assert.deepEqual(parseFileInfo('0 -'), {size: 0});
  for (const bad of [
    '',
    '12',
    `12 ${HASH} x`,
    `-1 ${HASH}`,
    `1e3 ${HASH}`,
    '12 ABC',
    `012 ${HASH}`,
    `99999999999999999 ${HASH}`,
  ]) {
    assert.throws(() => parseFileInfo(bad), MalformedMessageError, bad);
  }
});

test('FRNG requests: 64-bit offsets, names with spaces, one frame at most', () => {
  const name = 'my big file.iso';
  const request = {offset: 5 * 2 ** 30 + 7, length: 1024, wireName: Buffer.from(name)};
  const data = formatRangeRequest(request);
  assert.equal(data.toString('latin1'), '5368709127 1024 my big file.iso');
  assert.deepEqual(parseRangeRequest(data.toString('utf8')), {
    ...request,
    wireName: name,
  });
  // A name that is not UTF-8 travels as its exact bytes.
  const latin = formatRangeRequest({
    offset: 0,
    length: 1,
    wireName: Buffer.from([0x63, 0xe9]),
  });
  assert.deepEqual([...latin.subarray(-2)], [0x63, 0xe9]);
  assert.deepEqual(parseRangeRequest(`0 ${2 ** 32 - 1} x`).length, 2 ** 32 - 1);
  for (const bad of [
    '',
    '1 2',
    `0 ${2 ** 32} x`,
    '-1 2 x',
    '1 -2 x',
    'a 2 x',
    '1  2 x',
  ]) {
    assert.throws(() => parseRangeRequest(bad), MalformedMessageError, bad);
  }
});
