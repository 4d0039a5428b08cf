/**
 * The built CLI in headless JSON mode, as child processes on 127.0.0.1:
 * two peers share, search and fetch; commands, signals and bad arguments.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {describe, test} from 'node:test';
import {
  runCli,
  startHeadless,
  type CliProcess,
  type CliRecord,
} from '../support/cli-process.js';
import {
  LOOPBACK,
  MiB,
  sha256File,
  testNetwork,
  writeRandomFile,
} from '../support/network.js';

const TIMEOUT = {timeout: 30_000};

function isLog(record: CliRecord, pattern: RegExp): boolean {
  return record.event === 'log' && pattern.test(String(record.message));
}

/** Waits for the first line, which must say where the node listens; returns its id. */
async function listeningId(cli: CliProcess): Promise<string> {
  const first = await cli.waitForRecord(() => true);
  assert.equal(first.event, 'log');
  const match = /^listening as (127\.0\.0\.1:(\d+))\b/.exec(String(first.message));
  assert.ok(match, `first line says where it listens: ${JSON.stringify(first)}`);
  assert.notEqual(Number(match[2]), 0, 'port 0 became a real port');
  return match[1] as string;
}

function peerIdOf(record: CliRecord): string | undefined {
  return (record.peer as {id?: string} | undefined)?.id;
}

test(
  'two headless peers share, search and fetch a file; quit exits 0',
  TIMEOUT,
  async (t) => {
    const network = testNetwork(t);
    const shareDir = await network.tempDir('cli-share');
    const firstDownloads = await network.tempDir('cli-first');
    const secondDownloads = await network.tempDir('cli-second');
    const source = path.join(shareDir, 'song of songs.bin');
    await writeRandomFile(source, 3 * MiB);

    const first = startHeadless(t, [
      '0',
      '5',
      '--share',
      shareDir,
      '--download-dir',
      firstDownloads,
    ]);
    const firstId = await listeningId(first);
    await first.waitForRecord(
      (record) =>
        record.event === 'file-added' &&
        (record.file as {name?: string}).name === 'song of songs.bin',
    );

    const second = startHeadless(t, [
      '0',
      '5',
      firstId,
      '--download-dir',
      secondDownloads,
    ]);
    const secondId = await listeningId(second);
    await second.waitForRecord(
      (record) => record.event === 'peer-added' && peerIdOf(record) === firstId,
    );
    await first.waitForRecord(
      (record) => record.event === 'peer-added' && peerIdOf(record) === secondId,
    );

    const result = await second.request(
      'search songs',
      (record) => record.event === 'search-result',
    );
    assert.deepEqual(result, {
      event: 'search-result',
      key: 'songs',
      name: 'song of songs.bin',
      owner: firstId,
    });

    const done = await second.request(
      'fetch song of songs.bin',
      (record) => record.event === 'transfer-done' || record.event === 'transfer-failed',
    );
    assert.equal(done.event, 'transfer-done', JSON.stringify(done));
    const copy = path.join(secondDownloads, 'song of songs.bin');
    assert.equal((done.transfer as {path?: string}).path, copy);
    assert.equal(await sha256File(copy), await sha256File(source));
    assert.deepEqual(await fs.readdir(secondDownloads), ['song of songs.bin']);

    const files = await second.request('files', (record) => record.event === 'files');
    assert.deepEqual(files.files, [
      {name: 'song of songs.bin', local: true, owners: [firstId], size: 3 * MiB},
    ]);

    const since = first.mark();
    second.send('quit');
    assert.deepEqual(await second.waitForExit(), {code: 0, signal: null});
    const left = await first.waitForRecord(
      (record) => record.event === 'peer-removed' && peerIdOf(record) === secondId,
      {since},
    );
    assert.equal(left.reason, 'quit');
    first.send('quit');
    assert.deepEqual(await first.waitForExit(), {code: 0, signal: null});
    for (const cli of [first, second]) {
      assert.deepEqual(cli.invalidLines, [], 'every stdout line is JSON');
      assert.equal(cli.stderr, '');
    }
  },
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} closes the node and exits 0`, TIMEOUT, async (t) => {
    const network = testNetwork(t);
    const shareDir = await network.tempDir('cli-signal');
    await fs.writeFile(path.join(shareDir, 'kept.txt'), 'kept');
    const cli = startHeadless(t, [
      '0',
      '0',
      '--share',
      shareDir,
      '--download-dir',
      shareDir,
    ]);
    await listeningId(cli);
    // Shares are added once start-up is over, signal handlers included.
    await cli.waitForRecord((record) => isLog(record, /^sharing 1 file/));
    cli.signal(signal);
    assert.deepEqual(await cli.waitForExit(), {code: 0, signal: null});
    assert.ok(
      cli.records.some((record) => isLog(record, /^node closed$/)),
      'the node was closed',
    );
  });
}

test(
  'SIGTERM during start-up, right after "listening as", exits 0',
  TIMEOUT,
  async (t) => {
    const network = testNetwork(t);
    const downloads = await network.tempDir('cli-early-signal');
    // A first peer that takes the join's first request and never answers, so
    // the signal surely arrives while start-up is still running.
    const silent = await network.startFakePeer({onRequest: () => undefined});
    const cli = startHeadless(t, ['0', '0', silent.id, '--download-dir', downloads]);
    await listeningId(cli);
    await silent.nextRequest();
    cli.signal('SIGTERM');
    assert.deepEqual(await cli.waitForExit(), {code: 0, signal: null});
    assert.ok(
      cli.records.some((record) => isLog(record, /^node closed$/)),
      'the node was closed',
    );
  },
);

test(
  'a wrong command gets one error line and the process keeps running',
  TIMEOUT,
  async (t) => {
    const network = testNetwork(t);
    const downloads = await network.tempDir('cli-commands');
    const cli = startHeadless(t, ['0', '5', '--download-dir', downloads]);
    await listeningId(cli);

    for (const command of ['frobnicate now', 'search', 'fetch ../../etc/passwd']) {
      const since = cli.mark();
      // The fetch error comes from an async command, so wait for it before asking more.
      await cli.request(command, (record) => record.event === 'error');
      await cli.request('peers', (record) => record.event === 'peers');
      const answers = cli.records.slice(since).filter((record) => record.event !== 'log');
      assert.equal(answers.length, 2, `${command}: ${JSON.stringify(answers)}`);
      assert.match(String(answers[0]?.message), /^[^\n]+$/, 'one line');
      assert.deepEqual(answers[1], {event: 'peers', peers: []});
    }
    const errors = cli.records.filter((record) => record.event === 'error');
    assert.match(String(errors[0]?.message), /^unknown command "frobnicate"/);
    assert.match(String(errors[2]?.message), /refused file name/);
    assert.ok(cli.running);
    assert.deepEqual(await fs.readdir(downloads), []);
    cli.send('quit');
    assert.deepEqual(await cli.waitForExit(), {code: 0, signal: null});
  },
);

describe('bad arguments exit 2 with one line on stderr', {concurrency: true}, () => {
  const headless = ['--headless', '--bind', LOOPBACK];
  const cases: Array<[string, string[]]> = [
    ['port 70000', ['70000', '5', ...headless]],
    ['max-peers "x"', ['0', 'x', ...headless]],
    ['peer "nohost"', ['0', '5', 'nohost', ...headless]],
    ['a missing share', ['0', '5', '--share', '/nonexistent/filer-share', ...headless]],
    ['an unknown flag', ['0', '5', '--frobnicate', ...headless]],
    ['the terminal UI without a TTY', ['0', '5', '--bind', LOOPBACK]],
    ['no arguments', []],
    [
      'a download dir that is a file',
      ['0', '5', '--download-dir', process.execPath, ...headless],
    ],
    ['--hops 0', ['0', '5', '--hops', '0', ...headless]],
    ['an extra argument', ['0', '5', `${LOOPBACK}:1`, 'extra', ...headless]],
  ];
  for (const [what, args] of cases) {
    test(what, TIMEOUT, async () => {
      // Ten CLIs start at once here, on a machine busy with the rest of the
      // suite: the default deadline, not a tighter one.
      const run = await runCli(args);
      assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
      assert.match(run.stderr, /^filer-tui: [^\n]+\n$/);
      assert.equal(run.stdout, '');
    });
  }
});

test('a port in use exits 1 with one line on stderr', TIMEOUT, async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as net.AddressInfo).port;
  const run = await runCli([String(port), '5', '--headless', '--bind', LOOPBACK], 5_000);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    new RegExp(`^filer-tui: port ${port} is already in use[^\\n]*\\n$`),
  );
});

test('quit during a download leaves no .part file', TIMEOUT, async (t) => {
  const network = testNetwork(t);
  const downloads = await network.tempDir('cli-quit');
  const owner = await network.startFakePeer({serves: {total: 4 * MiB, send: 1000}});
  const cli = startHeadless(t, ['0', '5', '--download-dir', downloads]);
  await listeningId(cli);
  await cli.request(
    `fetch stalled.bin ${owner.id}`,
    (record) =>
      record.event === 'transfer-progress' &&
      (record.transfer as {received: number}).received > 0,
  );
  assert.deepEqual(await fs.readdir(downloads), ['stalled.bin.part']);
  cli.send('quit');
  assert.deepEqual(await cli.waitForExit(), {code: 0, signal: null});
  assert.deepEqual(await fs.readdir(downloads), []);
});
