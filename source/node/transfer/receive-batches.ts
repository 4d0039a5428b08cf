/**
 * The 1 MiB batches a body is received into, and how many a receiver gets.
 * They live in shared memory, so the hashing thread reads a batch in place
 * (prefix-hasher.ts), and are kept for the next receiver: each range of a
 * fetch reuses them instead of allocating.
 */
const BATCH_BYTES = 1024 * 1024;
/**
 * Batches of one fetch, shared by its receivers (one per source). A batch is
 * reused only once its write and its hashing (another thread) are done, so
 * these absorb the moments when either falls behind the socket: with four a
 * verified fetch from one source ran 860-1,100 MB/s, with eight 1,055-1,116
 * (bench:transfer); more did not help.
 */
const FETCH_BATCHES = 8;
/** Each receiver keeps at least this many, so several sources each keep flowing. */
const MIN_BATCHES = 4;
/** Batches kept for the next receiver. */
const spareBatches: Buffer[] = [];
const MAX_SPARE_BATCHES = 16;

/** Batches for each of `receivers` receivers running at once for one fetch. */
export function batchesPerReceiver(receivers: number): number {
  return Math.max(MIN_BATCHES, Math.floor(FETCH_BATCHES / Math.max(1, receivers)));
}

/** `count` batches, kept ones first. */
export function takeBatches(count: number): Buffer[] {
  return Array.from(
    {length: count},
    () => spareBatches.pop() ?? Buffer.from(new SharedArrayBuffer(BATCH_BYTES)),
  );
}

/** Batches no write or hash holds any more, for the next receiver. */
export function giveBackBatches(batches: readonly Buffer[]): void {
  for (const batch of batches) {
    if (spareBatches.length < MAX_SPARE_BATCHES) spareBatches.push(batch);
  }
}
