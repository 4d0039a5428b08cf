/**
 * Real FilerNodes on 127.0.0.1 for tests and benchmarks: the one node
 * factory, waits for their typed events, temp dirs and large files, fake
 * peers, and closing everything afterwards.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import type {TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {FilerNode, type FilerNodeOptions} from '../../source/node/filer-node.js';
import type {FilerNodeEvents, PeerInfo} from '../../source/node/types.js';
import {startFakePeer, type FakePeer, type FakePeerOptions} from './fake-peer.js';
import {LOOPBACK} from './raw-client.js';

export {LOOPBACK};
export const DEFAULT_WAIT_MS = 10_000;
export const MiB = 1024 * 1024;

/**
 * Every test node: on loopback, on a free port, and without the stabilizer
 * and the top-up, whose timers would make peer lists change at moments no
 * test chose.
 */
export const TEST_NODE_OPTIONS = {
  port: 0,
  bindHost: LOOPBACK,
  advertisedHost: LOOPBACK,
  maxPeers: 5,
  stabilizeIntervalMs: 0,
  topUpIntervalMs: 0,
  /** The hash cache in memory only: no test writes to the user's state. */
  stateDir: '',
} as const satisfies FilerNodeOptions;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILER_NODE_MODULE = new URL('../../source/node/filer-node.ts', import.meta.url)
  .href;

type NodeEvent = keyof FilerNodeEvents;

/**
 * Resolves with the arguments of the first `event` for which `predicate`
 * holds. Create the promise before the action that causes the event.
 */
export function waitFor<E extends NodeEvent>(
  node: FilerNode,
  event: E,
  predicate: (...args: FilerNodeEvents[E]) => boolean = () => true,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<FilerNodeEvents[E]> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      node.off(event, listener);
    };
    const timer = setTimeout(() => {
      settle();
      reject(new Error(`no matching ${event} on ${node.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: FilerNodeEvents[E]): void => {
      let matched: boolean;
      try {
        matched = predicate(...args);
      } catch (error) {
        settle();
        reject(error as Error);
        return;
      }
      if (!matched) return;
      settle();
      resolve(args);
    };
    node.on(event, listener);
  });
}

/** Every argument list of `event` from now on, for "this never happened" checks. */
export function recordEvents<E extends NodeEvent>(
  node: FilerNode,
  event: E,
): Array<FilerNodeEvents[E]> {
  const seen: Array<FilerNodeEvents[E]> = [];
  node.on(event, (...args: FilerNodeEvents[E]) => seen.push(args));
  return seen;
}

export function peerIds(node: FilerNode): string[] {
  return node
    .peers()
    .map((peer) => peer.id)
    .sort();
}

/** Joins `node` to the network through `contact` (the original's buildpeers). */
export function join(
  node: FilerNode,
  contact: FilerNode,
  hops?: number,
): Promise<number> {
  return node.buildPeers(contact.advertisedHost, contact.port, hops);
}

export async function makeTempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `filer-${label}-`));
}

/** Writes `size` random bytes in 1 MiB chunks, never holding the whole file. */
export async function writeRandomFile(file: string, size: number): Promise<void> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let left = size; left > 0; left -= MiB) yield randomBytes(Math.min(left, MiB));
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file, {flags: 'wx'}));
}

/** sha256 of a file, read as a stream. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A peer in another process, so that it can die as a crashed peer does. */
export type NodeProcess = PeerInfo & {
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
};

/** Nodes, processes, fake peers and directories of one test, closed together. */
export class TestNetwork {
  readonly nodes: FilerNode[] = [];
  /** Nodes, processes and fake peers; closed before the directories go. */
  private readonly cleanups: Array<() => Promise<void>> = [];
  private readonly directories: string[] = [];

  async tempDir(label = 'test'): Promise<string> {
    const directory = await makeTempDir(label);
    this.directories.push(directory);
    return directory;
  }

  /**
   * Starts a node on 127.0.0.1 with a fresh download directory. The
   * stabilizer is off unless asked for, so that tests stay deterministic.
   */
  async startNode(options: FilerNodeOptions = {}): Promise<FilerNode> {
    const node = await this.createNode(options);
    await node.open();
    return node;
  }

  /** The same node, not opened yet (to watch its start). */
  async createNode(options: FilerNodeOptions = {}): Promise<FilerNode> {
    const downloadDir = options.downloadDir ?? (await this.tempDir('downloads'));
    const node = new FilerNode({...TEST_NODE_OPTIONS, ...options, downloadDir});
    this.nodes.push(node);
    this.cleanups.push(() => node.close());
    return node;
  }

  async startNodes(count: number, options: FilerNodeOptions = {}): Promise<FilerNode[]> {
    const nodes: FilerNode[] = [];
    for (let index = 0; index < count; index++) {
      nodes.push(await this.startNode(options));
    }
    return nodes;
  }

  /**
   * A chain in which each node knows only its neighbours: node i joins node
   * i - 1 with one hop, so it does not go on to the peers of its contact.
   */
  async startChain(count: number, options: FilerNodeOptions = {}): Promise<FilerNode[]> {
    const nodes = await this.startNodes(count, options);
    for (let index = 1; index < nodes.length; index++) {
      await join(nodes[index] as FilerNode, nodes[index - 1] as FilerNode, 1);
    }
    return nodes;
  }

  /** A FilerNode in a child process (tsx), killed with SIGKILL on `kill()`. */
  async startNodeProcess(options: FilerNodeOptions = {}): Promise<NodeProcess> {
    const script = [
      'const {FilerNode} = await import(process.env.FILER_NODE_MODULE);',
      'const node = await FilerNode.start(JSON.parse(process.env.FILER_NODE_OPTIONS));',
      'process.stdout.write(JSON.stringify({id: node.id, port: node.port}) + "\\n");',
    ].join('\n');
    const nodeOptions: FilerNodeOptions = {
      ...TEST_NODE_OPTIONS,
      downloadDir: await this.tempDir('process'),
      ...options,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          FILER_NODE_MODULE,
          FILER_NODE_OPTIONS: JSON.stringify(nodeOptions),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    this.cleanups.push(kill);
    const {id, port} = await firstJsonLine(child, 15_000);
    return {id, host: LOOPBACK, port, kill};
  }

  /** A fake peer (see fake-peer.ts), closed with the network. */
  async startFakePeer(options: FakePeerOptions = {}): Promise<FakePeer> {
    const peer = await startFakePeer(options);
    this.cleanups.push(() => peer.close());
    return peer;
  }

  /** Closes nodes, processes and fake peers, then removes the directories. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(
      this.cleanups.splice(0).map((cleanup) => cleanup()),
    );
    await Promise.all(
      this.directories
        .splice(0)
        .map((directory) => fs.rm(directory, {recursive: true, force: true})),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure?.status === 'rejected') throw failure.reason;
  }
}

/** A TestNetwork that is closed when the test (or suite) `context` ends. */
export function testNetwork(context: Pick<TestContext, 'after'>): TestNetwork {
  const network = new TestNetwork();
  context.after(() => network.close());
  return network;
}

function firstJsonLine(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{id: string; port: number}> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => fail(`node process did not start within ${timeoutMs} ms`),
      timeoutMs,
    );
    const fail = (message: string): void => {
      clearTimeout(timer);
      reject(new Error(`${message}${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      resolve(JSON.parse(stdout.slice(0, newline)) as {id: string; port: number});
    });
    child.once('exit', (code, signal) =>
      fail(`node process exited (${signal ?? code}) before it listened`),
    );
  });
}
