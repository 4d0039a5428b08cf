/**
 * The control socket file: bound only where no live node answers (a socket
 * left by a crashed node is replaced), made 0600, and removed on close only
 * if it is still the one this process bound.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {FilerError} from '../protocol/errors.js';
import {ControlDirError, ensureControlDir} from './control-dir.js';

export class NodeAlreadyRunningError extends FilerError {
  constructor(readonly socketPath: string) {
    super('ERR_NODE_RUNNING', `a node of yours already answers on ${socketPath}`);
  }
}

export type SocketState = 'live' | 'stale' | 'absent';

const PROBE_TIMEOUT_MS = 2_000;

/** Whether a node answers on `socketPath`: a refused connection means a crashed node's leftover. */
export function probeSocket(socketPath: string): Promise<SocketState> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (state: SocketState): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    // A node too busy to accept at once is still a node.
    const timer = setTimeout(() => done('live'), PROBE_TIMEOUT_MS);
    socket.once('connect', () => done('live'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(
        error.code === 'ENOENT'
          ? 'absent'
          : error.code === 'ECONNREFUSED'
            ? 'stale'
            : 'live',
      ),
    );
  });
}

/** Removes `socketPath` when it is a socket nobody answers on; true if it did. */
export async function removeIfStale(socketPath: string): Promise<boolean> {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(socketPath);
  } catch {
    return false;
  }
  if (!stats.isSocket()) return false;
  if ((await probeSocket(socketPath)) !== 'stale') return false;
  fs.rmSync(socketPath, {force: true});
  return true;
}

export type BoundSocket = {path: string; remove(): void};

export async function bindControlSocket(
  server: net.Server,
  socketPath: string,
): Promise<BoundSocket> {
  ensureControlDir(path.dirname(socketPath));
  const existing = fs.lstatSync(socketPath, {throwIfNoEntry: false});
  if (existing && !existing.isSocket()) {
    throw new ControlDirError(`${socketPath} exists and is not a socket; remove it`);
  }
  if (existing) {
    const state = await probeSocket(socketPath);
    if (state === 'live') throw new NodeAlreadyRunningError(socketPath);
    if (state === 'stale') fs.rmSync(socketPath, {force: true});
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The directory is private already; the socket is too, in case it is ever moved.
  fs.chmodSync(socketPath, 0o600);
  const {ino} = fs.statSync(socketPath);
  return {
    path: socketPath,
    remove: () => {
      const now = fs.lstatSync(socketPath, {throwIfNoEntry: false});
      if (now?.ino === ino) fs.rmSync(socketPath, {force: true});
    },
  };
}
