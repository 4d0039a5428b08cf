/**
 * A child process of the benchmark that speaks JSON lines: commands to stdin,
 * one `{"event": ...}` object per stdout line. Every one started is listed in
 * `runningProcesses`, so that an interrupted run can kill them all.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import {onCpu} from './cpu-pinning.js';

export type LineRecord = {event: string} & Record<string, unknown>;
export type LinePredicate = (record: LineRecord) => boolean;

export const runningProcesses = new Set<LineProcess>();

export type CpuSeconds = {user: number; system: number};

/** CPU used between two readings of one process. */
export function cpuSpent(
  before: CpuSeconds | undefined,
  after: CpuSeconds | undefined,
): CpuSeconds | undefined {
  return before && after
    ? {user: after.user - before.user, system: after.system - before.system}
    : undefined;
}

export class LineProcess {
  readonly records: LineRecord[] = [];
  readonly exited: Promise<void>;
  private stderrText = '';
  private done = false;
  private readonly listeners = new Set<() => void>();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(
    readonly label: string,
    command: string,
    args: string[],
    {env = process.env, cpu}: {env?: NodeJS.ProcessEnv; cpu?: string} = {},
  ) {
    const [program, programArgs] = onCpu(cpu, command, args);
    this.child = spawn(program, programArgs, {stdio: 'pipe', env});
    runningProcesses.add(this);
    this.child.stdin.on('error', () => undefined); // writes after exit
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-4000);
    });
    readline
      .createInterface({input: this.child.stdout, terminal: false})
      .on('line', (line) => this.accept(line));
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => {
        this.done = true;
        runningProcesses.delete(this);
        this.notify();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  mark(): number {
    return this.records.length;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** The first record from index `since` on that matches. */
  waitFor(
    predicate: LinePredicate,
    {since = 0, timeoutMs = 60_000}: {since?: number; timeoutMs?: number} = {},
  ): Promise<LineRecord> {
    return new Promise((resolve, reject) => {
      let checked = since;
      const check = (): void => {
        for (; checked < this.records.length; checked++) {
          const record = this.records[checked] as LineRecord;
          if (predicate(record)) {
            finish();
            return resolve(record);
          }
        }
        if (this.done) {
          finish();
          reject(this.failure('exited before the awaited line'));
        }
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.failure(`no awaited line within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Peak resident memory from the OS (VmHWM in /proc/<pid>/status), in bytes;
   * read while the process still runs.
   */
  peakRss(): number | undefined {
    if (this.pid === undefined || this.done) return undefined;
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * CPU seconds used so far (user and system, all threads, also ended ones)
   * from /proc/<pid>/stat; read while the process still runs. Unlike wall
   * time it hardly moves when other work competes for the CPUs.
   */
  cpuSeconds(): CpuSeconds | undefined {
    if (this.pid === undefined || this.done) return undefined;
    try {
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // Fields after the command name "(...)": utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = 100; // USER_HZ on Linux
      return {user: Number(fields[11]) / ticks, system: Number(fields[12]) / ticks};
    } catch {
      return undefined;
    }
  }

  /** Closes stdin (after `farewell`, if given); SIGKILL after `graceMs`. */
  async stop(farewell?: string, graceMs = 5_000): Promise<void> {
    if (this.done) return;
    if (farewell !== undefined) this.send(farewell);
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.done) this.child.kill('SIGKILL');
  }

  private accept(line: string): void {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && 'event' in value) {
        this.records.push(value as LineRecord);
        this.notify();
      }
    } catch {
      // Not a JSON line: not an event.
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private failure(message: string): Error {
    const recent = this.records
      .slice(-5)
      .map((record) => JSON.stringify(record).slice(0, 300))
      .join('\n  ');
    return new Error(
      `${this.label} (pid ${this.pid}) ${message}\n  ${recent}\n  stderr: ${this.stderrText.trim()}`,
    );
  }
}
