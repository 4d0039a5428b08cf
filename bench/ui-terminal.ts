/**
 * A fake terminal for rendering Ink without a TTY: stdout of a fixed size that
 * timestamps every frame, and a stdin that accepts raw mode and key bytes.
 */
import {PassThrough, Writable} from 'node:stream';
import {performance} from 'node:perf_hooks';

/** Synchronized-output brackets Ink writes around a frame on a TTY; not frames themselves. */
const SYNC_BRACKETS = new Set(['\u001B[?2026h', '\u001B[?2026l']);

export type Frame = {time: number; text: string};

export class FakeStdout extends Writable {
  readonly isTTY = true;
  columns: number;
  rows: number;
  frameCount = 0;
  /** Every byte written, frames and all. */
  bytes = 0;
  lastFrame: Frame | undefined;
  private readonly waiters = new Set<(frame: Frame) => void>();

  constructor(columns: number, rows: number) {
    super({decodeStrings: false});
    this.columns = columns;
    this.rows = rows;
  }

  override _write(
    chunk: string | Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const time = performance.now();
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    this.bytes += Buffer.byteLength(text);
    if (!SYNC_BRACKETS.has(text)) {
      const frame = {time, text};
      this.frameCount++;
      this.lastFrame = frame;
      for (const waiter of this.waiters) waiter(frame);
    }
    callback();
  }

  /** The next frame that satisfies `test`, or undefined after `timeoutMs`. */
  nextFrame(
    test: (frame: Frame) => boolean = () => true,
    timeoutMs = 2_000,
  ): Promise<Frame | undefined> {
    return new Promise((resolve) => {
      const waiter = (frame: Frame): void => {
        if (!test(frame)) return;
        finish();
        resolve(frame);
      };
      const timer = setTimeout(() => {
        finish();
        resolve(undefined);
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** Terminal resize, as a real TTY reports it. */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends PassThrough {
  readonly isTTY = true;
  isRaw = false;

  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

/** Strips ANSI escape sequences (colours, cursor moves) from a frame. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[@-Z\\-_])/g, '');
}

export type Summary = {
  count: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number);
  return {
    count: sorted.length,
    median: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1),
  };
}
