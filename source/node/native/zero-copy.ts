/**
 * The optional zero-copy transfer addon (native/zero-copy.c, built at install
 * on Linux by scripts/build-native.js): sendfile(2) for a body we send,
 * splice(2) for a body we receive without hashing it. Each transfer runs on a
 * thread of its own with duplicated descriptors; this module starts it, reads
 * its progress and stops it when the socket closes or the caller cancels.
 *
 * Where the addon is missing (not Linux, no compiler at install, the socket
 * has no descriptor, FILER_TUI_NATIVE=0) startZeroCopy returns undefined and
 * the caller uses its JavaScript path.
 */
import fs from 'node:fs';
import {createRequire} from 'node:module';
import type {Socket} from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {limitDefault} from '../limits.js';

type Start = (
  socketFd: number,
  fileFd: number,
  offset: number,
  length: number,
  control: Float64Array,
  stallMs: number,
) => Promise<number>;

type Addon = {sendFile: Start; receiveToFile: Start};

/** How the addon rejects: the errno name, and which end failed. */
export type ZeroCopyError = Error & {
  code: string;
  side: 'socket' | 'file';
  bytes: number;
};

export function isZeroCopyError(error: unknown): error is ZeroCopyError {
  return error instanceof Error && 'side' in error && 'code' in error;
}

/** Each transfer holds a thread; beyond this many at once, the JavaScript path. */
const MAX_ZERO_COPY_TRANSFERS = limitDefault('zero-copy-transfers');
const ADDON_FILE = path.join('native', 'build', 'zero-copy.node');

let addon: Addon | null | undefined;
let running = 0;
let started = 0;

/** The addon, looked for in the package root above this module (sources, dist, chunks). */
function loadAddon(): Addon | undefined {
  if (addon !== undefined) return addon ?? undefined;
  addon = null;
  if (process.env.FILER_TUI_NATIVE === '0' || process.platform !== 'linux') return;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = path.join(directory, ADDON_FILE);
    if (fs.existsSync(candidate)) {
      try {
        addon = createRequire(import.meta.url)(candidate) as Addon;
      } catch {
        addon = null; // built for another Node or machine: the JavaScript path
      }
      break;
    }
    directory = path.dirname(directory);
  }
  return addon ?? undefined;
}

/** Whether transfers can go zero-copy here (for status and logs). */
export function zeroCopyAvailable(): boolean {
  return loadAddon() !== undefined;
}

/** Zero-copy transfers started in this process (tests check which path ran). */
export function zeroCopyTransfersStarted(): number {
  return started;
}

/** Every zero-copy thread is busy: a transfer now takes the JavaScript path. */
export function zeroCopyFull(): boolean {
  return running >= MAX_ZERO_COPY_TRANSFERS;
}

/** The descriptor under a TCP socket (Unix), if it has one. */
function socketDescriptor(socket: Socket): number | undefined {
  const handle = (socket as unknown as {_handle?: {fd?: unknown}})._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

export type ZeroCopyTransfer = {
  /** Bytes moved; fewer than asked: the file ended (send) or the peer closed (receive). */
  readonly done: Promise<number>;
  /** Bytes moved so far. */
  progress(): number;
  /** Asks the thread to stop; `done` then rejects with code ECANCELED. */
  cancel(): void;
};

export type ZeroCopyRequest = {
  direction: 'send' | 'receive';
  socket: Socket;
  fd: number;
  /** Where in the file the bytes start. */
  position: number;
  length: number;
  /** No byte moving for this long fails with code ETIMEDOUT; 0: never. */
  stallMs: number;
};

/**
 * Starts moving bytes between the socket and the file on a thread; undefined
 * when the JavaScript path must do it. Nothing else may read (receive) or
 * write (send) the socket until `done` settles; closing it is safe (it stops
 * the transfer).
 */
export function startZeroCopy(request: ZeroCopyRequest): ZeroCopyTransfer | undefined {
  const native = loadAddon();
  const socketFd = socketDescriptor(request.socket);
  if (!native || socketFd === undefined || running >= MAX_ZERO_COPY_TRANSFERS) return;
  const control = new Float64Array(new SharedArrayBuffer(16));
  const cancel = (): void => {
    control[0] = 1;
  };
  const start = request.direction === 'send' ? native.sendFile : native.receiveToFile;
  let done: Promise<number>;
  try {
    done = start(
      socketFd,
      request.fd,
      request.position,
      request.length,
      control,
      request.stallMs,
    );
  } catch {
    return; // e.g. no descriptor left to duplicate: the JavaScript path
  }
  running++;
  started++;
  request.socket.once('close', cancel);
  return {
    done: done.finally(() => {
      running--;
      request.socket.off('close', cancel);
    }),
    progress: () => control[1] ?? 0,
    cancel,
  };
}
