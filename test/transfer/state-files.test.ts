/** The resume state file, the stale-part rule and the hash cache file. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {
  HashCache,
  MAX_HASH_CACHE_ENTRIES,
  defaultStateDir,
} from '../../source/node/files/hash-cache.js';
import {
  hashCacheFile,
  STALE_HASH_CACHE_MS,
} from '../../source/node/files/hash-cache-files.js';
import {
  cleanStaleParts,
  readResumeState,
  STALE_PART_MS,
  writeResumeState,
} from '../../source/node/transfer/resume-state.js';

async function tempDir(t: {after: (fn: () => Promise<void>) => void}): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-state-'));
  t.after(() => fs.rm(directory, {recursive: true, force: true}));
  return directory;
}

const HASH = 'cd'.repeat(32);

test('resume state round-trips, and bad ranges are dropped on reading', async (t) => {
  const directory = await tempDir(t);
  const file = path.join(directory, 'x.part.state');
  await writeResumeState(file, {
    name: 'x',
    size: 100,
    sha256: HASH,
    done: [
      [0, 10],
      [20, 30],
    ],
  });
  assert.deepEqual(await readResumeState(file), {
    name: 'x',
    size: 100,
    sha256: HASH,
    done: [
      [0, 10],
      [20, 30],
    ],
  });
  assert.deepEqual(await fs.readdir(directory), ['x.part.state'], 'no temporary left');
  await fs.writeFile(
    file,
    JSON.stringify({
      format: 1,
      name: 'x',
      size: 100,
      sha256: HASH,
      done: [
        [5, 2],
        [90, 200],
        [1, 4],
      ],
    }),
  );
  assert.deepEqual((await readResumeState(file))?.done, [[1, 4]]);
  await fs.writeFile(file, '{not json');
  assert.equal(await readResumeState(file), undefined);
});

test('stale parts go after the stated age; fresh ones and their state stay', async (t) => {
  const directory = await tempDir(t);
  const now = Date.now();
  const old = new Date(now - STALE_PART_MS - 1000);
  for (const name of [
    'old.part',
    'old.part.state',
    'fresh.part',
    'fresh.part.state',
    'bare.part',
    'keep.txt',
  ]) {
    await fs.writeFile(path.join(directory, name), 'x');
  }
  await fs.utimes(path.join(directory, 'old.part.state'), old, old);
  await fs.utimes(path.join(directory, 'bare.part'), old, old);
  await fs.utimes(path.join(directory, 'keep.txt'), old, old);
  // A fresh part whose state is fresh stays even if the part itself is old.
  await fs.utimes(path.join(directory, 'fresh.part'), old, old);
  assert.deepEqual((await cleanStaleParts(directory, now)).sort(), [
    'bare.part',
    'old.part',
  ]);
  assert.deepEqual((await fs.readdir(directory)).sort(), [
    'fresh.part',
    'fresh.part.state',
    'keep.txt',
  ]);
});

test('the hash cache persists, forgets changed files, ignores a corrupt file', async (t) => {
  const directory = await tempDir(t);
  const file = path.join(directory, 'hashes.json');
  const log = () => undefined;
  const cache = new HashCache(file, log);
  cache.set('/share/a', {size: 5, mtimeMs: 1000, sha256: HASH});
  await cache.flush();
  const again = new HashCache(file, log);
  await again.load();
  assert.equal(again.get('/share/a', 5, 1000), HASH);
  assert.equal(again.get('/share/a', 6, 1000), undefined, 'size changed');
  assert.equal(again.get('/share/a', 5, 2000), undefined, 'mtime changed');
  assert.deepEqual(
    again.filesWith(HASH, 5).map((entry) => entry.file),
    ['/share/a'],
  );
  await fs.writeFile(file, 'garbage');
  const broken = new HashCache(file, log);
  await broken.load();
  assert.equal(broken.get('/share/a', 5, 1000), undefined);
});

test('the hash cache keeps hash-cache-entries, forgets the oldest, and says so once', () => {
  const lines: string[] = [];
  const cache = new HashCache(undefined, (_level, line) => lines.push(line));
  const record = {size: 1, mtimeMs: 1, sha256: HASH};
  for (let index = 0; index <= MAX_HASH_CACHE_ENTRIES + 1; index++) {
    cache.set(`/share/${index}`, record);
  }
  assert.equal(cache.get('/share/0', 1, 1), undefined);
  assert.equal(cache.get('/share/1', 1, 1), undefined);
  assert.equal(cache.get('/share/2', 1, 1), HASH);
  assert.equal(cache.get(`/share/${MAX_HASH_CACHE_ENTRIES + 1}`, 1, 1), HASH);
  assert.deepEqual(lines, [
    'limit hash-cache-entries hit by this node: forgot the hash of /share/0',
  ]);
});

test('each node port has its own hash cache file; port 0 and stateDir "" keep it in memory', () => {
  assert.equal(hashCacheFile('/s', 9000), path.join('/s', 'hashes-9000.json'));
  assert.notEqual(hashCacheFile('/s', 9000), hashCacheFile('/s', 9001));
  assert.equal(hashCacheFile('/s', 0), undefined);
  assert.equal(hashCacheFile('', 9000), undefined);
});

test('loading a node hash cache removes abandoned cache files, keeps the rest', async (t) => {
  const directory = await tempDir(t);
  const now = Date.now();
  const old = new Date(now - STALE_HASH_CACHE_MS - 60_000);
  const recent = new Date(now - STALE_HASH_CACHE_MS + 60_000);
  const aged = {
    'hashes.json': old, // the shared file of older versions
    'hashes-9001.json': old,
    'hashes-9002.json.1234.tmp': old, // a crash's leftover
    'hashes-9003.json': recent,
    'hashes-9000.json': old, // the loading node's own: it is in use
    'notes-9004.json': old, // not a cache file
  };
  for (const [name, time] of Object.entries(aged)) {
    const file = path.join(directory, name);
    await fs.writeFile(file, JSON.stringify({format: 1, files: []}));
    await fs.utimes(file, time, time);
  }
  const lines: string[] = [];
  const cache = new HashCache(path.join(directory, 'hashes-9000.json'), (_l, line) =>
    lines.push(line),
  );
  await cache.load(now);
  assert.deepEqual((await fs.readdir(directory)).sort(), [
    'hashes-9000.json',
    'hashes-9003.json',
    'notes-9004.json',
  ]);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^removed stale hash caches /);
});

test('the state directory follows XDG_STATE_HOME, else ~/.local/state', () => {
  assert.equal(
    defaultStateDir({XDG_STATE_HOME: '/x/state', HOME: '/home/me'}),
    '/x/state/filer-tui',
  );
  assert.equal(defaultStateDir({HOME: '/home/me'}), '/home/me/.local/state/filer-tui');
  assert.equal(
    defaultStateDir({XDG_STATE_HOME: 'relative', HOME: '/home/me'}),
    '/home/me/.local/state/filer-tui',
  );
});
