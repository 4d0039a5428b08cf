/**
 * SHA-256 of a part file while it is being filled: whenever the written
 * bytes from offset 0 grow, the new ones are read back (from the page cache)
 * and hashed, so hashing overlaps the fetch and only the tail is left when
 * the last byte lands. Ranges may arrive in any order (several sources).
 */
import {createHash} from 'node:crypto';
import {hashRegion, PIECE_BYTES} from '../files/hash-region.js';
import {addRange, prefixEnd, type Range} from './byte-ranges.js';

export class PrefixHasher {
  private readonly hash = createHash('sha256');
  private written: Range[] = [];
  private hashed = 0;
  private running: Promise<void> | undefined;
  private failure: unknown;
  /** One read buffer for the whole file: memory stays flat. */
  private readonly buffer = Buffer.allocUnsafe(PIECE_BYTES);

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Bytes [start, end) are in the file now. */
  markWritten(start: number, end: number): void {
    if (end <= start) return;
    this.written = addRange(this.written, [start, end]);
    // Cleared in a later microtask, so a catch-up with nothing to do cannot
    // clear it before it is set.
    this.running ??= this.catchUp().finally(() => (this.running = undefined));
  }

  /**
   * Bytes at `position` that are in memory now (a received batch): hashed
   * from there when they are next in line, which saves reading them back.
   */
  offer(position: number, bytes: Buffer): void {
    if (this.running || position !== this.hashed || this.failure) return;
    this.hash.update(bytes);
    this.hashed += bytes.length;
  }

  /** Bytes hashed so far. */
  get hashedBytes(): number {
    return this.hashed;
  }

  /** Once every byte is written: the hex digest of the whole file. */
  async digest(): Promise<string> {
    while (this.running) await this.running;
    if (this.failure) throw this.failure;
    if (this.hashed < this.size) {
      await hashRegion(
        this.fd,
        this.hash,
        this.hashed,
        this.size,
        this.signal,
        this.buffer,
      );
      this.hashed = this.size;
    }
    return this.hash.digest('hex');
  }

  private async catchUp(): Promise<void> {
    try {
      for (
        let end = prefixEnd(this.written);
        end > this.hashed;
        end = prefixEnd(this.written)
      ) {
        await hashRegion(this.fd, this.hash, this.hashed, end, this.signal, this.buffer);
        this.hashed = end;
      }
    } catch (error) {
      this.failure ??= error;
    }
  }
}
