/**
 * The control subcommands as real processes against a node started with
 * `filer-tui serve` (each test with its own XDG_RUNTIME_DIR): status, ctl
 * with its exit codes, events as JSON lines, stop leaving cleanly, a stale
 * socket after kill -9 cleaned up, and a headless node reachable too.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {socketPathFor} from '../../source/daemon/control-dir.js';
import {RemoteSession} from '../../source/daemon/remote-session.js';
import {eventually} from '../support/eventually.js';
import {
  CliChild,
  LOOPBACK_ARGS,
  nodeStatuses,
  runCliIn,
  startServe,
  tempRuntimeDir,
} from './daemon-kit.js';

const TIMEOUT = {timeout: 60_000};

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('status, ctl, events and stop against a served node', TIMEOUT, async (t) => {
  const runtime = await tempRuntimeDir(t);
  const {node, port} = await startServe(t, runtime);

  const status = await runCliIn(runtime, ['status']);
  assert.equal(status.code, 0);
  assert.match(
    status.stdout,
    /^PORT +ID +PEERS +SHARES +TRANSFERS +UPTIME +UIS +KEEP +PID/,
  );
  assert.match(
    status.stdout,
    new RegExp(`\\n${port} +127\\.0\\.0\\.1:${port} +0/5 +0 +0 `),
  );
  const [record] = jsonLines((await runCliIn(runtime, ['status', '--json'])).stdout);
  assert.equal(record?.port, port);
  assert.equal(record?.pid, node.pid);

  const events = new CliChild(t, runtime, ['events', String(port)]);
  // The events client is connected once the node counts it (status opens its own connection).
  // Searched in-process until the events client (connecting meanwhile) shows it.
  const probe = await RemoteSession.attach(
    socketPathFor(port, path.join(runtime, 'filer-tui')),
    {
      ui: false,
    },
  );
  t.after(() => probe.close());
  await eventually(
    async () => {
      await probe.execute({kind: 'search', key: 'probe-key'});
      return events.stdout.includes('"probe-key"');
    },
    'the search to show in the event stream',
    {intervalMs: 200},
  );
  const viaCtl = await runCliIn(runtime, ['ctl', String(port), 'search', 'ctl-key']);
  assert.equal(viaCtl.code, 0);
  const searched = JSON.parse(viaCtl.stdout) as Record<string, unknown>;
  assert.deepEqual(
    [searched.ok, searched.kind, searched.key],
    [true, 'search', 'ctl-key'],
  );
  await eventually(
    () => events.stdout.includes('"ctl-key"'),
    'the ctl search as an event',
  );
  const started = jsonLines(events.stdout).find(
    (line) => line.event === 'search-started',
  );
  assert.equal(started?.key, 'probe-key');

  const peers = await runCliIn(runtime, ['ctl', String(port), 'peers']);
  assert.equal(peers.code, 0);
  assert.deepEqual(JSON.parse(peers.stdout), {ok: true, kind: 'peers', peers: []});

  const refused = await runCliIn(runtime, ['ctl', String(port), 'fetch', 'nothing.bin']);
  assert.equal(refused.code, 1, 'a failed command exits 1');
  assert.equal((JSON.parse(refused.stdout) as {ok: boolean}).ok, false);
  assert.match(refused.stderr, /^filer-tui: .*nothing\.bin/);

  const unknown = await runCliIn(runtime, ['ctl', String(port), 'frobnicate']);
  assert.equal(unknown.code, 2, 'a usage mistake exits 2');
  assert.equal(unknown.stderr.split('\n').filter(Boolean).length, 1, 'one line');

  const stopped = await runCliIn(runtime, ['stop', String(port)]);
  assert.equal(stopped.code, 0);
  assert.match(stopped.stdout, new RegExp(`stopped the node on port ${port}`));
  assert.equal(await node.exited, 0, 'the node left cleanly');
  assert.match(node.stdout, /quitting: sending QUIT/);
  assert.equal(await events.exited, 0, 'events ends when the node leaves');
  assert.deepEqual(jsonLines(events.stdout).at(-1), {event: 'closed'});
  assert.equal(fs.existsSync(path.join(runtime, 'filer-tui', `${port}.sock`)), false);
  assert.match(
    (await runCliIn(runtime, ['status'])).stdout,
    /no node of yours is running/,
  );
});

test(
  'no node running: stop, ctl and events say so in one line, exit 1',
  TIMEOUT,
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    for (const args of [
      ['stop'],
      ['ctl', '9999', 'peers'],
      ['events', '9999'],
      ['stop', '9999'],
    ]) {
      const result = await runCliIn(runtime, args);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, /^filer-tui: no node/, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
  },
);

test(
  'a stale socket after kill -9 is cleaned up by status and replaced on the next start',
  TIMEOUT,
  async (t) => {
    const runtime = await tempRuntimeDir(t);
    const {node, port} = await startServe(t, runtime);
    const socketPath = path.join(runtime, 'filer-tui', `${port}.sock`);
    node.child.kill('SIGKILL');
    await node.exited;
    assert.equal(
      fs.lstatSync(socketPath).isSocket(),
      true,
      'the socket file is left behind',
    );

    const again = new CliChild(t, runtime, [
      'serve',
      String(port),
      '5',
      ...LOOPBACK_ARGS,
    ]);
    await again.waitForOutput(/control socket/, 'the new node to bind the socket');
    const ctl = await runCliIn(runtime, ['ctl', String(port), 'peers']);
    assert.equal(ctl.code, 0);
    again.child.kill('SIGKILL');
    await again.exited;

    const status = await runCliIn(runtime, ['status']);
    assert.match(status.stdout, /no node of yours is running/);
    assert.equal(fs.existsSync(socketPath), false, 'status removed the stale socket');
  },
);

test('a headless node serves its control socket too', TIMEOUT, async (t) => {
  const runtime = await tempRuntimeDir(t);
  const headless = new CliChild(t, runtime, [
    '0',
    '5',
    '--headless',
    '--json',
    ...LOOPBACK_ARGS,
  ]);
  const port = Number(
    await headless.waitForOutput(/listening as 127\.0\.0\.1:(\d+)/, 'listening'),
  );
  // The control socket is bound after the listening line, once its lazily
  // loaded module is in (over 10 s on a busy machine): wait for the node to
  // say so rather than knock on the socket, which only adds to the load.
  await headless.waitForOutput(/control socket \S+\/\d+\.sock/, 'the control socket');
  assert.deepEqual(
    (await nodeStatuses(runtime)).map((status) => status.port),
    [port],
  );
  const peers = await runCliIn(runtime, ['ctl', String(port), 'peers']);
  assert.equal(peers.code, 0, peers.stderr);
  assert.deepEqual(JSON.parse(peers.stdout), {ok: true, kind: 'peers', peers: []});
  const stopped = await runCliIn(runtime, ['stop']);
  assert.equal(stopped.code, 0);
  assert.equal(await headless.exited, 0);
});
