/** The store behind useNodeState: bursts of events become one snapshot per frame. */
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {NodeStore} from '../../source/ui/stores/node-store.js';
import {TestNetwork} from '../support/network.js';
import {eventually} from '../support/eventually.js';
import {announce} from '../support/ui-harness.js';

const network = new TestNetwork();
let node: FilerNode;

before(async () => {
  node = await network.startNode();
});

after(() => network.close());

test('a burst of 1,000 events gives one new snapshot; the log stays bounded', async () => {
  const store = new NodeStore(node, {frameMs: 40, logLimit: 50});
  let notified = 0;
  const unsubscribe = store.subscribe(() => notified++);
  // The first flush picks up whatever happened before subscribing.
  await eventually(() => notified === 1, 'the first snapshot');
  const first = store.getSnapshot();

  for (let index = 0; index < 1_000; index++) node.log('info', `line ${index}`);
  await eventually(() => notified === 2, 'the snapshot after the burst');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(notified, 2, 'one notification for the whole burst');

  const snapshot = store.getSnapshot();
  assert.equal(snapshot.log.length, 50);
  assert.equal(snapshot.log.at(-1)?.message, 'line 999');
  assert.equal(snapshot.files, first.files, 'untouched parts keep their identity');
  assert.equal(snapshot.peers, first.peers);
  assert.notEqual(snapshot.log, first.log);

  unsubscribe();
  node.log('info', 'after unsubscribing');
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(notified, 2, 'no listener on the node any more');
});

test('events a frame apart are each shown, at most one snapshot per frame', async () => {
  const store = new NodeStore(node, {frameMs: 30});
  const times: number[] = [];
  const unsubscribe = store.subscribe(() => times.push(Date.now()));
  await eventually(() => times.length === 1, 'the first snapshot');
  const started = Date.now();
  const timer = setInterval(() => node.log('info', 'tick'), 2);
  await new Promise((resolve) => setTimeout(resolve, 300));
  clearInterval(timer);
  unsubscribe();
  const during = times.filter((time) => time >= started);
  assert.ok(during.length >= 4, `kept drawing (${during.length} snapshots)`);
  assert.ok(
    during.length <= 12,
    `at most one per 30 ms frame (${during.length} in 300 ms)`,
  );
});

test('closed is reported once the node closes', async () => {
  const other = await network.startNode();
  const store = new NodeStore(other);
  const unsubscribe = store.subscribe(() => undefined);
  await eventually(() => store.getSnapshot().takenAt > 0, 'attached');
  assert.equal(store.getSnapshot().closed, false);
  await other.close();
  await eventually(() => store.getSnapshot().closed, 'closed in the snapshot');
  unsubscribe();
});

test('a stalled transfer still gets fresh snapshots, so its rate can fall', async () => {
  const owner = await network.startFakePeer({
    serves: {total: 1024 * 1024, send: 64 * 1024},
  });
  await announce(node, 'stalled.bin', owner.id);
  const store = new NodeStore(node, {progressTickMs: 50});
  const times: number[] = [];
  const unsubscribe = store.subscribe(() => times.push(Date.now()));
  const {transfer} = node.startFetch('stalled.bin');
  await eventually(
    () =>
      store.getSnapshot().transfers.find((t) => t.id === transfer.id)?.received ===
      64 * 1024,
    'all the bytes sent before the stall',
  );
  const stalledAt = times.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(
    times.length - stalledAt >= 3,
    `${times.length - stalledAt} snapshots while stalled`,
  );
  node.cancelTransfer(transfer.id);
  await eventually(
    () => store.getSnapshot().transfers.every((t) => t.state !== 'running'),
    'the transfer ended',
  );
  const endedAt = times.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(times.length - endedAt <= 1, 'no ticking once nothing runs');
  unsubscribe();
});
