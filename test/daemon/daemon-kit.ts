/**
 * Control sockets for tests: a private control directory per test (short,
 * under the system temp dir, removed afterwards), a ControlServer over a
 * session on it, and raw clients that speak the JSON lines by hand.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {TestContext} from 'node:test';
import type {AppSession} from '../../source/app/session.js';
import {
  ControlServer,
  type ControlServerOptions,
} from '../../source/daemon/control-server.js';
import {RemoteSession} from '../../source/daemon/remote-session.js';
import {socketPathFor} from '../../source/daemon/control-dir.js';
import type {NodeStatus} from '../../source/daemon/wire.js';
import {runningNodes} from '../../source/cli/running-nodes.js';
import {CLI_PATH, runCli, type CliRun} from '../support/cli-process.js';
import {eventually} from '../support/eventually.js';

/** A runtime directory of the test's own: `<tmp>/filer-tui` is its control directory. */
export async function tempRuntimeDir(t: Pick<TestContext, 'after'>): Promise<string> {
  // Short: a Unix socket path must fit in about 100 bytes.
  const runtime = await fs.mkdtemp(path.join(os.tmpdir(), 'ftd-'));
  t.after(async () => {
    await stopNodesIn(runtime);
    await fs.rm(runtime, {recursive: true, force: true});
  });
  return runtime;
}

export type Served = {
  server: ControlServer;
  socketPath: string;
  controlDir: string;
};

export async function serve(
  t: Pick<TestContext, 'after'>,
  session: AppSession,
  options: Partial<ControlServerOptions> = {},
  port = 9000,
): Promise<Served> {
  const controlDir = path.join(await tempRuntimeDir(t), 'filer-tui');
  const socketPath = socketPathFor(port, controlDir);
  const server = new ControlServer({session, ...options});
  await server.listen(socketPath);
  t.after(() => server.close());
  return {server, socketPath, controlDir};
}

export async function attach(
  t: Pick<TestContext, 'after'>,
  socketPath: string,
  ui = true,
): Promise<RemoteSession> {
  const session = await RemoteSession.attach(socketPath, {ui});
  t.after(() => session.close());
  return session;
}

/** A client that writes raw bytes and collects the node's lines, parsed. */
export class RawControlClient {
  readonly messages: Array<Record<string, unknown>> = [];
  readonly closed: Promise<void>;
  private buffered = '';
  private readonly socket: net.Socket;

  constructor(socketPath: string) {
    this.socket = net.connect(socketPath);
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      let end: number;
      while ((end = this.buffered.indexOf('\n')) !== -1) {
        this.messages.push(
          JSON.parse(this.buffered.slice(0, end)) as Record<string, unknown>,
        );
        this.buffered = this.buffered.slice(end + 1);
      }
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** The first message matching `predicate`, waiting for it. */
  async waitFor(
    predicate: (message: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<Record<string, unknown>> {
    return eventually(() => this.messages.find(predicate), what);
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  pause(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The environment of a CLI process whose control directory is the test's own. */
export function cliEnv(runtimeDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_STATE_HOME: runtimeDir,
    NO_COLOR: '1',
  };
}

/** Runs `filer-tui <args>` to completion (stdin closed) in the test's runtime directory. */
export function runCliIn(
  runtimeDir: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<CliRun> {
  return runCli(args, timeoutMs, {XDG_RUNTIME_DIR: runtimeDir, NO_COLOR: '1'});
}

/** A long-running `filer-tui <args>` (serve, events, headless), killed after the test. */
export class CliChild {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  readonly child: ChildProcessWithoutNullStreams;

  constructor(t: Pick<TestContext, 'after'>, runtimeDir: string, args: string[]) {
    this.child = spawn(process.execPath, [CLI_PATH, ...args], {env: cliEnv(runtimeDir)});
    this.child.stdout.on(
      'data',
      (chunk: Buffer) => (this.stdout += chunk.toString('utf8')),
    );
    this.child.stderr.on(
      'data',
      (chunk: Buffer) => (this.stderr += chunk.toString('utf8')),
    );
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code) => resolve(code)),
    );
    t.after(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Waits until stdout matches; the match's first group (or whole match). */
  async waitForOutput(pattern: RegExp, what: string): Promise<string> {
    const match = await eventually(
      () => pattern.exec(this.stdout) ?? undefined,
      () =>
        `${what}; stdout: ${this.stdout.slice(-2000)} stderr: ${this.stderr.slice(-500)}`,
    );
    return match[1] ?? match[0];
  }
}

/** The loopback options for a node started by a test. */
export const LOOPBACK_ARGS = ['--host', '127.0.0.1', '--bind', '127.0.0.1'];

/** `filer-tui serve 0 5` on loopback; resolves with it and its port once its socket is bound. */
export async function startServe(
  t: Pick<TestContext, 'after'>,
  runtimeDir: string,
  extra: string[] = [],
): Promise<{node: CliChild; port: number}> {
  const node = new CliChild(t, runtimeDir, [
    'serve',
    '0',
    '5',
    ...LOOPBACK_ARGS,
    ...extra,
  ]);
  const port = Number(
    await node.waitForOutput(/control socket \S+\/(\d+)\.sock/, 'the control socket'),
  );
  return {node, port};
}

/** The nodes running in the test's own runtime directory (asked in-process: no CLI start-up per look). */
export function nodeStatuses(runtimeDir: string): Promise<NodeStatus[]> {
  return runningNodes(path.join(runtimeDir, 'filer-tui'));
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends every node still running in a test's runtime directory (they run
 * detached, so nothing else would): SIGTERM, then SIGKILL after a second.
 */
async function stopNodesIn(runtimeDir: string): Promise<void> {
  const nodes = await nodeStatuses(runtimeDir).catch(() => []);
  for (const {pid} of nodes) {
    // A ControlServer inside the test process itself is closed by its own test.
    if (pid === process.pid) continue;
    process.kill(pid, 'SIGTERM');
    await eventually(() => !processAlive(pid), `node ${pid} to end`, {
      timeoutMs: 1_000,
    }).catch(() => processAlive(pid) && process.kill(pid, 'SIGKILL'));
  }
}
