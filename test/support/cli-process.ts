/**
 * The built CLI (`node dist/cli.js`, from `npm run build`) as a child process
 * with piped stdio: JSON lines from stdout, commands to stdin, the exit code.
 * Every process started here is killed when its test ends.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type {TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const CLI_WAIT_MS = 10_000;
export const TEST_STATE_HOME = path.join(os.tmpdir(), 'filer-tui-test-state');
/** The log line a node prints once it listens; group 1 is its peer id. */
const LISTENING = /^listening as (\S+:\d+)/;

/** One line of `--headless --json` output. */
export type CliRecord = {event: string} & Record<string, unknown>;
export type CliExit = {code: number | null; signal: NodeJS.Signals | null};
export type RecordPredicate = (record: CliRecord) => boolean;

export class CliProcess {
  /** Parsed stdout lines, in order. */
  readonly records: CliRecord[] = [];
  /** stdout lines that are not JSON objects with an `event`. */
  readonly invalidLines: string[] = [];
  readonly exited: Promise<CliExit>;
  private stderrText = '';
  private exit: CliExit | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], options: {cwd?: string} = {}) {
    this.child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      // The hash cache goes to a scratch directory, never the user's state.
      env: {...process.env, NO_COLOR: '1', XDG_STATE_HOME: TEST_STATE_HOME},
      stdio: 'pipe',
    });
    this.child.stdin.on('error', () => undefined); // writes after exit
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
    });
    readline
      .createInterface({input: this.child.stdout, terminal: false})
      .on('line', (line) => this.accept(line));
    this.exited = new Promise((resolve) => {
      // 'close' comes after stdout ended, so every line has been read by then.
      this.child.once('close', (code, signal) => {
        this.exit = {code, signal};
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Index of the next record, to wait only for what a later command causes. */
  mark(): number {
    return this.records.length;
  }

  /** Writes one command line to stdin. */
  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** The first record from index `since` on that matches, waiting if need be. */
  waitForRecord(
    predicate: RecordPredicate,
    {since = 0, timeoutMs = CLI_WAIT_MS}: {since?: number; timeoutMs?: number} = {},
  ): Promise<CliRecord> {
    return new Promise((resolve, reject) => {
      let checked = since;
      const check = (): void => {
        for (; checked < this.records.length; checked++) {
          const record = this.records[checked] as CliRecord;
          if (predicate(record)) {
            finish();
            resolve(record);
            return;
          }
        }
        if (this.exit) {
          finish();
          reject(this.failure(`exited (${this.exitText()}) before a matching line`));
        }
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.failure(`no matching line within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Sends a command and waits for the first matching record it causes. */
  request(command: string, predicate: RecordPredicate): Promise<CliRecord> {
    const since = this.mark();
    this.send(command);
    return this.waitForRecord(predicate, {since});
  }

  async waitForExit(timeoutMs = CLI_WAIT_MS): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.failure(`did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL unless it already exited; resolves once it is gone. */
  async kill(): Promise<CliExit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /**
   * Waits for the "listening as <host>:<port>" log line (the first a node
   * prints) and returns that peer id.
   */
  async waitForListening(timeoutMs = CLI_WAIT_MS): Promise<string> {
    const record = await this.waitForRecord(
      (candidate) =>
        candidate.event === 'log' && LISTENING.test(String(candidate.message)),
      {timeoutMs},
    );
    return LISTENING.exec(String(record.message))?.[1] as string;
  }

  /**
   * Quits politely (`quit`, then stdin closed); SIGKILL if it has not exited
   * within `timeoutMs`. Resolves once it is gone.
   */
  async stop(timeoutMs = 3_000): Promise<CliExit> {
    if (!this.running) return this.exited;
    if (!this.child.stdin.writableEnded) {
      this.send('quit');
      this.child.stdin.end();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return this.kill();
  }

  /** The last records and stderr, for a failure message. */
  tail(lines = 20): string {
    const recent = this.records
      .slice(-lines)
      .map((record) => JSON.stringify(record))
      .join('\n  ');
    return `  last lines:\n  ${recent}\n  stderr: ${this.stderr.trim()}`;
  }

  private accept(line: string): void {
    try {
      const value: unknown = JSON.parse(line);
      if (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as {event?: unknown}).event === 'string'
      ) {
        this.records.push(value as CliRecord);
        this.notify();
        return;
      }
    } catch {
      // not JSON: kept below
    }
    this.invalidLines.push(line);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private exitText(): string {
    return this.exit?.signal ?? String(this.exit?.code);
  }

  private failure(message: string): Error {
    return new Error(`filer-tui (pid ${this.pid}) ${message}\n${this.tail(5)}`);
  }
}

/** The options that keep a headless node on loopback. */
export const HEADLESS_LOOPBACK_ARGS = [
  '--headless',
  '--json',
  '--host',
  '127.0.0.1',
  '--bind',
  '127.0.0.1',
];

/** Starts `filer-tui <args> --headless --json` on loopback; killed after the test. */
export function startHeadless(
  context: Pick<TestContext, 'after'>,
  args: string[],
  options: {cwd?: string} = {},
): CliProcess {
  const cli = new CliProcess([...args, ...HEADLESS_LOOPBACK_ARGS], options);
  context.after(async () => {
    await cli.kill();
  });
  return cli;
}

export type CliRun = CliExit & {stdout: string; stderr: string};

/** Runs the CLI to completion with stdin closed (not a TTY). */
export async function runCli(
  args: string[],
  timeoutMs = CLI_WAIT_MS,
  /** Variables set on top of the test environment (XDG_RUNTIME_DIR, ...). */
  env: Record<string, string> = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    stdio: 'pipe',
    env: {...process.env, XDG_STATE_HOME: TEST_STATE_HOME, ...env},
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await new Promise<CliExit>((resolve) =>
    child.once('close', (code, signal) => resolve({code, signal})),
  );
  clearTimeout(timer);
  return {...exit, stdout, stderr};
}
