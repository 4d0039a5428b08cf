/**
 * Gives every contender the same memory to write into. On this VM the guest
 * hands memory that stays free for about 2 s back to the host (free page
 * reporting; the kernel command line sets page_reporting.page_reporting_order),
 * and the first write to such memory costs the writing process 1.1-2.4 s of
 * system time per GB, against 0.2 s for memory freed a moment ago (measured
 * with 1 GiB of 1 MiB pwrites into a new file: right after deleting another
 * file, and 2, 3, 5 s after). Each contender writes a new file into the page
 * cache, so whichever met returned memory lost: the kernel copy alone ranged
 * 700-2,900 MB/s in one run, and a verified fetch, which starts a little
 * later after the previous copy is deleted, met it nearly always.
 *
 * So just before each timed transfer (kernel copy and filer-tui alike) a
 * scratch file as large as what the receiver will write is written and
 * deleted: its pages are free and fresh when the transfer starts. Freeing
 * anonymous memory does not do it (a process's memory, freed at exit in large
 * blocks, is reported at once). `--no-warm-memory` turns this off.
 */
import fs from 'node:fs';
import path from 'node:path';

const CHUNK = Buffer.alloc(1024 * 1024, 1);
/** Beyond the file itself: socket buffers, the receiver's own memory. */
const MARGIN_BYTES = 256 * 1024 * 1024;

export class MemoryWarmer {
  constructor(
    private readonly directory: string,
    readonly enabled: boolean,
  ) {}

  /** Before a transfer that writes about `bytes` into the page cache. */
  warm(bytes: number): void {
    if (!this.enabled) return;
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

  /** Bytes a receiver writes for `file`: its allocated blocks (holes are not written). */
  static bytesToWrite(file: string): number {
    const stat = fs.statSync(file);
    return Math.min(stat.size, stat.blocks * 512);
  }
}
