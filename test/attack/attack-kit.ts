/**
 * What the attack tests share: a node to attack, raw requests to it, and the
 * process's resources (heap, RSS, descriptors) read from the OS, so each test
 * can state its bounds.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import type {TestContext} from 'node:test';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';
import type {FilerNode, FilerNodeOptions} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import {testNetwork, type TestNetwork} from '../support/network.js';
import {LOOPBACK, rawFrame, rawRequest} from '../support/raw-client.js';

export const MiB = 1024 * 1024;

export type Target = {node: FilerNode; network: TestNetwork};

/** A node on loopback that logs what it refuses. */
export async function startTarget(
  t: Pick<TestContext, 'after'>,
  options: FilerNodeOptions = {},
): Promise<Target> {
  const network = testNetwork(t);
  const node = await network.startNode({sizeLookup: true, ...options});
  return {node, network};
}

/** NAME answered with exactly this node's id. */
export async function assertAnswersName(node: FilerNode): Promise<void> {
  const reply = await rawRequest(node.port, rawFrame('NAME'));
  assert.equal(reply.toString('hex'), rawFrame('REPL', node.id).toString('hex'));
}

/** Descriptors this process holds, from /proc (undefined where there is none). */
export async function openDescriptors(): Promise<number | undefined> {
  try {
    return (await fs.readdir('/proc/self/fd')).length;
  } catch {
    return undefined;
  }
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap in use after a full garbage collection. */
export function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Heap and RSS of this process, sampled until stop(): the peaks seen. */
export function watchMemory(intervalMs = 5): {stop: () => {heap: number; rss: number}} {
  let heap = 0;
  let rss = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    heap = Math.max(heap, usage.heapUsed + usage.arrayBuffers);
    rss = Math.max(rss, usage.rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return {heap, rss};
    },
  };
}

/** Waits until the node holds no more sockets than `atMost`. */
export async function socketsSettle(node: FilerNode, atMost = 0): Promise<void> {
  await eventually(
    () => node.resources().sockets <= atMost,
    () =>
      `the node to hold at most ${atMost} sockets (holds ${node.resources().sockets})`,
    {timeoutMs: 20_000},
  );
}

/** Log lines of the node that start with `limit <name> `. */
export function limitLines(node: FilerNode, name: string): string[] {
  return node
    .recentLog()
    .map((entry) => entry.message)
    .filter((message) => message.startsWith(`limit ${name} `));
}

/** Sends `frame` and closes without reading, as a fire-and-forget attacker. */
export function sendAndLeave(
  port: number,
  frame: Buffer,
  localAddress?: string,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({host: LOOPBACK, port, localAddress});
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.end(frame);
    socket.resume();
  });
}
