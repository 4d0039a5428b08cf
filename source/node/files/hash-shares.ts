/**
 * Hashes of this node's shared files: looked up in the cache by path, size
 * and mtime, else computed in the background, one file at a time, so FINF
 * answers at once (with "not hashed yet" until then) and serving never waits.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs/promises';
import {describeError} from '../../protocol/errors.js';
import type {Log} from '../collaborators.js';
import {hashRegion} from './hash-region.js';
import type {HashCache} from './hash-cache.js';
import {openSharedFile} from './shared-file.js';
import {limitDefault, limitHit} from '../limits.js';

/** Files waiting to be hashed; more are hashed when asked for again. */
export const MAX_HASH_QUEUE = limitDefault('hash-queue');

export class ShareHasher {
  private readonly queue = new Set<string>();
  private running = false;
  private readonly stopper = new AbortController();
  private idle: Promise<void> = Promise.resolve();
  /** The persisted cache is read before anything is hashed. */
  private readonly loaded: Promise<void>;

  constructor(
    readonly cache: HashCache,
    private readonly log: Log,
  ) {
    this.loaded = cache.load();
  }

  /** The known hash of a share as it is now, without computing anything. */
  async known(file: string, size: number, mtimeMs: number): Promise<string | undefined> {
    await this.loaded;
    return this.cache.get(file, size, mtimeMs);
  }

  /** A file known to hold this content and unchanged since it was hashed. */
  async findFile(sha256: string, size: number): Promise<string | undefined> {
    await this.loaded;
    for (const {file, mtimeMs} of this.cache.filesWith(sha256, size)) {
      if (await stillThere(file, size, mtimeMs)) return file;
    }
    return undefined;
  }

  /** Asks for `file` to be hashed soon (a file asked for by a peer goes first). */
  request(file: string, first = false): void {
    if (this.stopper.signal.aborted) return;
    if (first) this.queue.delete(file);
    else if (this.queue.has(file)) return;
    if (this.queue.size >= MAX_HASH_QUEUE) {
      limitHit(this.log, 'hash-queue', 'this node', `${file} not queued for hashing`);
      return;
    }
    if (first) {
      const rest = [...this.queue];
      this.queue.clear();
      this.queue.add(file);
      for (const other of rest) this.queue.add(other);
    } else {
      this.queue.add(file);
    }
    if (!this.running) this.idle = this.drain();
  }

  /** Resolves once nothing is queued (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.running) await this.idle;
  }

  /** Stops hashing and saves the cache. */
  async close(): Promise<void> {
    this.stopper.abort();
    this.queue.clear();
    await this.idle.catch(() => undefined);
    await this.cache.flush();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      await this.loaded;
      for (let next = first(this.queue); next; next = first(this.queue)) {
        this.queue.delete(next);
        await this.hashOne(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async hashOne(file: string): Promise<void> {
    let opened: Awaited<ReturnType<typeof openSharedFile>> | undefined;
    try {
      opened = await openSharedFile(file, {anySize: true});
      const {size, mtimeMs} = opened;
      if (this.cache.get(file, size, mtimeMs)) return;
      const hash = createHash('sha256');
      await hashRegion(opened.handle.fd, hash, 0, size, this.stopper.signal);
      // Changed while we read it: the hash belongs to no version of the file.
      const after = await opened.handle.stat();
      if (after.size !== size || after.mtimeMs !== mtimeMs) return this.request(file);
      this.cache.set(file, {size, mtimeMs, sha256: hash.digest('hex')});
      this.log('debug', `hashed ${file} (${size} bytes)`);
    } catch (error) {
      if (!this.stopper.signal.aborted) {
        this.log('debug', `cannot hash ${file}: ${describeError(error)}`);
      }
    } finally {
      await opened?.handle.close().catch(() => undefined);
    }
  }
}

function first(set: Set<string>): string | undefined {
  return set.values().next().value;
}

/** A file of `size` bytes and this mtime still at `file`? (for already-have-it). */
export async function stillThere(
  file: string,
  size: number,
  mtimeMs: number,
): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() && stat.size === size && stat.mtimeMs === mtimeMs;
  } catch {
    return false;
  }
}
