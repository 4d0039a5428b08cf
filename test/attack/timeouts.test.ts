/**
 * Issue 9 #9: a peer that drips its replies pinned search and rebuild with
 * no end; a reader that stops reading held a reply for longer than the docs
 * said; a 64 KiB FGET name of control characters made a 455 KB log line.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import {MAX_LOG_LINE_CHARS} from '../../source/node/log-book.js';
import {eventually} from '../support/eventually.js';
import {RawConnection, rawFrame, rawHeader} from '../support/raw-client.js';
import {
  assertAnswersName,
  limitLines,
  MiB,
  socketsSettle,
  startTarget,
} from './attack-kit.js';

/** Answers any request with a frame announcing 1,000 bytes, then one byte every 10 ms. */
function drip(_request: unknown, socket: net.Socket): void {
  socket.write(rawHeader('REPL', 1_000));
  const timer = setInterval(() => socket.write('x'), 10);
  socket.on('error', () => undefined);
  socket.on('close', () => clearInterval(timer));
}

// Silence never lasts, so only the whole-request deadline can end these.
const DRIP_LIMITS = {replyTimeoutMs: 60_000, replyDeadlineMs: 400};

test('a contact that drips its NAME reply cannot hold a join (rebuild) open', async (t) => {
  const {node, network} = await startTarget(t, DRIP_LIMITS);
  const dripper = await network.startFakePeer({onRequest: drip});
  assert.equal(await node.rebuild(dripper.host, dripper.port), 0);
  assert.equal(limitLines(node, 'reply-deadline').length, 1);
  await socketsSettle(node);
});

test('a neighbour that drips its QUER ack cannot hold a search open', async (t) => {
  const {node, network} = await startTarget(t, DRIP_LIMITS);
  let dripping = false;
  const neighbour = await network.startFakePeer({
    onRequest: (request, socket) => {
      if (request.type === 'NAME') return void socket.end(rawFrame('REPL', neighbour.id));
      if (request.type === 'JOIN') return void socket.end(rawFrame('REPL', 'Join: ok'));
      if (request.type === 'LIST') return void socket.end(rawFrame('REPL', '0'));
      dripping = true;
      drip(request, socket);
    },
  });
  await node.buildPeers(neighbour.host, neighbour.port, 1);
  assert.equal(await node.search('song'), 0, 'the query was not taken');
  assert.ok(dripping);
  await socketsSettle(node);
});

test('a client that stops reading a reply is cut after the stall limit', async (t) => {
  const replyStallMs = 300;
  const {node, network} = await startTarget(t, {serverLimits: {replyStallMs}});
  const directory = await network.tempDir('stall');
  const file = path.join(directory, 'big.bin');
  await fs.writeFile(file, Buffer.alloc(32 * MiB));
  await node.addShare(file);
  // A client that asks and then never reads: the kernel buffers fill, then nothing moves.
  const reader = net.connect({host: '127.0.0.1', port: node.port});
  t.after(() => reader.destroy());
  reader.pause();
  reader.on('error', () => undefined);
  reader.write(rawFrame('FGET', 'big.bin'));
  await eventually(
    () => limitLines(node, 'reply-stall').length === 1,
    'a reply-stall line',
  );
  reader.destroy();
  assert.match(limitLines(node, 'reply-stall')[0] ?? '', /hit by 127\.0\.0\.1:\d+: FGET/);
  await socketsSettle(node);
  await assertAnswersName(node);
});

test('a 64 KiB FGET name of control characters makes one short, safe log line', async (t) => {
  const {node} = await startTarget(t);
  const name = Buffer.alloc(64 * 1024, 0x01);
  name.fill(0x1b, 0, 1_000);
  const connection = await RawConnection.open(node.port);
  t.after(() => connection.destroy());
  await connection.write(rawFrame('FGET', name));
  await connection.reply;
  const line = await eventually(
    () => node.recentLog().find((entry) => entry.message.startsWith('refused FGET')),
    'the refusal in the log',
  );
  assert.ok(line.message.length <= 300, `${line.message.length} characters`);
  assert.ok(line.message.length <= MAX_LOG_LINE_CHARS);
  assert.doesNotMatch(line.message, /[\x00-\x1f\x7f-\x9f]/);
  assert.match(line.message, /from 127\.0\.0\.1:\d+/, 'the line still names the peer');
});
