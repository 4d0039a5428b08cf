/**
 * What the attack tests share: a node to attack, raw requests to it, and the
 * process's resources (heap, RSS, descriptors) read from the OS, so each test
 * can state its bounds.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import readline from 'node:readline';
import type {TestContext} from 'node:test';
import v8 from 'node:v8';
import {fileURLToPath} from 'node:url';
import {runInNewContext} from 'node:vm';
import type {FilerNode, FilerNodeOptions} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import type {ChildConfig} from '../support/node-child.js';
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

export type ChildNode = {
  id: string;
  port: number;
  pid: number;
  /** Every log message printed so far. */
  readonly logs: string[];
  /** Resolves with the first log message matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): Promise<void>;
};

const CHILD_SCRIPT = fileURLToPath(new URL('../support/node-child.ts', import.meta.url));

/** A node in its own process, optionally with at most `maxDescriptors` open files. */
export async function startChildNode(
  t: Pick<TestContext, 'after'>,
  config: ChildConfig,
  maxDescriptors?: number,
): Promise<ChildNode> {
  const node = [process.execPath, '--import', 'tsx', CHILD_SCRIPT];
  const command = maxDescriptors
    ? spawn('sh', ['-c', `ulimit -n ${maxDescriptors} && exec "$@"`, 'sh', ...node], {
        env: {...process.env, FILER_CHILD: JSON.stringify(config)},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(node[0] as string, node.slice(1), {
        env: {...process.env, FILER_CHILD: JSON.stringify(config)},
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  const exited = new Promise<void>((resolve) => command.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (command.exitCode === null && command.signalCode === null) command.kill('SIGKILL');
    await exited;
  };
  t.after(kill);
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  command.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const listening = new Promise<{id: string; port: number}>((resolve, reject) => {
    const lines = readline.createInterface({input: command.stdout});
    lines.on('line', (line) => {
      const record = JSON.parse(line) as {
        event: string;
        message?: string;
        id?: string;
        port?: number;
      };
      if (record.event === 'log' && record.message !== undefined) {
        logs.push(record.message);
        for (const wake of [...waiters]) wake();
      }
      if (record.event === 'listening') resolve(record as {id: string; port: number});
    });
    command.once('exit', (code) =>
      reject(new Error(`child exited (${code}): ${stderr}`)),
    );
  });
  const {id, port} = await listening;
  return {
    id,
    port,
    pid: command.pid ?? 0,
    logs,
    kill,
    waitForLog(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = logs.find((message) => pattern.test(message));
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no log line like ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
  };
}

export type ResourceBounds = {heapBytes: number; descriptors: number};

/** What an attack may leave behind: 32 MiB of heap, 16 descriptors. */
export const DEFAULT_BOUNDS: ResourceBounds = {heapBytes: 32 * MiB, descriptors: 16};

/**
 * Heap and descriptors now; `assertRecovered()` later waits for the node to
 * close its sockets, checks it answers NAME, and that heap and descriptors
 * grew by no more than the bounds.
 */
export async function resourceBaseline(
  node: FilerNode,
  bounds: ResourceBounds = DEFAULT_BOUNDS,
): Promise<{assertRecovered: () => Promise<void>}> {
  const heapBefore = heapUsed();
  const descriptorsBefore = await openDescriptors();
  return {
    async assertRecovered() {
      await socketsSettle(node);
      await assertAnswersName(node);
      const grown = heapUsed() - heapBefore;
      assert.ok(
        grown <= bounds.heapBytes,
        `heap grew by ${(grown / MiB).toFixed(1)} MiB`,
      );
      const descriptorsAfter = await openDescriptors();
      if (descriptorsBefore === undefined || descriptorsAfter === undefined) return;
      assert.ok(
        descriptorsAfter - descriptorsBefore <= bounds.descriptors,
        `descriptors ${descriptorsBefore} → ${descriptorsAfter}`,
      );
    },
  };
}
