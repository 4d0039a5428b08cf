/**
 * The part ledger alone: which bytes of a part are written and who sent
 * them, and its resume state: saved at once or at most twice a second,
 * replaced whole, and taken on resume only when it is for the same content.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {PartLedger, type LedgerFiles} from '../../source/node/transfer/part-ledger.js';
import {
  readResumeState,
  writeResumeState,
} from '../../source/node/transfer/resume-state.js';

const HASH = 'ab'.repeat(32);
const OTHER_HASH = 'cd'.repeat(32);
const SIZE = 1000;

type Setup = {
  files: LedgerFiles;
  directory: string;
  lines: string[];
  clock: {now: number};
  /** A ledger of data.bin for content `hash` (undefined: not announced). */
  ledger: (hash: string | undefined) => PartLedger;
};

async function setUp(t: TestContext): Promise<Setup> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'filer-ledger-'));
  t.after(() => fs.rm(directory, {recursive: true, force: true}));
  const partPath = path.join(directory, 'data.bin.part');
  const files = {partPath, statePath: `${partPath}.state`, name: 'data.bin', size: SIZE};
  const lines: string[] = [];
  const clock = {now: 1_000_000};
  const deps = {
    now: () => clock.now,
    log: (level: string, line: string) => lines.push(`${level} ${line}`),
  };
  return {
    files,
    directory,
    lines,
    clock,
    ledger: (hash) => new PartLedger(files, hash, deps),
  };
}

test('written ranges merge; each range is known by who sent it until it is forgotten', async (t) => {
  const {ledger} = await setUp(t);
  const part = ledger(HASH);
  part.markWritten(0, 10, 'a');
  part.markWritten(10, 20, 'b');
  part.markWritten(30, 40, 'a');
  assert.deepEqual(part.written, [
    [0, 20],
    [30, 40],
  ]);
  assert.equal(part.covered(), 30);
  assert.deepEqual(part.sendersOf(5, 15), ['a', 'b']);
  assert.deepEqual(part.sendersOf(9, 10), ['a'], 'ends are exclusive');
  assert.deepEqual(part.sendersOf(10, 11), ['b']);
  assert.deepEqual(part.sendersOf(20, 30), [], 'nobody sent the gap');
  assert.deepEqual(part.sendersOf(19, 31), ['a', 'b']);

  part.forget([[5, 12]]);
  assert.deepEqual(part.written, [
    [0, 5],
    [12, 20],
    [30, 40],
  ]);
  assert.equal(part.covered(), 23);
  assert.deepEqual(part.sendersOf(5, 12), [], 'forgotten bytes have no sender');
  assert.deepEqual(part.sendersOf(0, 12), ['a']);
  assert.deepEqual(part.sendersOf(11, 13), ['b']);
  part.markWritten(5, 12, 'c');
  assert.deepEqual(part.sendersOf(5, 12), ['c'], 'fetched again: only the new sender');
});

test('the state is saved at once when asked, else at most every 500 ms, and read back whole', async (t) => {
  const {files, directory, clock, ledger} = await setUp(t);
  const part = ledger(HASH);
  part.markWritten(0, 100, 'a');
  await part.save(true);
  const saved = {name: 'data.bin', size: SIZE, sha256: HASH, done: [[0, 100]]};
  assert.deepEqual(await readResumeState(files.statePath), saved);

  part.markWritten(200, 300, 'b');
  clock.now += 499;
  await part.save(false);
  assert.deepEqual(await readResumeState(files.statePath), saved, 'too soon');
  clock.now += 1;
  await part.save(false);
  assert.deepEqual((await readResumeState(files.statePath))?.done, [
    [0, 100],
    [200, 300],
  ]);
  part.markWritten(300, 400, 'b');
  await part.save(true);
  assert.deepEqual(
    (await readResumeState(files.statePath))?.done,
    [
      [0, 100],
      [200, 400],
    ],
    'at once is at once, however soon',
  );
  assert.deepEqual(
    (await fs.readdir(directory)).sort(),
    ['data.bin.part.state'],
    'no temporary left',
  );
});

test('saves that overlap end with the newest state and no failure', async (t) => {
  const {files, lines, clock, ledger} = await setUp(t);
  const part = ledger(HASH);
  for (let round = 0; round < 20; round++) {
    // As a fetch does: a timed save still running when the final one starts.
    part.markWritten(round * 10, round * 10 + 5, 'a');
    clock.now += 1000;
    const timed = part.save(false);
    part.markWritten(round * 10 + 5, round * 10 + 10, 'a');
    await Promise.all([timed, part.save(true)]);
    assert.deepEqual(lines, [], `round ${round}`);
    assert.deepEqual((await readResumeState(files.statePath))?.done, [
      [0, round * 10 + 10],
    ]);
  }
});

test('a state removed while a timed save runs stays removed, and none is saved after', async (t) => {
  const {directory, lines, clock, ledger} = await setUp(t);
  const part = ledger(HASH);
  part.markWritten(0, 10, 'a');
  clock.now += 1000;
  const timed = part.save(false); // as a fetch ends right after its last bytes
  await part.discardState();
  await timed;
  await part.save(true);
  assert.deepEqual(await fs.readdir(directory), [], 'no state, no temporary');
  assert.deepEqual(lines, []);
});

test('without a content hash nothing is saved; a failed save is one line, the old state intact', async (t) => {
  const {files, lines, ledger} = await setUp(t);
  const unknown = ledger(undefined);
  unknown.markWritten(0, 10, 'a');
  await unknown.save(true);
  await assert.rejects(fs.stat(files.statePath), {code: 'ENOENT'});

  const part = ledger(HASH);
  part.markWritten(0, 10, 'a');
  await part.save(true);
  // The temporary cannot be written: the state it would replace stays whole.
  await fs.mkdir(`${files.statePath}.tmp`);
  part.markWritten(10, 20, 'a');
  await part.save(true);
  assert.deepEqual((await readResumeState(files.statePath))?.done, [[0, 10]]);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^warn cannot save resume state: /);
});

test('resume takes the state of the same content, with the kept bytes named as such', async (t) => {
  const {files, lines, ledger} = await setUp(t);
  assert.equal(await ledger(HASH).resume(), 0, 'no part file: nothing to resume');
  assert.deepEqual(lines, []);

  await fs.writeFile(files.partPath, Buffer.alloc(SIZE));
  const first = ledger(HASH);
  first.markWritten(0, 100, 'a');
  first.markWritten(500, 600, 'b');
  await first.save(true);

  const again = ledger(HASH);
  assert.equal(await again.resume(), 200);
  assert.deepEqual(again.written, [
    [0, 100],
    [500, 600],
  ]);
  assert.deepEqual(again.sendersOf(0, SIZE), ['the kept part']);
  again.markWritten(100, 500, 'c');
  assert.deepEqual(again.sendersOf(50, 150), ['the kept part', 'c']);
  assert.deepEqual(lines, ['info resuming data.bin: 200 of 1000 bytes kept']);
});

test('a state for other content, a bad or missing state, or a part too long: fetched from the start', async (t) => {
  const {files, lines, ledger} = await setUp(t);
  await fs.writeFile(files.partPath, Buffer.alloc(SIZE));
  const state = {
    name: 'data.bin',
    size: SIZE,
    sha256: HASH,
    done: [[0, 100]] as Array<[number, number]>,
  };
  const cases: Array<{why: string; prepare: () => Promise<unknown>}> = [
    {
      why: 'the part file holds other content',
      prepare: () => writeResumeState(files.statePath, {...state, sha256: OTHER_HASH}),
    },
    {
      why: 'the part file holds other content',
      prepare: () => writeResumeState(files.statePath, {...state, size: SIZE + 1}),
    },
    {
      why: 'the part file has no resume state',
      prepare: () => fs.writeFile(files.statePath, '{"format": 1, "name": "data.bin"'),
    },
    {
      why: 'the part file has no resume state',
      prepare: () => fs.rm(files.statePath),
    },
    {
      why: 'the part file is longer than the file',
      prepare: async () => {
        await writeResumeState(files.statePath, state);
        await fs.writeFile(files.partPath, Buffer.alloc(SIZE + 1));
      },
    },
  ];
  for (const {why, prepare} of cases) {
    await prepare();
    lines.length = 0;
    const part = ledger(HASH);
    assert.equal(await part.resume(), 0, why);
    assert.deepEqual(part.written, [], why);
    assert.deepEqual(lines, [`info fetching data.bin from the start: ${why}`]);
  }
});

test('sources that do not know the hash yet: the one in a state of the same size stands', async (t) => {
  const {files, lines, ledger} = await setUp(t);
  await fs.writeFile(files.partPath, Buffer.alloc(SIZE));
  await writeResumeState(files.statePath, {
    name: 'data.bin',
    size: SIZE,
    sha256: HASH,
    done: [[0, 100]],
  });
  const unknown = ledger(undefined);
  assert.equal(await unknown.resume(), 100);
  assert.equal(unknown.sha256, HASH, 'the whole file is checked against it at the end');
  assert.match(lines[0] ?? '', /^info data\.bin: the sources have not hashed it yet/);

  await writeResumeState(files.statePath, {
    name: 'data.bin',
    size: SIZE + 1,
    sha256: HASH,
    done: [[0, 100]],
  });
  lines.length = 0;
  const other = ledger(undefined);
  assert.equal(await other.resume(), 0);
  assert.equal(other.sha256, undefined);
  assert.deepEqual(lines, [
    'info fetching data.bin from the start: the sources did not tell the content hash yet',
  ]);
});
