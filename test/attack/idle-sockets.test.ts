/**
 * Issue 9 #3: 260 idle sockets, re-opened every request deadline, left no
 * slot for real work (0 of 149 NAME answered in 75 s). Admission now closes
 * waiting connections of the busiest address for newcomers, caps each
 * address, and shortens the deadline under pressure.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {assertAnswersName, limitLines, socketsSettle, startTarget} from './attack-kit.js';

const IDLE_SOCKETS = 260;
const DEADLINE_MS = 1_500;
const ROUNDS = 2;

/**
 * Holds `count` idle connections from the given source addresses; every
 * deadline it re-opens the ones the node closed. Resolves on stop().
 */
function idleSwarm(port: number, count: number, sources: string[]) {
  const open = new Set<net.Socket>();
  let opened = 0;
  let stopped = false;
  const connect = (index: number): void => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      localAddress: sources[index % sources.length],
    });
    opened++;
    open.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => open.delete(socket));
  };
  for (let index = 0; index < count; index++) connect(index);
  const timer = setInterval(() => {
    if (stopped) return;
    for (let index = open.size; index < count; index++) connect(index);
  }, DEADLINE_MS);
  return {
    get opened() {
      return opened;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const socket of open) socket.destroy();
    },
  };
}

/** NAME after NAME, one at a time, for `rounds` deadlines; every one must be answered. */
async function askNameThroughout(node: FilerNode, durationMs: number): Promise<number> {
  const end = Date.now() + durationMs;
  let answered = 0;
  while (Date.now() < end) {
    await assertAnswersName(node);
    answered++;
  }
  return answered;
}

/** The report's server: 256 slots, so 260 idle sockets fill it. */
const LIMITS = {
  maxConnections: 256,
  requestTimeoutMs: DEADLINE_MS,
  pressureRequestTimeoutMs: 1_000,
};

test('260 idle sockets from one address, re-opened every deadline: NAME is always answered', async (t) => {
  const {node} = await startTarget(t, {serverLimits: LIMITS});
  const swarm = idleSwarm(node.port, IDLE_SOCKETS, ['127.0.0.2']);
  t.after(() => swarm.stop());
  const answered = await askNameThroughout(node, DEADLINE_MS * ROUNDS);
  assert.ok(answered > 0);
  assert.ok(node.resources().incoming <= 32 + 1, `${node.resources().incoming} held`);
  assert.equal(limitLines(node, 'server-connections-per-address').length, 1);
  swarm.stop();
  await socketsSettle(node);
});

test('260 idle sockets spread over ten addresses: the busiest loses, NAME is always answered', async (t) => {
  const {node} = await startTarget(t, {serverLimits: LIMITS});
  const sources = Array.from({length: 10}, (_, index) => `127.0.0.${index + 10}`);
  const swarm = idleSwarm(node.port, IDLE_SOCKETS, sources);
  t.after(() => swarm.stop());
  const answered = await askNameThroughout(node, DEADLINE_MS * ROUNDS);
  assert.ok(answered > 0);
  assert.ok(swarm.opened > IDLE_SOCKETS, 'the node closed idle sockets to make room');
  assert.ok(node.resources().incoming <= 256);
  swarm.stop();
  await socketsSettle(node);
});
