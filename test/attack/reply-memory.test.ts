/**
 * Issue 9 #1: each RESP made the node ask the named owner for the size, and
 * a reply of 4,096 frames of 64 KiB was buffered whole: 24 forged RESPs got
 * it OOM-killed. Now each outgoing request buffers at most its type's budget
 * and a hostile owner gets at most its share of connections.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import {test} from 'node:test';
import {eventually} from '../support/eventually.js';
import {announce, rawFrame, rawHeader} from '../support/raw-client.js';
import {
  assertAnswersName,
  heapUsed,
  limitLines,
  MiB,
  socketsSettle,
  startTarget,
  watchMemory,
} from './attack-kit.js';

/** What the whole attack may add to heap and array buffers (the old node: 430 MB a request). */
const MEMORY_BOUND = 32 * MiB;
const FORGED_RESPONSES = 48;

/** Frames of `frameData` bytes, as fast as the socket takes them, until it closes. */
function floodFrames(socket: net.Socket, frameData: number, type = 'REPL'): void {
  const frame = Buffer.concat([
    rawHeader(type, frameData),
    Buffer.alloc(frameData, 0x41),
  ]);
  socket.on('error', () => socket.destroy());
  const pump = (): void => {
    while (!socket.destroyed && socket.write(frame));
  };
  socket.on('drain', pump);
  pump();
}

test('forged RESPs naming an owner that answers SIZE with endless 64 KiB frames', async (t) => {
  const {node, network} = await startTarget(t);
  const hostile = await network.startFakePeer({
    onRequest: (_request, socket) => floodFrames(socket, 64 * 1024),
  });
  const baseline = heapUsed();
  const memory = watchMemory();
  for (let index = 0; index < FORGED_RESPONSES; index++) {
    await announce(node.port, `bait-${index}.bin`, hostile.id);
  }
  await eventually(
    () => hostile.requests.length >= FORGED_RESPONSES,
    () => `${FORGED_RESPONSES} SIZE requests (got ${hostile.requests.length})`,
  );
  await socketsSettle(node);
  const peak = memory.stop();
  assert.ok(
    peak.heap - baseline <= MEMORY_BOUND,
    `heap and buffers grew by ${((peak.heap - baseline) / MiB).toFixed(1)} MiB`,
  );
  assert.ok(hostile.requests.every((request) => request.type === 'SIZE'));
  assert.equal(limitLines(node, 'reply-text-bytes').length, 1, 'one line for the flood');
  await assertAnswersName(node);
});

test('an owner that answers SIZE with frames just within the budget, without end', async (t) => {
  const {node, network} = await startTarget(t);
  const hostile = await network.startFakePeer({
    onRequest: (_request, socket) => floodFrames(socket, 1_024),
  });
  const baseline = heapUsed();
  const memory = watchMemory();
  for (let index = 0; index < FORGED_RESPONSES; index++) {
    await announce(node.port, `small-${index}.bin`, hostile.id);
  }
  await eventually(() => hostile.requests.length >= FORGED_RESPONSES, 'SIZE requests');
  await socketsSettle(node);
  const peak = memory.stop();
  assert.ok(
    peak.heap - baseline <= MEMORY_BOUND,
    `grew by ${peak.heap - baseline} bytes`,
  );
  await assertAnswersName(node);
});

test('a contact whose LIST reply never ends: at most 256 entries are read', async (t) => {
  const {node, network} = await startTarget(t);
  let listed = false;
  const contact = await network.startFakePeer({
    onRequest: (request, socket) => {
      if (request.type === 'NAME') return void socket.end(rawFrame('REPL', contact.id));
      if (request.type === 'JOIN') return void socket.end(rawFrame('REPL', 'Join: ok'));
      if (request.type !== 'LIST') return void socket.end();
      listed = true;
      socket.write(rawFrame('REPL', '999999999'));
      // Valid-looking entries naming ports nothing listens on... endlessly.
      const entry = rawFrame('REPL', '127.0.0.1:1 127.0.0.1 1');
      const pump = (): void => {
        while (!socket.destroyed && socket.write(entry));
      };
      socket.on('error', () => socket.destroy());
      socket.on('drain', pump);
      pump();
    },
  });
  const baseline = heapUsed();
  const memory = watchMemory();
  await node.buildPeers(contact.host, contact.port, 1);
  const peak = memory.stop();
  assert.ok(listed);
  assert.ok(
    peak.heap - baseline <= MEMORY_BOUND,
    `grew by ${peak.heap - baseline} bytes`,
  );
  assert.equal(
    limitLines(node, 'list-reply-entries').length,
    1,
    JSON.stringify(node.recentLog().map((e) => e.message)),
  );
  await assertAnswersName(node);
});
