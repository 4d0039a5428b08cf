/**
 * SHA-256 of a part file while it is being filled: whenever the written
 * bytes from offset 0 grow, a worker thread hashes the new ones, so hashing
 * overlaps the fetch and only the tail is left when the last byte lands.
 * Ranges may arrive in any order (several sources).
 *
 * Why a thread: SHA-256 (~1.4 GB/s on one core here) and receiving + writing
 * (~2 GB/s) on one thread add up to ~0.8 GB/s at most; on its own thread the
 * hash runs on the other core while the main thread receives. A received
 * batch next in line is offered to the worker, which hashes it in place
 * (shared memory, no copy); bytes no offer brought are read back from the
 * page cache through the same descriptor. Offers, releases, the written
 * prefix and progress travel through shared memory (hash-channel.ts), not
 * messages: per MiB that costs a few atomic operations, not two structured
 * clones. The owner must close() the hasher before closing the descriptor.
 */
import {fileURLToPath} from 'node:url';
import fs from 'node:fs';
import {Worker} from 'node:worker_threads';
import {addRange, prefixEnd, type Range} from './byte-ranges.js';
import {HashChannel, OFFER_SLOTS} from './hash-channel.js';
import type {HashWorkerData, HashWorkerReply, HashWorkerRequest} from './hash-worker.js';
import {KnownMemories} from './known-memories.js';

/** The hashing thread ended without a digest: it died, or the part file broke. */
export class HashWorkerError extends Error {
  readonly code = 'ERR_HASH_WORKER';
  constructor(reason: string) {
    super(`hashing the received data failed: ${reason}`);
    this.name = 'HashWorkerError';
  }
}

export type PrefixHasherOptions = {
  signal?: AbortSignal;
  /** Told once when hashing fails before digest() is asked (the fetch can stop early). */
  onFailure?: (error: Error) => void;
};

/** An offer the worker may still read: resolved when it lets go. */
type HeldOffer = {release: () => void; memory: number};

export class PrefixHasher {
  private written: Range[] = [];
  private posted = 0;
  /** Where the next byte the worker will hash in order starts (offers included). */
  private lineEnd = 0;
  private readonly channel = new HashChannel();
  private readonly memories: KnownMemories;
  /** Offers published and not yet released, in order (the worker releases in order). */
  private readonly held: HeldOffer[] = [];
  private published = 0;
  private released = 0;
  /** A waitAsync on the released count is pending. */
  private watching = false;
  private failure: Error | undefined;
  private finishing = false;
  private finished = false;
  private readonly worker: Worker;
  private readonly result: Promise<string>;
  private reject: (error: Error) => void = () => undefined;

  constructor(
    fd: number,
    private readonly size: number,
    private readonly options: PrefixHasherOptions = {},
  ) {
    this.worker = startHashWorker({fd, channel: this.channel.shared});
    this.memories = new KnownMemories((memory, index) => {
      const request: HashWorkerRequest = {memory, index};
      this.worker.postMessage(request);
    });
    this.result = new Promise<string>((resolve, reject) => {
      this.reject = reject;
      this.worker.on('message', (reply: HashWorkerReply) => {
        if ('digest' in reply) {
          this.finished = true;
          resolve(reply.digest);
        } else this.fail(new HashWorkerError(reply.error));
      });
      this.worker.on('error', (error) => this.fail(new HashWorkerError(error.message)));
      this.worker.on('exit', (code) =>
        this.fail(new HashWorkerError(`the worker exited (${code})`)),
      );
    });
    // Rejections are read by digest(); until then they are expected, not unhandled.
    this.result.catch(() => undefined);
    options.signal?.addEventListener('abort', () => void this.close(), {once: true});
  }

  /** Bytes [start, end) are in the file now. */
  markWritten(start: number, end: number): void {
    if (end <= start) return;
    this.written = addRange(this.written, [start, end]);
    const prefix = prefixEnd(this.written);
    if (prefix > this.posted && this.running)
      this.channel.markWritten((this.posted = prefix));
    this.lineEnd = Math.max(this.lineEnd, prefix);
  }

  /**
   * A received batch at `position`: when it is next in line and in shared
   * memory, the worker hashes it in place (no read-back). The promise says
   * when the batch may be reused: the worker no longer reads it, or the
   * hasher stopped (its digest is then never used); undefined: at once.
   */
  offer(position: number, batch: Buffer, length: number): Promise<void> | undefined {
    const memory = batch.buffer;
    if (!(memory instanceof SharedArrayBuffer) || position !== this.lineEnd) return;
    if (!this.running || this.finishing || this.held.length >= OFFER_SLOTS) return;
    const index = this.memories.indexOf(memory, (candidate) =>
      this.held.some((offer) => offer.memory === candidate),
    );
    if (index === undefined) return;
    this.lineEnd = position + length;
    this.channel.publish(this.published++, {
      memory: index,
      registrations: this.memories.sent,
      offset: batch.byteOffset,
      length,
      position,
    });
    const seen = new Promise<void>((release) => this.held.push({release, memory: index}));
    this.watchReleases();
    return seen;
  }

  /** Bytes hashed so far (as the worker last stored). */
  get hashedBytes(): number {
    return this.finished ? this.size : this.channel.hashedBytes;
  }

  /** Once every byte is written: the hex digest of the whole file. */
  async digest(): Promise<string> {
    this.options.signal?.throwIfAborted();
    if (this.failure) throw this.failure;
    if (this.running && !this.finishing) this.channel.finish(this.size);
    this.finishing = true;
    return this.result;
  }

  /** Ends the worker (idempotent); awaited before the descriptor is closed. */
  async close(): Promise<void> {
    const reason: unknown = this.options.signal?.reason;
    this.stop(reason instanceof Error ? reason : new HashWorkerError('stopped'));
    await this.worker.terminate();
  }

  private get running(): boolean {
    return !this.failure && !this.finished;
  }

  /**
   * Resolves the offers the worker let go of, then sleeps (waitAsync, no
   * thread blocked) until it lets go of more: one wake-up per change of the
   * count, however many offers it covers.
   */
  private watchReleases(): void {
    while (!this.watching && this.held.length > 0) {
      const released = this.channel.releasedSince(this.released);
      for (; this.released < released; this.released++) this.held.shift()?.release();
      if (this.held.length === 0) return;
      const change = this.channel.releaseChange(this.released);
      if (!change) continue;
      this.watching = true;
      void change.then(() => {
        this.watching = false;
        this.watchReleases();
      });
    }
  }

  /** The worker failed on its own: the owner hears it at once. */
  private fail(error: Error): void {
    if (this.stop(error)) this.options.onFailure?.(error);
  }

  /** Settles digest() with `error` unless it has settled; true if it did now. */
  private stop(error: Error): boolean {
    if (!this.running) return false;
    this.failure = error;
    this.reject(error);
    this.channel.stop();
    for (const offer of this.held.splice(0)) offer.release();
    void this.worker.terminate();
    return true;
  }
}

function startHashWorker(data: HashWorkerData): Worker {
  const file = hashWorkerFile();
  if (!file.pathname.endsWith('.ts')) return new Worker(file, {workerData: data});
  // Run from the sources (tests): Node 20 does not apply the parent's tsx
  // hooks to a worker's entry, so the worker registers tsx before loading it.
  const load = `import('tsx/esm/api').then(({register}) => { register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(load, {eval: true, workerData: data});
}

let workerFile: URL | undefined;

/**
 * hash-worker next to this module (sources, tsc output), or, in the bundled
 * CLI, dist/hash-worker.js next to cli.js or one folder up from its chunks.
 */
function hashWorkerFile(): URL {
  if (workerFile) return workerFile;
  const here = import.meta.url;
  const extension = here.endsWith('.ts') ? 'ts' : 'js';
  const candidates = [
    new URL(`./hash-worker.${extension}`, here),
    new URL('../hash-worker.js', here),
  ];
  workerFile = candidates.find((url) => fs.existsSync(fileURLToPath(url)));
  if (!workerFile) throw new HashWorkerError(`no hash-worker file near ${here}`);
  return workerFile;
}
