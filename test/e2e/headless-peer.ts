/**
 * A headless `filer-tui --headless --json` child process on loopback, with its
 * JSON event lines collected so a test can wait for them.
 */
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import readline from 'node:readline';
import {setTimeout as delay} from 'node:timers/promises';

export type PeerRecord = {event: string} & Record<string, unknown>;

export type HeadlessPeerOptions = {
  /** Absolute path of the built CLI (dist/cli.js). */
  cli: string;
  downloadDir: string;
  /** `host:port` to join through. */
  join?: string;
  share?: string[];
  maxPeers?: number;
  cwd?: string;
};

export class HeadlessPeer {
  readonly records: PeerRecord[] = [];
  /** Every stdout and stderr line, for failure messages. */
  readonly output: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  private exited = false;
  id = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    readline.createInterface({input: child.stdout}).on('line', (line) => {
      this.output.push(line);
      try {
        const record = JSON.parse(line) as unknown;
        if (typeof record === 'object' && record !== null && 'event' in record) {
          this.records.push(record as PeerRecord);
        }
      } catch {
        // Not JSON: kept in `output` only.
      }
      this.notify();
    });
    readline
      .createInterface({input: child.stderr})
      .on('line', (line) => this.output.push(`stderr: ${line}`));
    child.once('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  /** Starts the peer on a free loopback port and waits until it listens. */
  static async start(options: HeadlessPeerOptions): Promise<HeadlessPeer> {
    const args = [
      options.cli,
      '0',
      String(options.maxPeers ?? 5),
      ...(options.join ? [options.join] : []),
      '--headless',
      '--json',
      '--host',
      '127.0.0.1',
      '--bind',
      '127.0.0.1',
      '--download-dir',
      options.downloadDir,
      ...(options.share ?? []).flatMap((share) => ['--share', share]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? options.downloadDir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const peer = new HeadlessPeer(child);
    const listening = await peer.waitForRecord(
      (record) =>
        record.event === 'log' &&
        typeof record.message === 'string' &&
        /listening as 127\.0\.0\.1:\d+/.test(record.message),
      'the "listening as" line',
    );
    const match = /listening as (127\.0\.0\.1:\d+)/.exec(String(listening.message));
    peer.id = match?.[1] ?? '';
    return peer;
  }

  get port(): number {
    return Number(this.id.split(':')[1]);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Waits for the first record (already seen or future) that satisfies `test`. */
  waitForRecord(
    test: (record: PeerRecord) => boolean,
    description: string,
    timeoutMs = 10_000,
  ): Promise<PeerRecord> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.records.find(test);
        if (found) {
          finish();
          resolve(found);
        } else if (this.exited) {
          finish();
          reject(new Error(`peer exited before ${description}:\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${description}:\n${this.tail()}`,
          ),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends one stdin command (`peers`, `files`, `quit`, ...). */
  command(line: string): void {
    if (!this.exited) this.child.stdin.write(`${line}\n`);
  }

  tail(lines = 20): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Quits politely; kills the process if it does not exit within the timeout. */
  async stop(timeoutMs = 3_000): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.command('quit');
    this.child.stdin.end();
    const timeout = new AbortController();
    const result = await Promise.race([
      exited.then(() => 'exited' as const),
      delay(timeoutMs, 'timeout' as const, {signal: timeout.signal}).catch(
        () => 'exited' as const,
      ),
    ]);
    timeout.abort();
    if (result === 'timeout' && !this.exited) {
      this.child.kill('SIGKILL');
      await exited;
    }
    return this.child.exitCode;
  }
}
