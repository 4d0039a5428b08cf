/**
 * Starts a node in a process of its own, fully detached from the terminal:
 * a new session (no controlling terminal, so no SIGHUP when it closes),
 * stdin from /dev/null, stdout and stderr to a log file in the control
 * directory. Resolves once the node listens and its control socket is bound.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type {Readable} from 'node:stream';
import {FilerError} from '../protocol/errors.js';
import {ensureControlDir, logPathFor} from './control-dir.js';

export const READY_FD_ENV = 'FILER_TUI_READY_FD';
export const PROVISIONAL_LOG_ENV = 'FILER_TUI_PROVISIONAL_LOG';

export type ReadyMessage =
  | {ok: true; port: number; socketPath: string; logFile: string | undefined}
  | {ok: false; message: string};

export type StartedNode = {
  port: number;
  socketPath: string;
  logFile: string;
  pid: number;
};

const READY_TIMEOUT_MS = 30_000;
/** A log file past this size is moved to `.1` when a node starts on its port. */
const LOG_ROTATE_BYTES = 4 * 1024 * 1024;

export class NodeStartError extends FilerError {
  constructor(message: string) {
    super('ERR_NODE_START', message);
  }
}

/**
 * Runs `filer-tui serve <args>` detached. `port` names the log file when
 * known (0: a provisional name, renamed by the node once it knows its port).
 */
export async function spawnDetachedNode(
  args: string[],
  port: number,
): Promise<StartedNode> {
  const dir = ensureControlDir();
  const logFile =
    port > 0 ? logPathFor(port, dir) : path.join(dir, `starting-${process.pid}.log`);
  rotate(logFile);
  const log = fs.openSync(logFile, 'a', 0o600);
  const cli = process.argv[1] ?? '';
  const child = spawn(process.execPath, [...process.execArgv, cli, 'serve', ...args], {
    detached: true,
    stdio: ['ignore', log, log, 'pipe'],
    env: {
      ...process.env,
      [READY_FD_ENV]: '3',
      ...(port > 0 ? {} : {[PROVISIONAL_LOG_ENV]: logFile}),
    },
  });
  fs.closeSync(log);
  const pipe = child.stdio[3] as Readable;
  try {
    const ready = await readReady(pipe, logFile);
    return {
      port: ready.port,
      socketPath: ready.socketPath,
      logFile: ready.logFile ?? logFile,
      pid: child.pid ?? 0,
    };
  } finally {
    pipe.destroy();
    child.unref();
  }
}

function readReady(
  pipe: Readable,
  logFile: string,
): Promise<Extract<ReadyMessage, {ok: true}>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new NodeStartError(
          `the node did not start within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`,
        ),
      );
    }, READY_TIMEOUT_MS);
    const lines = readline.createInterface({input: pipe, terminal: false});
    let told = false;
    lines.once('line', (line) => {
      told = true;
      clearTimeout(timer);
      let message: ReadyMessage;
      try {
        message = JSON.parse(line) as ReadyMessage;
      } catch {
        reject(new NodeStartError(`the node said something unexpected; see ${logFile}`));
        return;
      }
      if (message.ok) resolve(message);
      else reject(new NodeStartError(message.message));
    });
    // The pipe closes when the node has told, or when it died without telling.
    lines.once('close', () => {
      if (told) return;
      clearTimeout(timer);
      reject(new NodeStartError(`the node exited before it started; see ${logFile}`));
    });
  });
}

function rotate(logFile: string): void {
  try {
    if (fs.statSync(logFile).size > LOG_ROTATE_BYTES)
      fs.renameSync(logFile, `${logFile}.1`);
  } catch {
    // no log yet
  }
}
