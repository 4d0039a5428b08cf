/**
 * FilerApp over real nodes on loopback: each command's outcome and app log
 * lines, the one event stream, and snapshots whose parts keep their identity.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test, type TestContext} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import type {AppLogLine} from '../../source/app/session.js';
import type {FilerNode} from '../../source/node/filer-node.js';
import {recordAppEvents, waitForAppEvent} from '../support/app-events.js';
import {eventually} from '../support/eventually.js';
import {announce} from '../support/raw-client.js';
import {MiB, testNetwork, waitFor, type TestNetwork} from '../support/network.js';

const TIMEOUT = {timeout: 20_000};

type Setup = {network: TestNetwork; node: FilerNode; app: FilerApp; shareDir: string};

/** A node with its app, and a directory with `files` (name → content) in it. */
async function setup(t: TestContext, files: Record<string, string> = {}): Promise<Setup> {
  const network = testNetwork(t);
  const node = await network.startNode();
  const app = new FilerApp(node);
  const shareDir = await network.tempDir('app-share');
  for (const [name, content] of Object.entries(files)) {
    await fs.writeFile(path.join(shareDir, name), content);
  }
  return {network, node, app, shareDir};
}

function appLines(app: FilerApp): string[] {
  return app
    .snapshot()
    .log.filter((line) => line.source === 'app')
    .map((line) => line.message);
}

test('add shares a path, with ~ as the home directory', TIMEOUT, async (t) => {
  const {app, shareDir} = await setup(t, {'one.txt': '1', 'two.txt': '22'});
  const outcome = await app.execute({kind: 'add', path: ` ${shareDir} `});
  assert.equal(outcome.ok, true);
  assert.deepEqual(outcome.ok && outcome.files.map((file) => file.name).sort(), [
    'one.txt',
    'two.txt',
  ]);

  const home = process.env.HOME;
  t.after(() => {
    process.env.HOME = home;
  });
  process.env.HOME = shareDir;
  await fs.writeFile(path.join(shareDir, 'three.txt'), '333');
  const fromHome = await app.execute({kind: 'add', path: '~/three.txt'});
  assert.deepEqual(fromHome.ok && fromHome.files, [
    {name: 'three.txt', local: true, owners: [], size: 3},
  ]);

  const missing = await app.execute({kind: 'add', path: '/nonexistent/filer'});
  assert.deepEqual(missing, {
    ok: false,
    code: 'ERR_SHARE_PATH',
    message: 'cannot share /nonexistent/filer: no such file or directory',
  });
  assert.deepEqual(await app.execute({kind: 'add', path: '  '}), {
    ok: false,
    code: 'ERR_EMPTY_INPUT',
    message: 'type the path of a file or directory to share',
  });
});

test(
  'the app log is its own; the snapshot merges both logs by time',
  TIMEOUT,
  async (t) => {
    const {node, app} = await setup(t);
    const events = recordAppEvents(app);
    await app.execute({kind: 'refresh'});
    assert.deepEqual(appLines(app), [
      'refresh: checking 0 peer(s)',
      'refresh: 0 of 0 peer(s) alive',
    ]);
    assert.ok(
      node.recentLog().every((entry) => !entry.message.startsWith('refresh')),
      "the node's log has no app lines",
    );
    const logEvents = events.filter((event) => event.event === 'log');
    assert.deepEqual(
      logEvents.map((event) => event.event === 'log' && [event.source, event.message]),
      [
        ['app', 'refresh: checking 0 peer(s)'],
        ['app', 'refresh: 0 of 0 peer(s) alive'],
      ],
    );
    node.log('info', 'a node line');
    const log = app.snapshot().log;
    assert.deepEqual(
      log.map((line: AppLogLine) => line.time),
      log.map((line) => line.time).sort((a, b) => a - b),
    );
    assert.equal(log.at(-1)?.source, 'node');
    assert.match(log[0]?.message ?? '', /^listening as /);
  },
);

test(
  'snapshot parts keep their identity until an event changes them',
  TIMEOUT,
  async (t) => {
    const {node, app, shareDir} = await setup(t, {'a.txt': 'a'});
    const first = app.snapshot();
    assert.equal(app.snapshot(), first, 'nothing happened: the same snapshot');
    assert.deepEqual(first.identity, {
      id: node.id,
      port: node.port,
      maxPeers: 5,
      downloadDir: node.downloadDir,
    });
    await app.execute({kind: 'add', path: shareDir});
    const second = app.snapshot();
    assert.notEqual(second.files, first.files);
    assert.equal(second.peers, first.peers);
    assert.equal(second.transfers, first.transfers);
    assert.deepEqual(
      second.files.map((file) => file.name),
      ['a.txt'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(second)), second, 'plain data');
  },
);

test('search asks the peers; results arrive as events', TIMEOUT, async (t) => {
  const {network, app} = await setup(t);
  const remote = await network.startNode();
  const remoteApp = new FilerApp(remote);
  const dir = await network.tempDir('remote');
  await fs.writeFile(path.join(dir, 'alpha.txt'), 'alpha');
  await remoteApp.execute({kind: 'add', path: dir});
  const joined = await app.execute({
    kind: 'rebuild',
    contact: {host: remote.advertisedHost, port: remote.port},
  });
  assert.deepEqual(joined, {ok: true, kind: 'rebuild', added: 1});
  assert.deepEqual(appLines(app), [
    `rebuild: joining through ${remote.id} (3 hops)`,
    `rebuild: 1 peer(s) added via ${remote.id}`,
  ]);

  const result = waitForAppEvent(app, 'search-result');
  assert.deepEqual(await app.execute({kind: 'search', key: 'alp'}), {
    ok: true,
    kind: 'search',
    key: 'alp',
    asked: 1,
    searchId: 1,
  });
  assert.deepEqual(await result, {
    event: 'search-result',
    key: 'alp',
    name: 'alpha.txt',
    owner: remote.id,
  });
  assert.deepEqual(app.snapshot().search?.names, ['alpha.txt']);
});

test(
  'fetch refuses a second fetch of a name; cancel picks its target',
  TIMEOUT,
  async (t) => {
    const {network, node, app} = await setup(t);
    const owner = await network.startFakePeer({serves: {total: 4 * MiB, send: 1000}});
    for (const name of ['first.bin', 'second.bin'])
      await announce(node.port, name, owner.id);

    assert.deepEqual(await app.execute({kind: 'cancel'}), {
      ok: false,
      code: 'ERR_NO_TRANSFER',
      message: 'no transfer to cancel',
    });
    const first = await app.execute({kind: 'fetch', name: 'first.bin'});
    assert.equal(first.ok && first.transfer.state, 'running');
    assert.deepEqual(await app.execute({kind: 'fetch', name: 'first.bin'}), {
      ok: false,
      code: 'ERR_ALREADY_FETCHING',
      message: 'already fetching first.bin',
    });
    const second = await app.execute({kind: 'fetch', name: 'second.bin'});
    assert.equal(second.ok, true);

    const failed = waitFor(
      node,
      'transfer-failed',
      (transfer) => transfer.name === 'first.bin',
    );
    const cancelled = await app.execute({kind: 'cancel', name: 'first.bin'});
    assert.equal(cancelled.ok && cancelled.transfer.name, 'first.bin', 'the named file');
    assert.equal((await failed)[0].state, 'cancelled');
    assert.deepEqual(
      await app.execute({kind: 'cancel', transferId: first.ok ? first.transfer.id : 0}),
      {
        ok: false,
        code: 'ERR_NO_TRANSFER',
        message: `no running transfer #${first.ok ? first.transfer.id : 0}`,
      },
    );
    const newest = await app.execute({kind: 'cancel'});
    assert.equal(newest.ok && newest.transfer.name, 'second.bin', 'else the newest');
    assert.deepEqual(appLines(app), [
      'cancelling the transfer of first.bin',
      'cancelling the transfer of second.bin',
    ]);

    const unknown = await app.execute({kind: 'fetch', name: 'nobody-has-it'});
    assert.deepEqual(unknown, {
      ok: false,
      code: 'ERR_NO_OWNER',
      message:
        'cannot fetch nobody-has-it: no peer is known to have nobody-has-it; search first',
    });
  },
);

test(
  'a running transfer is read afresh: bytes after the last progress event show',
  TIMEOUT,
  async (t) => {
    const {network, node, app} = await setup(t);
    const owner = await network.startFakePeer({
      serves: {total: 4 * MiB, send: 256 * 1024},
    });
    await announce(node.port, 'stalls.bin', owner.id);
    assert.equal((await app.execute({kind: 'fetch', name: 'stalls.bin'})).ok, true);
    // The owner sends 256 KiB at once and stalls: the node's throttled progress
    // events need not include the last of them.
    await eventually(
      () => app.snapshot().transfers[0]?.received === 256 * 1024,
      'all 256 KiB in the snapshot',
    );
  },
);

test(
  'remove, start and quit log what they do; failures are outcomes',
  TIMEOUT,
  async (t) => {
    const {network, node, app, shareDir} = await setup(t, {'s.txt': 's'});
    const contact = await network.startNode();
    assert.deepEqual(await app.execute({kind: 'remove', peerId: '10.9.9.9:1'}), {
      ok: false,
      code: 'ERR_UNKNOWN_PEER',
      message: 'cannot remove 10.9.9.9:1: 10.9.9.9:1 is not in the peer list',
    });

    const started = await app.execute({
      kind: 'start',
      shares: [shareDir, '/nonexistent/filer'],
      contact: {host: contact.advertisedHost, port: contact.port},
      hops: 2,
    });
    assert.deepEqual(started, {ok: true, kind: 'start', shared: 1, added: 1});
    const told = waitFor(contact, 'peer-removed', (peer) => peer.id === node.id);
    assert.deepEqual(await app.execute({kind: 'remove', peerId: contact.id}), {
      ok: true,
      kind: 'remove',
      peerId: contact.id,
    });
    assert.equal((await told)[1], 'quit');

    const closed = waitForAppEvent(app, 'closed');
    assert.deepEqual(await app.execute({kind: 'quit'}), {ok: true, kind: 'quit'});
    await closed;
    assert.deepEqual(await app.execute({kind: 'quit'}), {ok: true, kind: 'quit'});
    assert.equal(app.snapshot().closed, true);
    assert.deepEqual(appLines(app), [
      'removing peer 10.9.9.9:1 (sending QUIT)',
      'cannot share /nonexistent/filer: no such file or directory',
      `joining through ${contact.id} (2 hops)`,
      'joined: 1 peer(s) added',
      `removing peer ${contact.id} (sending QUIT)`,
      'quitting: sending QUIT to 0 peer(s)',
    ]);
  },
);
