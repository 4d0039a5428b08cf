import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {afterFailure, sourcesToTry} from '../../source/node/transfer/source-fallback.js';
import {
  MAX_FINISHED_TRANSFERS,
  PROGRESS_INTERVAL_MS,
  TransferEngine,
  type DownloadJob,
  type Downloaded,
  type TransferFiles,
} from '../../source/node/transfer/transfer-engine.js';
import type {FileEntry, TransferInfo} from '../../source/node/types.js';
import {
  PeerTimeoutError,
  PeerUnreachableError,
  RemoteError,
  TransferCancelledError,
} from '../../source/protocol/errors.js';
import {FakeClock, RecordingLog} from './fake-collaborators.js';

describe('source fallback policy', () => {
  test('a chosen owner is the only source; else every known owner in order', () => {
    assert.deepEqual(sourcesToTry(['a:1', 'b:1'], 'c:1'), ['c:1']);
    assert.deepEqual(sourcesToTry(['a:1', 'b:1']), ['a:1', 'b:1']);
  });

  test('cancel stops; unreachable moves on and drops the owner; others move on', () => {
    assert.deepEqual(afterFailure(new TransferCancelledError()), {
      next: false,
      dropOwner: false,
    });
    assert.deepEqual(afterFailure(new PeerUnreachableError('a:1')), {
      next: true,
      dropOwner: true,
    });
    assert.deepEqual(afterFailure(new PeerTimeoutError('a:1', 'x')), {
      next: true,
      dropOwner: false,
    });
    assert.deepEqual(afterFailure(new RemoteError('a:1', 'File not found')), {
      next: true,
      dropOwner: false,
    });
  });
});

type Script = (job: DownloadJob) => Promise<Downloaded>;

function makeEngine(owners: Record<string, string[]>, script: Script) {
  const shared: string[] = [];
  const dropped: string[] = [];
  const files: TransferFiles = {
    entry: (name): FileEntry | undefined =>
      owners[name] ? {name, local: false, owners: owners[name]} : undefined,
    wireName: (name) => Buffer.from(name.replaceAll(' ', '%20')),
    share: (name, filePath) => void shared.push(`${name} ${filePath}`),
    dropOwner: (name, owner) => void dropped.push(`${name} ${owner}`),
  };
  const jobs: DownloadJob[] = [];
  const clock = new FakeClock();
  const log = new RecordingLog();
  let open = true;
  const engine = new TransferEngine({
    files,
    download: (job) => {
      jobs.push(job);
      return script(job);
    },
    isOpen: () => open,
    clock: clock.read,
    log: log.log,
  });
  const events: string[] = [];
  for (const event of ['transfer-start', 'transfer-done', 'transfer-failed'] as const) {
    engine.on(event, (info) => events.push(`${event} ${info.owner} ${info.state}`));
  }
  return {engine, jobs, shared, dropped, clock, log, events, close: () => (open = false)};
}

const done = (name: string, size = 10): Downloaded => ({path: `/d/${name}`, name, size});

describe('TransferEngine', () => {
  test('hands every owner to the download at once and shares the finished file', async () => {
    const {engine, jobs, shared, events} = makeEngine(
      {'a b.txt': ['1.1.1.1:1', '2.2.2.2:2', '3.3.3.3:3']},
      async (job) => ({...done(job.name), owner: '3.3.3.3:3', verified: true}),
    );
    const result = await engine.start('a b.txt').done;
    assert.equal(result.owner, '3.3.3.3:3');
    assert.equal(result.state, 'done');
    assert.equal(result.verified, true);
    assert.deepEqual(
      jobs.map((job) => [
        job.wireName.toString(),
        job.sources.map((source) => source.id),
      ]),
      [['a%20b.txt', ['1.1.1.1:1', '2.2.2.2:2', '3.3.3.3:3']]],
    );
    assert.deepEqual(shared, ['a b.txt /d/a b.txt']);
    assert.deepEqual(events, [
      'transfer-start 1.1.1.1:1 running',
      'transfer-done 3.3.3.3:3 done',
    ]);
  });

  test('content already here is not shared again and says where it is', async () => {
    const {engine, shared, log} = makeEngine({x: ['1.1.1.1:1']}, async () => ({
      path: '/home/me/x',
      name: 'x',
      size: 10,
      alreadyHad: true,
    }));
    const result = await engine.start('x').done;
    assert.equal(result.alreadyHad, true);
    assert.equal(result.path, '/home/me/x');
    assert.deepEqual(shared, []);
    assert.ok(log.has(/x is already here: \/home\/me\/x/));
  });

  test('an owner the download finds gone is forgotten', async () => {
    const {engine, dropped} = makeEngine({x: ['1.1.1.1:1']}, async (job) => {
      job.onSourceGone('1.1.1.1:1');
      throw new PeerUnreachableError('1.1.1.1:1');
    });
    await assert.rejects(engine.start('x').done, PeerUnreachableError);
    assert.deepEqual(dropped, ['x 1.1.1.1:1']);
  });

  test('a second fetch of a name being fetched is refused', () => {
    const {engine} = makeEngine({x: ['1.1.1.1:1']}, () => new Promise(() => undefined));
    engine.start('x');
    assert.throws(() => engine.start('x'), {code: 'ERR_BUSY'});
  });

  test('fails with the last error when every source fails', async () => {
    const {engine, events, log} = makeEngine({x: ['1.1.1.1:1']}, async () => {
      throw new PeerTimeoutError('1.1.1.1:1', 'sending the file');
    });
    await assert.rejects(engine.start('x').done, PeerTimeoutError);
    assert.deepEqual(events.at(-1), 'transfer-failed 1.1.1.1:1 failed');
    assert.match(engine.transfers()[0]?.error ?? '', /timed out/);
    assert.ok(log.has(/fetch of x failed/));
  });

  test('cancel aborts the running download', async () => {
    const {engine, jobs, events} = makeEngine(
      {x: ['1.1.1.1:1', '2.2.2.2:2']},
      (job) =>
        new Promise((_, reject) =>
          job.signal.addEventListener('abort', () =>
            reject(new TransferCancelledError()),
          ),
        ),
    );
    const {transfer, done: finished} = engine.start('x');
    assert.equal(engine.cancel(transfer.id), true);
    await assert.rejects(finished, TransferCancelledError);
    assert.equal(jobs.length, 1);
    assert.equal(events.at(-1), 'transfer-failed 1.1.1.1:1 cancelled');
    assert.equal(engine.cancel(transfer.id), false);
  });

  test('refuses at once: unsafe names, unknown owners, local files, a closed node', () => {
    const {engine, close} = makeEngine({x: ['1.1.1.1:1']}, async (job) => done(job.name));
    assert.throws(() => engine.start('../x'), {code: 'ERR_UNSAFE_NAME'});
    assert.throws(() => engine.start('unknown'), {code: 'ERR_NO_OWNER'});
    close();
    assert.throws(() => engine.start('x'), {code: 'ERR_CLOSED'});
  });

  test('progress is reported at most every interval, and always at the end', async () => {
    const {engine, clock} = makeEngine({x: ['1.1.1.1:1']}, async (job) => {
      const fetching = (received: number) =>
        job.onUpdate({phase: 'fetching', received, total: 300, sources: 1});
      for (const received of [0, 100, 200]) fetching(received);
      clock.advance(PROGRESS_INTERVAL_MS);
      fetching(250);
      clock.advance(PROGRESS_INTERVAL_MS);
      fetching(300);
      job.onUpdate({phase: 'verifying', received: 300, total: 300, sources: 0});
      return done(job.name, 300);
    });
    const seen: Array<[number, string | undefined]> = [];
    const rates: Array<number | undefined> = [];
    engine.on('transfer-progress', (info) => {
      seen.push([info.received, info.phase]);
      rates.push(info.rate);
    });
    await engine.start('x').done;
    assert.deepEqual(seen, [
      [0, 'fetching'],
      [250, 'fetching'],
      [300, 'fetching'],
      [300, 'verifying'],
    ]);
    // 250 bytes in one interval, then 50: smoothed, in bytes per second.
    assert.equal(rates[1], (250 * 1000) / PROGRESS_INTERVAL_MS);
    assert.ok((rates[2] ?? 0) < (rates[1] ?? 0));
  });

  test('the last bytes before a stall are reported once the interval is over', async (t) => {
    t.mock.timers.enable({apis: ['setTimeout']});
    let stall: (() => void) | undefined;
    const {engine} = makeEngine({x: ['1.1.1.1:1']}, async (job) => {
      job.onUpdate({phase: 'fetching', received: 0, total: 300, sources: 1});
      job.onUpdate({phase: 'fetching', received: 100, total: 300, sources: 1});
      job.onUpdate({phase: 'fetching', received: 120, total: 300, sources: 1});
      await new Promise<void>((resolve) => (stall = resolve));
      return done(job.name, 300);
    });
    const seen: number[] = [];
    engine.on('transfer-progress', (info) => seen.push(info.received));
    const finished = engine.start('x').done;
    // The download ran synchronously up to its stall.
    assert.ok(stall);
    assert.deepEqual(seen, [0], 'held back within the interval');
    t.mock.timers.tick(PROGRESS_INTERVAL_MS);
    assert.deepEqual(seen, [0, 120]);
    stall?.();
    await finished;
    t.mock.timers.tick(PROGRESS_INTERVAL_MS);
    assert.deepEqual(seen, [0, 120], 'no report after the end');
  });

  test('keeps only the latest finished transfers', async () => {
    const names = Array.from({length: MAX_FINISHED_TRANSFERS + 5}, (_, i) => `f${i}`);
    const owners = Object.fromEntries(names.map((name) => [name, ['1.1.1.1:1']]));
    const {engine} = makeEngine(owners, async (job) => done(job.name));
    for (const name of names) await engine.start(name).done;
    const listed: TransferInfo[] = engine.transfers();
    assert.equal(listed.length, MAX_FINISHED_TRANSFERS);
    assert.equal(listed[0]?.name, 'f5');
  });

  test('stopAll cancels every transfer and waits for them to settle', async () => {
    let settled = 0;
    const {engine} = makeEngine(
      {x: ['1.1.1.1:1'], y: ['1.1.1.1:1']},
      (job) =>
        new Promise((_, reject) =>
          job.signal.addEventListener('abort', () =>
            setImmediate(() => {
              settled++;
              reject(new TransferCancelledError());
            }),
          ),
        ),
    );
    for (const name of ['x', 'y']) engine.start(name).done.catch(() => undefined);
    await engine.stopAll();
    assert.equal(settled, 2);
    assert.deepEqual(
      engine.transfers().map((info) => info.state),
      ['cancelled', 'cancelled'],
    );
  });
});
