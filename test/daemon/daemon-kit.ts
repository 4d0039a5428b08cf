/**
 * Control sockets for tests: a private control directory per test (short,
 * under the system temp dir, removed afterwards), a ControlServer over a
 * session on it, and raw clients that speak the JSON lines by hand.
 */
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
import {eventually} from '../support/eventually.js';

/** A runtime directory of the test's own: `<tmp>/filer-tui` is its control directory. */
export async function tempRuntimeDir(t: Pick<TestContext, 'after'>): Promise<string> {
  // Short: a Unix socket path must fit in about 100 bytes.
  const runtime = await fs.mkdtemp(path.join(os.tmpdir(), 'ftd-'));
  t.after(() => fs.rm(runtime, {recursive: true, force: true}));
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
