/**
 * The free-space check before a ranged fetch writes its part: the figure is
 * the space this user may take (statfs bavail), and a disk that cannot tell
 * blocks nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {ensureFreeSpace} from '../../source/node/transfer/part-preparation.js';
import {NoSpaceError} from '../../source/node/transfer/transfer-errors.js';

const MiB = 1024 * 1024;

test('more than the free space is refused with the free space for this user in the line', async (t) => {
  const downloadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-space-'));
  t.after(() => fs.rm(downloadDir, {recursive: true, force: true}));
  await ensureFreeSpace({downloadDir}, 0);
  const needed = Number.MAX_SAFE_INTEGER;
  const error = await ensureFreeSpace({downloadDir}, needed).then(
    () => assert.fail('a petabyte-scale need was not refused'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof NoSpaceError);
  const match = /^not enough free space in (.*): (\d+) bytes to fetch, (\d+) free$/.exec(
    error.message,
  );
  assert.ok(match, error.message);
  assert.equal(match[1], downloadDir);
  assert.equal(Number(match[2]), needed);
  const stats = await fs.statfs(downloadDir);
  const available = stats.bavail * stats.bsize;
  // Other programs write meanwhile: close to what statfs says now, not the disk's size.
  assert.ok(
    Math.abs(Number(match[3]) - available) < 256 * MiB,
    `${match[3]} free, statfs says ${available}`,
  );
  if (stats.blocks * stats.bsize - available > 512 * MiB) {
    assert.ok(Number(match[3]) < stats.blocks * stats.bsize - 256 * MiB);
  }
});

test('free space that cannot be told blocks nothing', async () => {
  await ensureFreeSpace({downloadDir: '/nonexistent/filer-downloads'}, 1);
  await ensureFreeSpace(
    {downloadDir: '/tmp', freeSpace: () => Promise.reject(new Error('EIO'))},
    Number.MAX_SAFE_INTEGER,
  );
  await assert.rejects(
    ensureFreeSpace({downloadDir: '/tmp', freeSpace: async () => MiB}, MiB + 1),
    {message: `not enough free space in /tmp: ${MiB + 1} bytes to fetch, ${MiB} free`},
  );
  await ensureFreeSpace({downloadDir: '/tmp', freeSpace: async () => MiB}, MiB);
});
