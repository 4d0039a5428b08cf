/**
 * Issue 9 #7: against a peer that sends a byte every 2 s and never closes,
 * each liveness round left one socket open (20 → 43 descriptors in 70 s).
 * A probe now closes what it opens as soon as PING is sent.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import {test} from 'node:test';
import {eventually} from '../support/eventually.js';
import {rawFrame} from '../support/raw-client.js';
import {
  assertAnswersName,
  openDescriptors,
  socketsSettle,
  startTarget,
} from './attack-kit.js';

const ROUNDS = 30;
/** Descriptors the whole test may add (the old node: one per round). */
const DESCRIPTOR_SLACK = 5;

test('a peer that drips a byte now and then never makes a probe leak its socket', async (t) => {
  const {node, network} = await startTarget(t);
  const drips = new Set<NodeJS.Timeout>();
  t.after(() => drips.forEach(clearInterval));
  const dripper = await network.startFakePeer({
    onRequest: (request, socket: net.Socket) => {
      if (request.type === 'NAME') return void socket.end(rawFrame('REPL', dripper.id));
      if (request.type === 'JOIN') return void socket.end(rawFrame('REPL', 'Join: ok'));
      if (request.type === 'LIST') return void socket.end(rawFrame('REPL', '0'));
      // PING: one byte every 20 ms, never a close.
      const drip = setInterval(() => socket.write('x'), 20);
      drips.add(drip);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        drips.delete(drip);
      });
    },
  });
  await node.buildPeers(dripper.host, dripper.port, 1);
  assert.deepEqual(
    node.peers().map((peer) => peer.id),
    [dripper.id],
  );
  await socketsSettle(node);
  const before = await openDescriptors();
  for (let round = 0; round < ROUNDS; round++) {
    await node.checkPeers();
    await socketsSettle(node);
  }
  const after = await openDescriptors();
  assert.equal(
    node.peers().length,
    1,
    'the dripping peer is alive: it accepts connections',
  );
  // Each PING reached the peer (it reads them after the probe closed).
  await eventually(
    () => dripper.requests.filter((request) => request.type === 'PING').length === ROUNDS,
    `${ROUNDS} PINGs at the peer`,
  );
  if (before !== undefined && after !== undefined) {
    assert.ok(after - before <= DESCRIPTOR_SLACK, `descriptors ${before} → ${after}`);
  }
  await assertAnswersName(node);
});
