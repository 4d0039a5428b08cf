/**
 * The 1 MiB batches a body is received into, and how many a receiver gets.
 * They live in shared memory, so the hashing thread reads a batch in place
 * (prefix-hasher.ts), and are kept for the next receiver: each range of a
 * fetch reuses them instead of allocating.
 */
const BATCH_BYTES = 1024 * 1024;
/**
 * Batches of a fetch from one source. A batch is reused only once its write
 * and its hashing (another thread) are done, so these absorb the moments when
 * either falls behind the socket: with four a verified fetch from one source
 * ran 860-1,100 MB/s, with eight 1,055-1,116 (bench:transfer); more did not
 * help.
 */
const SINGLE_SOURCE_BATCHES = 8;
/** Batches each receiver gets at most when several sources send at once. */
const MAX_BATCHES_PER_SOURCE = 4;
/**
 * Batches all receivers of one fetch hold together when several sources send:
 * the fetching process stays under 100 MB whatever the number of sources (with
 * four each, eight sources took the fetcher to 110 MB peak RSS).
 */
const MULTI_SOURCE_BATCHES = 12;
/** Batches kept for the next receiver. */
const spareBatches: Buffer[] = [];
const MAX_SPARE_BATCHES = 16;

/** Batches for each of `receivers` receivers running at once for one fetch. */
export function batchesPerReceiver(receivers: number): number {
  if (receivers <= 1) return SINGLE_SOURCE_BATCHES;
  return Math.max(
    1,
    Math.min(MAX_BATCHES_PER_SOURCE, Math.floor(MULTI_SOURCE_BATCHES / receivers)),
  );
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
