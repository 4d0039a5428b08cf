/**
 * Issue 9 #6: forged RESPs naming a black-holed owner filled 1,024
 * descriptors; NAME failed and the three live neighbours were dropped as
 * "unreachable" for the node's own EMFILE. Outgoing connections are now
 * bounded, and a local shortage is never counted against a peer.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import {test} from 'node:test';
import {limitDefault} from '../../source/node/limits.js';
import {eventually} from '../support/eventually.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';
import {
  assertAnswersName,
  sendAndLeave,
  socketsSettle,
  startChildNode,
  startTarget,
} from './attack-kit.js';

/** An owner that accepts and never answers: every lookup holds a connection. */
function silent(_request: unknown, socket: net.Socket): void {
  socket.on('error', () => undefined);
}

test('forged RESPs naming silent owners: outgoing connections stay within the pool, neighbours stay', async (t) => {
  const {node, network} = await startTarget(t, {replyTimeoutMs: 300});
  const neighbours = await network.startNodes(3);
  for (const neighbour of neighbours) {
    await node.buildPeers(neighbour.advertisedHost, neighbour.port, 1);
  }
  assert.equal(node.peers().length, 3);
  const owners = await Promise.all(
    Array.from({length: 40}, () => network.startFakePeer({onRequest: silent})),
  );
  let peakOutgoing = 0;
  const sampler = setInterval(() => {
    peakOutgoing = Math.max(peakOutgoing, node.resources().outgoing);
  }, 2);
  t.after(() => clearInterval(sampler));
  const forged = 400;
  await Promise.all(
    Array.from({length: forged}, (_, index) => {
      const owner = owners[index % owners.length];
      return sendAndLeave(node.port, rawFrame('RESP', `bait-${index} ${owner?.id}`));
    }),
  );
  // While the lookups hold their slots, the node's own probes still get through.
  await node.checkPeers();
  assert.equal(node.peers().length, 3, 'no neighbour dropped');
  await assertAnswersName(node);
  await eventually(
    () => node.resources().outgoing === 0 && node.resources().outgoingQueued === 0,
    'every lookup to end',
  );
  clearInterval(sampler);
  assert.ok(peakOutgoing > 0);
  assert.ok(
    peakOutgoing <= limitDefault('outgoing-connections'),
    `${peakOutgoing} outgoing at once`,
  );
  await socketsSettle(node);
  assert.equal(node.peers().length, 3);
});

test('out of descriptors (EMFILE), the node keeps its neighbours and recovers', async (t) => {
  const network = (await startTarget(t)).network;
  const neighbours = await Promise.all(
    [1, 2, 3].map(() =>
      network.startFakePeer({
        onRequest: (request, socket) => {
          const answers: Record<string, string> = {
            NAME: `127.0.0.1:${socket.localPort}`,
            JOIN: 'Join: peer added',
            LIST: '0',
          };
          const answer = answers[request.type];
          if (answer === undefined) socket.end();
          else socket.end(rawFrame('REPL', answer));
        },
      }),
    ),
  );
  const owner = await network.startFakePeer({onRequest: silent});
  // A pool larger than the descriptors this process may open: the shortage is the OS's.
  const child = await startChildNode(
    t,
    {
      options: {
        port: 0,
        bindHost: '127.0.0.1',
        advertisedHost: '127.0.0.1',
        stabilizeIntervalMs: 100,
        replyTimeoutMs: 3_000,
        outgoingLimits: {maxConnections: 1_000, maxPerPeer: 1_000, reservedForOwn: 0},
      },
      contacts: neighbours.map(({host, port}) => ({host, port})),
    },
    80,
  );
  for (let index = 0; index < 120; index++) {
    await sendAndLeave(child.port, rawFrame('RESP', `bait-${index} ${owner.id}`));
  }
  await child.waitForLog(
    /liveness check of .* skipped: .*(EMFILE|out of local resources)/,
  );
  // The lookups time out, the descriptors come back, and nothing was dropped.
  await eventually(
    async () => {
      const reply = await rawRequest(child.port, rawFrame('LIST')).catch(() => undefined);
      return reply?.subarray(8, 9).toString() === '3';
    },
    () => `LIST to show three neighbours again; log: ${child.logs.slice(-5).join(' | ')}`,
    {timeoutMs: 20_000, intervalMs: 200},
  );
  assert.ok(
    !child.logs.some((line) => line.includes('(unreachable)')),
    'no peer dropped',
  );
  const name = await rawRequest(child.port, rawFrame('NAME'));
  assert.equal(name.subarray(8).toString(), child.id);
});
