/**
 * Where this user's nodes put their control sockets: one directory only the
 * user can enter (0700, owned by the user, not a symbolic link), checked
 * before every use, so nobody else on the machine can attach, read events or
 * send commands, and nobody can slip a socket of their own in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {FilerError} from '../protocol/errors.js';

export class ControlDirError extends FilerError {
  constructor(message: string) {
    super('ERR_CONTROL_DIR', message);
  }
}

const DIR_NAME = 'filer-tui';
/** Unix socket paths longer than this do not fit in sockaddr_un on Linux and macOS. */
const MAX_SOCKET_PATH = 103;

/**
 * `$XDG_RUNTIME_DIR/filer-tui` (a per-user tmpfs, the usual place for
 * sockets), else `$XDG_STATE_HOME/filer-tui`, else `~/.local/state/filer-tui`.
 */
export function controlDirPath(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && path.isAbsolute(runtime)) return path.join(runtime, DIR_NAME);
  const state = env.XDG_STATE_HOME;
  if (state && path.isAbsolute(state)) return path.join(state, DIR_NAME);
  return path.join(os.homedir(), '.local', 'state', DIR_NAME);
}

function currentUid(): number {
  return process.getuid?.() ?? -1;
}

/** Why `stats` of `where` is not a directory only this user can use, or undefined. */
export function unsafeDirReason(stats: fs.Stats, where: string): string | undefined {
  if (stats.isSymbolicLink()) return `${where} is a symbolic link`;
  if (!stats.isDirectory()) return `${where} is not a directory`;
  if (stats.uid !== currentUid())
    return `${where} belongs to another user (uid ${stats.uid})`;
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return `${where} can be used by other users (mode ${mode.toString(8)}); run chmod 700 ${where}`;
  }
  return undefined;
}

/** Checks the directory without creating it; false when it does not exist. */
export function checkControlDir(dir: string = controlDirPath()): boolean {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ControlDirError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  const reason = unsafeDirReason(stats, dir);
  if (reason) throw new ControlDirError(`refusing the control directory: ${reason}`);
  return true;
}

/** Creates the directory (0700) if need be, then checks it; returns its path. */
export function ensureControlDir(dir: string = controlDirPath()): string {
  try {
    // The parents (e.g. ~/.local/state) get the usual modes; only ours must be private.
    fs.mkdirSync(path.dirname(dir), {recursive: true, mode: 0o700});
    fs.mkdirSync(dir, {mode: 0o700});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ControlDirError(`cannot create ${dir}: ${(error as Error).message}`);
    }
  }
  checkControlDir(dir);
  return dir;
}

/** The control socket of the node on `port`. */
export function socketPathFor(port: number, dir: string = controlDirPath()): string {
  const socketPath = path.join(dir, `${port}.sock`);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new ControlDirError(
      `the control socket path ${socketPath} is too long for a Unix socket; set XDG_RUNTIME_DIR to a shorter directory`,
    );
  }
  return socketPath;
}

/** Where the node on `port` writes its output while it runs detached. */
export function logPathFor(port: number, dir: string = controlDirPath()): string {
  return path.join(dir, `${port}.log`);
}

/** Ports of the sockets in the directory, lowest first (none when it does not exist). */
export function listedPorts(dir: string = controlDirPath()): number[] {
  if (!checkControlDir(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => /^(\d{1,5})\.sock$/.exec(name)?.[1])
    .filter((port): port is string => port !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
