/**
 * Gives every contender the same memory to write into. This VM hands free
 * memory back to the host (free page reporting: the guest kernel reports free
 * pages as soon as more than `max_waiting_mib`, 1 GiB, of them wait), and the
 * first write to memory given back costs the writing process 1.1-2.4 s of
 * system time per GB, against 0.2-0.4 s for memory freed a moment ago. Each
 * contender writes a new 1 GiB file into the page cache right after the
 * previous copy (1 GiB) was deleted, so reporting often started in the middle
 * of a transfer: measured with /sys/module/page_reporting/parameters/
 * reported_kib, 450-900 MiB were given back during plain fetches, whose
 * receivers then spent 0.85-2.1 s of system time per GB and ran at 420-1,000
 * MB/s instead of 1,800-2,500; the kernel copy, quicker to start, usually
 * escaped. Which contender met it decided the ratios.
 *
 * So, just before each timed transfer (kernel copy and filer-tui alike):
 * - when the knobs exist and may be written (root), reporting is held back
 *   (max_waiting_mib and min_free_ms raised) from the first timed transfer
 *   until the run ends, also on Ctrl-C; with them held, no page was reported
 *   during 5 fetches in a row, and every one ran at the hot rate;
 * - a scratch file as large as what the receiver will write is written and
 *   deleted, so the free memory is memory this VM holds (pages given back
 *   earlier come back on that first write, outside the timing).
 * Freeing anonymous memory instead does not work (a process's memory, freed
 * at exit in large blocks, is reported at once). `--no-warm-memory` turns
 * both off.
 */
import fs from 'node:fs';
import path from 'node:path';

const CHUNK = Buffer.alloc(1024 * 1024, 1);
/** Beyond the file itself: socket buffers, the receiver's own memory. */
const MARGIN_BYTES = 256 * 1024 * 1024;
const KNOBS = '/sys/module/page_reporting/parameters';
/** Held values: far more than this machine's memory, and longer than a transfer. */
const HELD: Record<string, string> = {max_waiting_mib: '65536', min_free_ms: '60000'};

export class MemoryWarmer {
  private saved: Map<string, string> | undefined;
  /** Why reporting cannot be held here (once known). */
  private holdRefused: string | undefined;

  constructor(
    private readonly directory: string,
    readonly enabled: boolean,
  ) {}

  /** One line for the report's head. */
  describe(): string {
    if (!this.enabled) {
      return 'free memory not warmed (--no-warm-memory): rates depend on which run meets memory the VM gave back to the host';
    }
    const holding = this.canHold()
      ? `this VM's free page reporting held during each (${KNOBS}: ${Object.entries(HELD)
          .map(([knob, value]) => `${knob} -> ${value}`)
          .join(', ')}, restored at the end)`
      : `free page reporting not held (${this.holdRefused})`;
    return `free memory warmed before each timed transfer, kernel copy and filer-tui alike: a scratch file written and deleted; ${holding}; --no-warm-memory: off; free-memory.ts says why`;
  }

  /** Just before a timed transfer that writes about `bytes` into the page cache. */
  warm(bytes: number): void {
    if (!this.enabled) return;
    this.hold();
    const scratch = path.join(this.directory, 'warm-memory.tmp');
    const fd = fs.openSync(scratch, 'w');
    try {
      for (let written = 0; written < bytes + MARGIN_BYTES; written += CHUNK.length) {
        fs.writeSync(fd, CHUNK);
      }
    } finally {
      fs.closeSync(fd);
      fs.rmSync(scratch, {force: true});
    }
  }

  /** When the run ends: reporting as it was. Synchronous, for signal handlers. */
  release(): void {
    const saved = this.saved;
    this.saved = undefined;
    for (const [knob, value] of saved ?? []) {
      fs.writeFileSync(path.join(KNOBS, knob), value);
    }
  }

  /** Bytes a receiver writes for `file`: its allocated blocks (holes are not written). */
  static bytesToWrite(file: string): number {
    const stat = fs.statSync(file);
    return Math.min(stat.size, stat.blocks * 512);
  }

  private canHold(): boolean {
    if (this.holdRefused !== undefined) return false;
    for (const knob of Object.keys(HELD)) {
      try {
        fs.accessSync(path.join(KNOBS, knob), fs.constants.R_OK | fs.constants.W_OK);
      } catch {
        this.holdRefused = `no writable ${path.join(KNOBS, knob)}`;
        return false;
      }
    }
    return true;
  }

  private hold(): void {
    if (this.saved || !this.canHold()) return;
    const saved = new Map<string, string>();
    try {
      for (const [knob, value] of Object.entries(HELD)) {
        const file = path.join(KNOBS, knob);
        saved.set(knob, fs.readFileSync(file, 'utf8').trim());
        fs.writeFileSync(file, value);
      }
      this.saved = saved;
    } catch (error) {
      this.saved = saved;
      this.release();
      this.holdRefused = (error as Error).message;
    }
  }
}
