import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {PrefixHasher} from '../../source/node/transfer/prefix-hasher.js';

test('the hash of a file filled out of order, partly offered from memory', async (t) => {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-hasher-'));
  t.after(() => fs.rm(directory, {recursive: true, force: true}));
  const content = randomBytes(3 * 1024 * 1024 + 17);
  const file = path.join(directory, 'part');
  await fs.writeFile(file, content);
  const handle = await fs.open(file, 'r');
  t.after(() => handle.close());
  const expected = createHash('sha256').update(content).digest('hex');

  const hasher = new PrefixHasher(handle.fd, content.length);
  const mid = 1024 * 1024;
  hasher.markWritten(2 * mid, content.length); // a later range first: nothing to hash yet
  hasher.offer(0, content.subarray(0, mid)); // in line: hashed from memory
  hasher.offer(2 * mid, content.subarray(2 * mid)); // not in line: ignored
  hasher.markWritten(0, mid); // already hashed: nothing to read
  hasher.markWritten(mid, 2 * mid); // the gap: read back, then the rest
  assert.equal(await hasher.digest(), expected);
});
