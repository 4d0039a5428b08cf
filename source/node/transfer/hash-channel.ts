/**
 * The shared memory between the receive loop and its hashing worker
 * (prefix-hasher.ts, hash-worker.ts): a ring of offered batches and a few
 * counters. Handing a 1 MiB batch to the worker and getting it back costs a
 * few atomic operations instead of two structured-clone messages.
 *
 * The main thread writes offers (a ring slot, then `published`), the written
 * prefix, `finish` and `stop`; each of these bumps `wake`, the word the worker
 * sleeps on. The worker writes `released` (offers it no longer reads, in
 * order; the main thread awaits it with Atomics.waitAsync) and `hashed`.
 * Every access is atomic, so no ordering argument is needed beyond "a slot is
 * written before `published` counts it, and is rewritten only once released".
 *
 * Imports nothing: the bundled worker stays a small file (scripts/bundle.js).
 */

/** Offers the worker may hold at once; a receiver has at most a few batches out. */
export const OFFER_SLOTS = 64;

// Int32 words (Atomics.wait/waitAsync need Int32 or BigInt64).
const WAKE = 0;
const PUBLISHED = 1;
const RELEASED = 2;
const FINISH = 3;
const STOP = 4;
const WORDS = 8;
// BigInt64 words: byte counts beyond 4 GiB.
const WRITTEN_END = 0;
const HASHED = 1;
const BIG_WORDS = 2;
// Per slot: the file position (BigInt64) and four Int32 fields.
const SLOT_MEMORY = 0;
const SLOT_OFFSET = 1;
const SLOT_LENGTH = 2;
const SLOT_REGISTRATIONS = 3;
const SLOT_FIELDS = 4;

const BIG_START = WORDS * 4;
const POSITIONS_START = BIG_START + BIG_WORDS * 8;
const SLOTS_START = POSITIONS_START + OFFER_SLOTS * 8;
const CHANNEL_BYTES = SLOTS_START + OFFER_SLOTS * SLOT_FIELDS * 4;

/** A received batch as the worker finds it in the ring. */
export type ChannelOffer = {
  /** Index of the batch's shared memory in the worker's table. */
  memory: number;
  /** Memories sent to the worker before this offer: it reads those messages first. */
  registrations: number;
  offset: number;
  length: number;
  /** Where the batch goes in the file. */
  position: number;
};

/** Atomics.waitAsync (Node >= 16); TypeScript types it only from lib es2024 on. */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => {async: false; value: string} | {async: true; value: Promise<string>};
const {waitAsync} = Atomics as unknown as {waitAsync: WaitAsync};

/** Counts in Int32 words wrap; the distance between two of them does not. */
function countsApart(later: number, earlier: number): number {
  return (later - earlier) | 0;
}

export class HashChannel {
  private readonly words: Int32Array;
  private readonly big: BigInt64Array;
  private readonly positions: BigInt64Array;
  private readonly slots: Int32Array;

  constructor(readonly shared = new SharedArrayBuffer(CHANNEL_BYTES)) {
    this.words = new Int32Array(shared, 0, WORDS);
    this.big = new BigInt64Array(shared, BIG_START, BIG_WORDS);
    this.positions = new BigInt64Array(shared, POSITIONS_START, OFFER_SLOTS);
    this.slots = new Int32Array(shared, SLOTS_START, OFFER_SLOTS * SLOT_FIELDS);
  }

  // The main thread's side.

  /** Publishes offer number `id` (0, 1, 2, ...); the caller keeps fewer than OFFER_SLOTS held. */
  publish(id: number, offer: ChannelOffer): void {
    const slot = id % OFFER_SLOTS;
    const field = slot * SLOT_FIELDS;
    Atomics.store(this.positions, slot, BigInt(offer.position));
    Atomics.store(this.slots, field + SLOT_MEMORY, offer.memory);
    Atomics.store(this.slots, field + SLOT_OFFSET, offer.offset);
    Atomics.store(this.slots, field + SLOT_LENGTH, offer.length);
    Atomics.store(this.slots, field + SLOT_REGISTRATIONS, offer.registrations);
    Atomics.store(this.words, PUBLISHED, (id + 1) | 0);
    this.wakeWorker();
  }

  /** Bytes [0, end) are in the file. */
  markWritten(end: number): void {
    Atomics.store(this.big, WRITTEN_END, BigInt(end));
    this.wakeWorker();
  }

  /** Every byte up to `size` is written: the worker replies with the digest. */
  finish(size: number): void {
    // The end first: a worker that sees `finish` sees the end too.
    Atomics.store(this.big, WRITTEN_END, BigInt(size));
    Atomics.store(this.words, FINISH, 1);
    this.wakeWorker();
  }

  /** The worker stops at its next check; a waitAsync on releases ends too. */
  stop(): void {
    Atomics.store(this.words, STOP, 1);
    this.wakeWorker();
    Atomics.notify(this.words, RELEASED);
  }

  /** How many offers the worker has let go of so far, given the last count seen. */
  releasedSince(seen: number): number {
    return seen + countsApart(Atomics.load(this.words, RELEASED), seen);
  }

  /** Settles when the released count is no longer `seen`; undefined if it already is not. */
  releaseChange(seen: number): Promise<unknown> | undefined {
    const wait = waitAsync(this.words, RELEASED, seen | 0);
    return wait.async ? wait.value : undefined;
  }

  /** Bytes hashed so far, as the worker last stored. */
  get hashedBytes(): number {
    return Number(Atomics.load(this.big, HASHED));
  }

  private wakeWorker(): void {
    Atomics.add(this.words, WAKE, 1);
    Atomics.notify(this.words, WAKE);
  }

  // The worker's side.

  /** Read before looking for work; waitForWork(it) then sleeps only if nothing changed since. */
  get wakeCount(): number {
    return Atomics.load(this.words, WAKE);
  }

  /** Blocks the (worker) thread until the main thread changes something after `seen`. */
  waitForWork(seen: number): void {
    Atomics.wait(this.words, WAKE, seen);
  }

  get stopped(): boolean {
    return Atomics.load(this.words, STOP) === 1;
  }

  /** Read before writtenEnd: once finishing, writtenEnd is the size. */
  get finishing(): boolean {
    return Atomics.load(this.words, FINISH) === 1;
  }

  get writtenEnd(): number {
    return Number(Atomics.load(this.big, WRITTEN_END));
  }

  /** Offer number `id`, if published. */
  offer(id: number): ChannelOffer | undefined {
    if (countsApart(Atomics.load(this.words, PUBLISHED), id) <= 0) return undefined;
    const slot = id % OFFER_SLOTS;
    const field = slot * SLOT_FIELDS;
    return {
      position: Number(Atomics.load(this.positions, slot)),
      memory: Atomics.load(this.slots, field + SLOT_MEMORY),
      offset: Atomics.load(this.slots, field + SLOT_OFFSET),
      length: Atomics.load(this.slots, field + SLOT_LENGTH),
      registrations: Atomics.load(this.slots, field + SLOT_REGISTRATIONS),
    };
  }

  /** Offers before `count` are no longer read: their batches may be reused. */
  release(count: number): void {
    Atomics.store(this.words, RELEASED, count | 0);
    Atomics.notify(this.words, RELEASED);
  }

  reportHashed(bytes: number): void {
    Atomics.store(this.big, HASHED, BigInt(bytes));
  }
}
