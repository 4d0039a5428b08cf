/**
 * Keeps holes in a fresh part file: a batch of zero bytes is not written
 * when that region of the file was never written before, since a hole reads
 * back as zeros. A sparse file (a disk image, a 6 GiB test file) then stays
 * sparse on this disk too, and a run of zeros costs no write. A part file
 * continued from an earlier fetch may hold other bytes anywhere outside its
 * kept ranges, so there every batch is written.
 */
import {addRange, type Range} from './byte-ranges.js';
import type {WriteAt} from './write-at.js';

const ZEROS = Buffer.alloc(1024 * 1024);

export function isAllZero(buffer: Buffer, length: number): boolean {
  for (let at = 0; at < length; at += ZEROS.length) {
    const end = Math.min(length, at + ZEROS.length);
    if (buffer.compare(ZEROS, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}

function overlaps(ranges: readonly Range[], [start, end]: Range): boolean {
  return ranges.some(([from, to]) => from < end && start < to);
}

export class HoleKeepingWriter {
  /** Regions written (or being written) by this fetch. */
  private touched: Range[] = [];
  skippedBytes = 0;

  constructor(
    private readonly write: WriteAt,
    /** The part file was created empty (and sized) by this fetch. */
    private readonly fresh: boolean,
  ) {}

  readonly writeAt: WriteAt = (fd, buffer, length, position) => {
    const range: Range = [position, position + length];
    if (this.fresh && isAllZero(buffer, length) && !overlaps(this.touched, range)) {
      this.skippedBytes += length;
      return Promise.resolve();
    }
    this.touched = addRange(this.touched, range);
    return this.write(fd, buffer, length, position);
  };
}
