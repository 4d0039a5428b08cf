/**
 * The node's side of the control socket over a FakeSession: what a lost UI
 * means (leave, or keep running), detach and keep-running, several UIs,
 * and the status every client can ask for.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {TransferInfo} from '../../source/node/types.js';
import {eventually} from '../support/eventually.js';
import {FakeSession} from '../support/fake-session.js';
import {attach, serve} from './daemon-kit.js';

const RUNNING: TransferInfo = {
  id: 1,
  name: 'big.iso',
  owner: '127.0.0.1:9001',
  state: 'running',
  received: 10,
  total: 100,
  startedAt: 0,
};

function quits(session: FakeSession): number {
  return session.commands.filter((command) => command.kind === 'quit').length;
}

test('the last UI going away without detaching makes an idle node leave', async (t) => {
  const session = new FakeSession();
  const {socketPath} = await serve(t, session);
  const ui = await attach(t, socketPath);
  assert.equal(ui.status.uis, 1);
  ui.close();
  await eventually(() => quits(session) === 1, 'the node to be told to quit');
});

test('a node with a transfer running stays when its last UI goes, and keeps running', async (t) => {
  const session = new FakeSession({transfers: [RUNNING]});
  const {server, socketPath} = await serve(t, session);
  const ui = await attach(t, socketPath);
  ui.close();
  await eventually(() => server.status().uis === 0, 'the UI to be gone');
  await eventually(() => server.status().keepRunning, 'keep running to be turned on');
  assert.equal(quits(session), 0);
});

test('keep running, set by a UI, keeps an idle node when the UI goes', async (t) => {
  const session = new FakeSession();
  const {server, socketPath} = await serve(t, session);
  const ui = await attach(t, socketPath);
  const other = await attach(t, socketPath);
  await eventually(() => ui.status.uis === 2, 'the first UI to hear of the second');
  assert.equal(ui.wouldKeepRunning(), true, 'another UI is attached');
  await ui.setKeepRunning(true);
  assert.equal(ui.keepRunning(), true);
  await eventually(() => other.keepRunning(), 'the other UI to hear of it');
  ui.close();
  other.close();
  await eventually(() => server.status().uis === 0, 'both UIs to be gone');
  assert.equal(quits(session), 0);
});

test('a UI that detaches leaves the node running; a client that is no UI never counts', async (t) => {
  const session = new FakeSession();
  const {server, socketPath} = await serve(t, session);
  const script = await attach(t, socketPath, false);
  script.close();
  const ui = await attach(t, socketPath);
  assert.equal(ui.wouldKeepRunning(), false);
  await ui.detach();
  await eventually(() => server.status().uis === 0, 'the UI to be gone');
  assert.equal(server.status().keepRunning, true);
  assert.equal(quits(session), 0);
});

test('one UI of two going away leaves the node with the other', async (t) => {
  const session = new FakeSession();
  const {server, socketPath} = await serve(t, session);
  const first = await attach(t, socketPath);
  await attach(t, socketPath);
  first.close();
  await eventually(() => server.status().uis === 1, 'one UI to remain');
  assert.equal(quits(session), 0);
});

test('status tells port, peers, shares, running transfers and uptime', async (t) => {
  const session = new FakeSession({
    peers: [{id: '127.0.0.1:9001', host: '127.0.0.1', port: 9001}],
    files: [
      {name: 'a', local: true, owners: []},
      {name: 'b', local: false, owners: ['127.0.0.1:9001']},
    ],
    transfers: [RUNNING, {...RUNNING, id: 2, state: 'done'}],
  });
  const {socketPath} = await serve(t, session, {keepRunning: true});
  const client = await attach(t, socketPath, false);
  const {status} = client;
  assert.equal(status.pid, process.pid);
  assert.equal(status.port, 9000);
  assert.equal(status.peers, 1);
  assert.equal(status.shares, 1);
  assert.equal(status.transfers, 1);
  assert.equal(status.keepRunning, true);
  assert.ok(status.now >= status.startedAt);
});

test('events are relayed in order, with the changed snapshot parts before them', async (t) => {
  const session = new FakeSession();
  const {socketPath} = await serve(t, session);
  const remote = await attach(t, socketPath);
  const seen: string[] = [];
  remote.subscribe((event) => {
    if (event.event === 'peer-added')
      seen.push(`${event.peer.id} ${remote.snapshot().peers.length}`);
  });
  const peers = [];
  for (let port = 9001; port <= 9100; port++) {
    const peer = {id: `127.0.0.1:${port}`, host: '127.0.0.1', port};
    peers.push(peer);
    session.emit({event: 'peer-added', peer}, {peers: [...peers]});
  }
  await eventually(() => seen.length === 100, 'every peer-added');
  assert.equal(
    seen[0],
    '127.0.0.1:9001 100',
    'one batch: the state arrives before its events',
  );
  assert.deepEqual(remote.snapshot().peers, peers);
});

test('an outcome comes after the events its command caused', async (t) => {
  const session = new FakeSession();
  const file = {name: 'new.txt', local: true, owners: []};
  session.answer = (command) => {
    session.emit({event: 'file-added', file}, {files: [file]});
    return command.kind === 'add'
      ? {ok: true, kind: 'add', files: [file]}
      : {ok: false, code: 'X', message: 'x'};
  };
  const {socketPath} = await serve(t, session);
  const remote = await attach(t, socketPath);
  const outcome = await remote.execute({kind: 'add', path: '/tmp/new.txt'});
  assert.equal(outcome.ok, true);
  assert.deepEqual(remote.snapshot().files, [file]);
});

test('a node that goes away closes the remote session; commands fail as outcomes', async (t) => {
  const session = new FakeSession();
  const {server, socketPath} = await serve(t, session);
  const remote = await attach(t, socketPath);
  const closed = new Promise<void>((resolve) =>
    remote.subscribe((event) => event.event === 'closed' && resolve()),
  );
  await server.close();
  await closed;
  assert.equal(remote.snapshot().closed, true);
  const outcome = await remote.execute({kind: 'peers'});
  assert.deepEqual(outcome.ok ? 'ok' : outcome.code, 'ERR_NODE_GONE');
});
