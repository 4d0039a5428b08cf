/**
 * The piece scheduler alone, against small FRNG servers on loopback whose
 * every reply the test chooses: piece sizes, each missing byte written once,
 * a failed piece going back from its first unwritten byte, sources given up,
 * work stealing near the end, and failures of this machine stopping every
 * lane at once.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {
  addRange,
  coveredBytes,
  mergeRanges,
  subtractRanges,
  type Range,
} from '../../source/node/transfer/byte-ranges.js';
import type {Source} from '../../source/node/transfer/fetch-file.js';
import {
  PieceScheduler,
  type PieceSink,
} from '../../source/node/transfer/piece-scheduler.js';
import {writeAtPosition, type WriteAt} from '../../source/node/transfer/write-at.js';
import {DiskWriteError} from '../../source/node/transfer/transfer-errors.js';
import {eventually} from '../support/eventually.js';
import {MiB, testNetwork, type TestNetwork} from '../support/network.js';
import {LOOPBACK, rawFrame, rawHeader} from '../support/raw-client.js';
import {deadSource} from './range-peer.js';

const SHORT = {timeout: 30_000};
const GiB = 1024 * MiB;
const NAME = 'piece.bin';

/**
 * How a server answers its n-th FRNG: the range, a reset, an ERRO, or the
 * first `first` bytes of the range and the rest only on release().
 */
type Reply = 'serve' | 'reset' | 'error' | {first: number};

type RangeServer = Source & {
  /** Offset and length of every FRNG received, in order. */
  requests: () => Array<[number, number]>;
  /** Sends the rest of every held reply. */
  release: () => void;
  /** FRNG connections closed so far (by either side). */
  closed: () => number;
};

async function startRangeServer(
  network: TestNetwork,
  content: Buffer,
  reply: (index: number) => Reply = () => 'serve',
): Promise<RangeServer> {
  const requests: Array<[number, number]> = [];
  const held: Array<() => void> = [];
  let closed = 0;
  const peer = await network.startFakePeer({
    onRequest: (request, socket) => {
      if (request.type !== 'FRNG') return void socket.end();
      const [offset, length] = request.data.toString('utf8').split(' ').map(Number) as [
        number,
        number,
      ];
      const how = reply(requests.length);
      requests.push([offset, length]);
      socket.once('close', () => closed++);
      if (how === 'reset') return void socket.resetAndDestroy();
      if (how === 'error') return void socket.end(rawFrame('ERRO', 'Busy'));
      const body = content.subarray(offset, offset + length);
      socket.write(rawHeader('REPL', length));
      if (how === 'serve') return void socket.end(body);
      socket.write(body.subarray(0, how.first));
      held.push(() => socket.destroyed || socket.end(body.subarray(how.first)));
    },
  });
  return {
    id: peer.id,
    address: {host: LOOPBACK, port: peer.port},
    requests: () => [...requests],
    release: () => held.splice(0).forEach((send) => send()),
    closed: () => closed,
  };
}

type Run = {
  scheduler: PieceScheduler;
  sink: PieceSink;
  /** What the sink was told was written, in order. */
  writes: Array<{range: Range; sender: string}>;
  written: () => Range[];
  gone: string[];
  warnings: string[];
  partPath: string;
  controller: AbortController;
};

/** A scheduler writing into a fresh part file of `size` bytes (holes). */
async function schedule(
  t: TestContext,
  network: TestNetwork,
  options: {
    sources: Source[];
    size: number;
    /** Ranges already in the part (written there from `content`). */
    done?: Range[];
    content?: Buffer;
    writeAt?: WriteAt;
    idleTimeoutMs?: number;
  },
): Promise<Run> {
  const partPath = path.join(await network.tempDir('pieces'), `${NAME}.part`);
  const handle = await fs.open(partPath, 'w+');
  t.after(() => handle.close());
  await handle.truncate(Math.min(options.size, 64 * MiB));
  let done: Range[] = mergeRanges(options.done ?? []);
  for (const [start, end] of done) {
    if (options.content) await handle.write(options.content, start, end - start, start);
  }
  const writes: Run['writes'] = [];
  const gone: string[] = [];
  const warnings: string[] = [];
  const controller = new AbortController();
  const scheduler = new PieceScheduler({
    sources: options.sources,
    size: options.size,
    written: () => done,
    partPath,
    job: {
      name: NAME,
      wireName: Buffer.from(NAME),
      signal: controller.signal,
      onSourceGone: (id) => gone.push(id),
    },
    deps: {
      connectTimeoutMs: 5_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      log: (level, line) => level === 'warn' && warnings.push(line),
      now: Date.now,
    },
    onProgress: () => undefined,
  });
  const sink: PieceSink = {
    fd: handle.fd,
    writeAt: options.writeAt ?? writeAtPosition,
    onBatch: () => undefined,
    onWritten: (start, end, sender) => {
      writes.push({range: [start, end], sender});
      done = addRange(done, [start, end]);
    },
  };
  return {
    scheduler,
    sink,
    writes,
    written: () => done,
    gone,
    warnings,
    partPath,
    controller,
  };
}

/** The ranges each sender was credited with, merged. */
function creditedTo(run: Run, sender: string): Range[] {
  return mergeRanges(
    run.writes.filter((write) => write.sender === sender).map((write) => write.range),
  );
}

/**
 * Each missing byte credited exactly once, and each credited range holds
 * the bytes its sender sent (`sent(sender)`: that source's file).
 */
async function assertWrittenOnce(
  run: Run,
  missing: Range[],
  sent: (sender: string) => Buffer,
) {
  const credited = run.writes.map((write) => write.range);
  assert.deepEqual(mergeRanges(credited), missing, 'exactly the missing bytes');
  assert.equal(coveredBytes(credited), coveredBytes(missing), 'none of them twice');
  const file = await fs.readFile(run.partPath);
  for (const {
    range: [start, end],
    sender,
  } of run.writes) {
    assert.ok(
      file.subarray(start, end).equals(sent(sender).subarray(start, end)),
      `[${start}, ${end}) holds the bytes ${sender} sent`,
    );
  }
}

test(
  'pieces: 8 MiB at least, about four per source, 1 GiB at most, of the missing bytes only',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const cases: Array<{
      sources: number;
      size: number;
      done?: Range[];
      piece: number;
      firstOffset: number;
    }> = [
      // 32 MiB over 3 sources would be 2.7 MiB a piece: too small to be worth a request.
      {sources: 3, size: 32 * MiB, piece: 8 * MiB, firstOffset: 0},
      {sources: 2, size: 200 * MiB, piece: 25 * MiB, firstOffset: 0},
      // 5 GiB from one source: 1.25 GiB a piece, more than one REPL frame should carry.
      {sources: 1, size: 5 * GiB, piece: GiB, firstOffset: 0},
      // Only the 40 MiB still missing are cut, past 4 GiB.
      {
        sources: 1,
        size: 5 * GiB,
        done: [[0, 5 * GiB - 40 * MiB]],
        piece: 10 * MiB,
        firstOffset: 5 * GiB - 40 * MiB,
      },
    ];
    for (const expected of cases) {
      // Every source answers ERRO: each asks twice for a piece, then is given up.
      const servers = await Promise.all(
        Array.from({length: expected.sources}, () =>
          startRangeServer(network, Buffer.alloc(0), () => 'error'),
        ),
      );
      const run = await schedule(t, network, {
        sources: servers,
        size: expected.size,
        done: expected.done,
      });
      await assert.rejects(run.scheduler.fetchMissing(run.sink), /replied: Busy/);
      const requests = servers.flatMap((server) => server.requests());
      const label = `${expected.sources} source(s), ${expected.size} bytes`;
      assert.equal(requests.length, 2 * expected.sources, label);
      for (const [offset, length] of requests) {
        assert.equal(length, expected.piece, label);
        assert.equal((offset - expected.firstOffset) % expected.piece, 0, label);
      }
      assert.equal(Math.min(...requests.map(([offset]) => offset)), expected.firstOffset);
      assert.deepEqual(run.gone, [], 'a source that answers is not gone');
      assert.equal(run.warnings.length, 2 * expected.sources, 'one line per failure');
    }
  },
);

test(
  'three sources: every missing byte is written once, kept bytes are not asked for',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 40 * MiB + 12_345;
    const content = randomBytes(size);
    const servers = [
      await startRangeServer(network, content),
      await startRangeServer(network, content),
      await startRangeServer(network, content),
    ];
    const done: Range[] = [
      [0, MiB],
      [10 * MiB + 7, 13 * MiB],
      [40 * MiB, 40 * MiB + 1000],
    ];
    const run = await schedule(t, network, {sources: servers, size, done, content});
    await run.scheduler.fetchMissing(run.sink);

    const missing = subtractRanges([[0, size]], done);
    await assertWrittenOnce(run, missing, () => content);
    for (const server of servers) {
      assert.ok(server.requests().length > 0, `${server.id} was asked`);
      for (const [offset, length] of server.requests()) {
        assert.deepEqual(
          subtractRanges([[offset, offset + length]], missing),
          [],
          `request ${offset} ${length} asks only for missing bytes`,
        );
      }
    }
    assert.equal(run.scheduler.sourcesUsed(), 3);
    assert.deepEqual(run.scheduler.inFlight(), {bytes: 0, sending: 0});
    assert.deepEqual(run.gone, []);
    assert.deepEqual(run.warnings, []);
  },
);

test(
  'a cut piece goes back from its first unwritten byte, not from its start nor from what merely arrived',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 12 * MiB;
    const content = randomBytes(size);
    // 3 MiB + 100 KiB arrive: three whole 1 MiB batches are written, the rest is lost.
    let cut: net.Socket | undefined;
    const peer = await network.startFakePeer({
      onRequest: (request, socket) => {
        const [offset, length] = request.data.toString('utf8').split(' ').map(Number) as [
          number,
          number,
        ];
        const body = content.subarray(offset, offset + length);
        socket.write(rawHeader('REPL', length));
        if (cut) return void socket.end(body);
        cut = socket;
        socket.write(body.subarray(0, 3 * MiB + 100 * 1024), () => socket.destroy());
      },
    });
    const source: Source = {id: peer.id, address: {host: LOOPBACK, port: peer.port}};
    const run = await schedule(t, network, {sources: [source], size});
    await run.scheduler.fetchMissing(run.sink);
    const asked = peer.requests.map((request) => request.data.toString('utf8'));
    assert.deepEqual(asked, [
      `0 ${8 * MiB} ${NAME}`,
      `${3 * MiB} ${5 * MiB} ${NAME}`,
      `${8 * MiB} ${4 * MiB} ${NAME}`,
    ]);
    assert.deepEqual(creditedTo(run, source.id), [[0, size]]);
    await assertWrittenOnce(run, [[0, size]], () => content);
    assert.equal(run.warnings.length, 1);
    assert.match(
      run.warnings[0] ?? '',
      new RegExp(`^range of ${NAME} from ${source.id} failed: `),
    );
    assert.deepEqual(run.gone, [], 'one cut does not make a source gone');
  },
);

test(
  'a source that fails twice is given up quietly, an unreachable one at once and named gone',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 24 * MiB;
    const content = randomBytes(size);
    const good = await startRangeServer(network, content);
    const flaky = await startRangeServer(network, content, () => 'reset');
    const dead = await deadSource();
    const run = await schedule(t, network, {sources: [flaky, dead, good], size});
    await run.scheduler.fetchMissing(run.sink);
    assert.equal(flaky.requests().length, 2, 'asked twice, then left');
    assert.deepEqual(run.gone, [dead.id], 'only the unreachable source is gone');
    assert.deepEqual(creditedTo(run, good.id), [[0, size]]);
    await assertWrittenOnce(run, [[0, size]], () => content);
    assert.equal(run.scheduler.lastOwner, good.id, 'the source of the last whole piece');
    assert.equal(run.warnings.length, 3, 'a line for each failure');
  },
);

test(
  'failures are counted in a row: a source that fails every other piece still brings the whole file',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 40 * MiB;
    const content = randomBytes(size);
    // Its 1st, 3rd, 5th ... reply is a reset: never two failures in a row.
    const hiccups = await startRangeServer(network, content, (index) =>
      index % 2 === 0 ? 'reset' : 'serve',
    );
    const run = await schedule(t, network, {sources: [hiccups], size});
    await run.scheduler.fetchMissing(run.sink);
    const requests = hiccups.requests();
    assert.ok(
      requests.length >= 6,
      `pieces asked again after each reset (${requests.length})`,
    );
    assert.equal(requests.length % 2, 0, 'each reset followed by one whole piece');
    await assertWrittenOnce(run, [[0, size]], () => content);
    assert.equal(run.warnings.length, requests.length / 2, 'a line for each failure');
  },
);

test(
  'every source given up: the fetch fails with the last reason, and the rest stays missing',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 16 * MiB;
    const content = randomBytes(size);
    // The first piece arrives, then the source answers ERRO (until it is back).
    let back = false;
    const source = await startRangeServer(network, content, (index) =>
      index === 0 || back ? 'serve' : 'error',
    );
    const run = await schedule(t, network, {sources: [source], size});
    await assert.rejects(run.scheduler.fetchMissing(run.sink), /replied: Busy/);
    assert.deepEqual(run.written(), [[0, 8 * MiB]]);
    assert.deepEqual(source.requests(), [
      [0, 8 * MiB],
      [8 * MiB, 8 * MiB],
      [8 * MiB, 8 * MiB],
    ]);

    // Asked again (a repair, or the user), a given-up source gets its chances back.
    back = true;
    await run.scheduler.fetchMissing(run.sink, [source.id]);
    assert.deepEqual(source.requests().slice(3), [[8 * MiB, 8 * MiB]]);
    assert.deepEqual(run.written(), [[0, size]]);
  },
);

test(
  'near the end an idle source takes the second half of the slowest piece, down to 1 MiB left',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 9 * MiB; // pieces [0, 8 MiB) for the slow source, [8, 9 MiB) for the fast
    const content = randomBytes(size);
    // The slow source sends other bytes: where each source's bytes land shows.
    const lie = randomBytes(size);
    const slow = await startRangeServer(network, lie, (index) =>
      index === 0 ? {first: 6 * MiB} : 'serve',
    );
    const fast = await startRangeServer(network, content, (index) =>
      index === 0 ? {first: 0} : 'serve',
    );
    const run = await schedule(t, network, {sources: [slow, fast], size});
    const fetched = run.scheduler.fetchMissing(run.sink);
    await eventually(
      () => run.scheduler.inFlight().bytes === 6 * MiB,
      () => `6 MiB from the slow source (${run.scheduler.inFlight().bytes})`,
    );
    fast.release();
    // 2 MiB left of the slow piece: the fast source takes [7, 8 MiB), then of
    // the 1 MiB left [6.5, 7 MiB); 512 KiB left is not worth another request.
    await eventually(
      () => fast.requests().length === 3 && run.scheduler.inFlight().sending === 1,
      () =>
        `the fast source to take over and go idle (${JSON.stringify(fast.requests())})`,
    );
    assert.deepEqual(fast.requests(), [
      [8 * MiB, MiB],
      [7 * MiB, MiB],
      [6.5 * MiB, 0.5 * MiB],
    ]);
    assert.deepEqual(slow.requests(), [[0, 8 * MiB]]);
    assert.deepEqual(creditedTo(run, fast.id), [[6.5 * MiB, size]]);

    slow.release();
    await fetched;
    await assertWrittenOnce(run, [[0, size]], (sender) =>
      sender === slow.id ? lie : content,
    );
    assert.deepEqual(run.warnings, [], 'a piece taken over is no failure of its source');
  },
);

test(
  'an idle source takes from whichever piece has most bytes left, again and again',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 24 * MiB; // [0, 8), [8, 16), [16, 24) MiB, one a source
    const content = randomBytes(size);
    const slower = await startRangeServer(network, content, (index) =>
      index === 0 ? {first: 2 * MiB} : 'serve',
    );
    const slow = await startRangeServer(network, content, (index) =>
      index === 0 ? {first: 5 * MiB} : 'serve',
    );
    const fast = await startRangeServer(network, content, (index) =>
      index === 0 ? {first: 0} : 'serve',
    );
    const run = await schedule(t, network, {sources: [slower, slow, fast], size});
    const fetched = run.scheduler.fetchMissing(run.sink);
    await eventually(
      () => run.scheduler.inFlight().bytes === 7 * MiB,
      'the held sources to send their first bytes',
    );
    fast.release();
    await eventually(
      () => run.scheduler.inFlight().sending === 2 && fast.requests().length === 6,
      () => `the fast source to go idle (${JSON.stringify(fast.requests())})`,
    );
    // Left of each held piece as the fast source asks: 6 and 3 MiB (the
    // slower's), 3 and 3 (a tie: the first source's), 1.5 and 3 (the
    // slow's), 1.5 and 1.5, then 0.75 and 1.5; then both under 1 MiB.
    assert.deepEqual(fast.requests(), [
      [16 * MiB, 8 * MiB],
      [5 * MiB, 3 * MiB],
      [3.5 * MiB, 1.5 * MiB],
      [14.5 * MiB, 1.5 * MiB],
      [2.75 * MiB, 0.75 * MiB],
      [13.75 * MiB, 0.75 * MiB],
    ]);
    slower.release();
    slow.release();
    await fetched;
    await assertWrittenOnce(run, [[0, size]], () => content);
  },
);

test(
  'a failed write to the local disk stops every lane at once, and no source is blamed',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 24 * MiB; // three pieces of 8 MiB
    const content = randomBytes(size);
    // Two sources send 2 MiB and then nothing: only an abort ends them before
    // their 60 s idle timeout (longer than this test may take).
    const stalled = [
      await startRangeServer(network, content, () => ({first: 2 * MiB})),
      await startRangeServer(network, content, () => ({first: 2 * MiB})),
    ];
    const third = await startRangeServer(network, content, () => ({first: 0}));
    const full: WriteAt = async (fd, buffer, length, position) => {
      if (position >= 16 * MiB)
        throw Object.assign(new Error('ENOSPC'), {code: 'ENOSPC'});
      return writeAtPosition(fd, buffer, length, position);
    };
    const run = await schedule(t, network, {
      sources: [...stalled, third],
      size,
      writeAt: full,
    });
    const fetched = run.scheduler.fetchMissing(run.sink);
    await eventually(
      () => run.scheduler.inFlight().bytes === 4 * MiB,
      'the stalled sources to send their first bytes',
    );
    third.release();
    await assert.rejects(fetched, (error) => {
      assert.ok(error instanceof DiskWriteError);
      assert.match(error.message, /: no space left on the device$/);
      return true;
    });
    for (const source of [...stalled, third]) {
      assert.equal(source.requests().length, 1, `${source.id} is not asked again`);
    }
    assert.deepEqual(run.gone, []);
    assert.deepEqual(run.warnings, [], 'the failure is ours, not a source’s');
    assert.deepEqual(run.scheduler.inFlight(), {bytes: 0, sending: 0});
    assert.deepEqual(run.written(), [
      [0, 2 * MiB],
      [8 * MiB, 10 * MiB],
    ]);
  },
);

test(
  'a disk that takes no bytes for the idle time fails the fetch as ours, not the sources’',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    // Two lanes of 4 batches each: 4 MiB of each 8 MiB piece fill them.
    const size = 16 * MiB;
    const content = randomBytes(size);
    const sources = [
      await startRangeServer(network, content),
      await startRangeServer(network, content),
    ];
    // Every write waits until the test lets them go: the receivers run out
    // of batches and stop reading, and their sockets go quiet.
    const stuck: Array<() => void> = [];
    const stalled: WriteAt = async (fd, buffer, length, position) => {
      await new Promise<void>((resolve) => stuck.push(resolve));
      return writeAtPosition(fd, buffer, length, position);
    };
    const run = await schedule(t, network, {
      sources,
      size,
      writeAt: stalled,
      idleTimeoutMs: 300,
    });
    const fetched = run.scheduler.fetchMissing(run.sink);
    // Each lane gives its connection up, then waits for its writes to settle.
    await eventually(
      () => sources.every((source) => source.closed() === 1),
      'the stalled connections to close',
    );
    stuck.splice(0).forEach((go) => go());
    await assert.rejects(fetched, {
      message: /^writing .*piece\.bin\.part made no progress for 300 ms$/,
    });
    for (const source of sources) {
      assert.equal(source.requests().length, 1, 'not asked again: the disk is ours');
    }
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(run.gone, []);
  },
);

test(
  'a failure told from outside (the hasher) or a cancel stops every lane at once',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const size = 16 * MiB;
    const content = randomBytes(size);
    for (const stop of ['failLocally', 'cancel'] as const) {
      const stalled = [
        await startRangeServer(network, content, () => ({first: MiB})),
        await startRangeServer(network, content, () => ({first: MiB})),
      ];
      const run = await schedule(t, network, {sources: stalled, size});
      const fetched = run.scheduler.fetchMissing(run.sink);
      await eventually(
        () => run.scheduler.inFlight().bytes === 2 * MiB,
        'both sources to send their first bytes',
      );
      const reason = new Error(`stopped by ${stop}`);
      if (stop === 'failLocally') run.scheduler.failLocally(reason);
      else run.controller.abort(reason);
      await assert.rejects(fetched, (error) => error === reason);
      for (const source of stalled) assert.equal(source.requests().length, 1, stop);
      assert.deepEqual(run.gone, [], stop);
      assert.deepEqual(run.warnings, [], stop);
    }
  },
);

test(
  'a disk that fills up in the last batch of a piece fails the fetch too',
  // Once this asked for the last batch again and again, never failing.
  {timeout: 10_000},
  async (t) => {
    const network = testNetwork(t);
    const size = 8 * MiB; // one piece; its last 1 MiB batch cannot be written
    const content = randomBytes(size);
    const source = await startRangeServer(network, content);
    const full: WriteAt = async (fd, buffer, length, position) => {
      if (position >= 7 * MiB) throw Object.assign(new Error('ENOSPC'), {code: 'ENOSPC'});
      return writeAtPosition(fd, buffer, length, position);
    };
    const run = await schedule(t, network, {sources: [source], size, writeAt: full});
    await assert.rejects(run.scheduler.fetchMissing(run.sink), DiskWriteError);
    assert.deepEqual(source.requests(), [[0, size]], 'asked once: the disk is ours');
    assert.deepEqual(run.written(), [[0, 7 * MiB]]);
  },
);
