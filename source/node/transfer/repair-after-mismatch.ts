/**
 * The whole file did not match: the sources' chunk hashes (FSUM) show which
 * chunks are wrong, and only those are fetched again, from a source whose
 * file differs there (never from one whose file is what was wrong). Which
 * chunks and from whom is planned in mismatch-repair.ts; this runs the tries.
 */
import {limitDefault, limitHit} from '../limits.js';
import {coveredBytes, type Range} from './byte-ranges.js';
import type {FetchDeps, FetchJob, FetchPhase, Source} from './fetch-file.js';
import {compareWithSources, rehashPart, SUM_CHUNK} from './kept-bytes-check.js';
import {ChunkComparison, chunkRanges} from './mismatch-repair.js';
import {ContentMismatchError} from './transfer-errors.js';

/** Sources tried in turn to fetch bad chunks again after a whole-file mismatch. */
const MAX_REPAIR_ROUNDS = 3;
const MAX_REPAIR_CHUNKS = limitDefault('repair-chunks');

export type MismatchRepair = {
  /** The part file, complete; no hasher reads it any more (each try is hashed anew). */
  fd: number;
  size: number;
  expected: string;
  sources: readonly Source[];
  job: Pick<FetchJob, 'name' | 'wireName' | 'signal'>;
  deps: Pick<FetchDeps, 'log' | 'requestOptions'>;
  /** Who sent any of the bytes [start, end) now in the part. */
  sendersOf: (start: number, end: number) => string[];
  /** Drops these bytes and fetches them again from these sources only. */
  fetchAgain: (ranges: Range[], from: string[]) => Promise<void>;
  report: (phase: FetchPhase) => void;
};

/** Returns the digest that now matches, else throws ContentMismatchError. */
export async function repairMismatch(repair: MismatchRepair): Promise<string> {
  const {fd, size, expected, job, deps} = repair;
  const mismatch = new ContentMismatchError(
    job.name,
    repair.sources.map((source) => source.id),
  );
  const comparison = new ChunkComparison(MAX_REPAIR_CHUNKS);
  const digest = await compareWithSources(
    {
      fd,
      size,
      wireName: job.wireName,
      sources: repair.sources,
      options: deps.requestOptions,
      signal: job.signal,
    },
    comparison,
  );
  if (digest === undefined) {
    deps.log(
      'warn',
      `${job.name}: does not match its SHA-256, and no source answers FSUM`,
    );
    throw mismatch;
  }
  if (digest === expected) {
    deps.log(
      'warn',
      `${job.name}: matches its SHA-256 when hashed again (the first hashing was wrong)`,
    );
    return digest;
  }
  if (comparison.overflow) {
    limitHit(deps.log, 'repair-chunks', 'this node', `${job.name} not repaired`);
  }
  const sendersOfChunk = (chunk: number): string[] => {
    const start = chunk * SUM_CHUNK;
    return repair.sendersOf(start, Math.min(size, start + SUM_CHUNK));
  };
  const tried = new Set<string>();
  for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
    const plan = comparison
      .plans(sendersOfChunk)
      .find((candidate) => !tried.has(candidate.from[0] ?? ''));
    if (!plan) {
      deps.log(
        'warn',
        `${job.name}: does not match its SHA-256, and the sources' chunk hashes show no other bytes to try`,
      );
      throw mismatch;
    }
    tried.add(plan.from[0] ?? '');
    const again = chunkRanges(plan.chunks, SUM_CHUNK, size);
    const bytes = coveredBytes(again);
    deps.log(
      'warn',
      `${job.name}: does not match its SHA-256; ${plan.chunks.length} chunk(s) (${bytes} bytes) sent by ${plan.senders.join(', ')} differ from the file of ${plan.from.join(', ')}; fetching them again from there`,
    );
    await repair.fetchAgain(again, plan.from);
    repair.report('verifying');
    const after = await rehashPart(fd, size, new Set(comparison.chunks()), job.signal);
    if (after.digest === expected) {
      deps.log('info', `${job.name}: verified after fetching ${bytes} bytes again`);
      return after.digest;
    }
    for (const [chunk, sum] of after.sums) comparison.update(chunk, sum);
  }
  throw mismatch;
}
