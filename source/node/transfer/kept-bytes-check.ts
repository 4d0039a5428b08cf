/**
 * Checks the bytes an interrupted fetch kept against a source before the
 * fetch builds on them: the source hashes the same chunks of its file (FSUM)
 * and any chunk whose SHA-256 differs is fetched again, alone. Without this
 * a bad kept byte would be found only by the whole-file hash at the end,
 * and the whole file thrown away.
 */
import {createHash} from 'node:crypto';
import type {PeerAddress} from '../../protocol/messages.js';
import {describeError} from '../../protocol/errors.js';
import {
  formatSumsRequest,
  parseSums,
  sumCount,
  TransferMessageType,
} from '../../protocol/transfer-messages.js';
import {hashRegion, PIECE_BYTES, type HashSink} from '../files/hash-region.js';
import {
  extensionReplyText,
  requestFrames,
  type RequestOptions,
} from '../net/peer-client.js';
import type {Range} from './byte-ranges.js';
import type {ChunkComparison} from './mismatch-repair.js';

/** Granularity of the check: a bad byte costs at most this much refetching. */
export const SUM_CHUNK = 4 * 1024 * 1024;
/** Bytes one FSUM covers: the source answers within seconds even from a slow disk. */
const SUMS_PER_REQUEST = 32;

/** The spans to ask for: each kept range cut into requests of whole chunks. */
export function planSumRequests(
  kept: readonly Range[],
  chunk = SUM_CHUNK,
  perRequest = SUMS_PER_REQUEST,
): Range[] {
  const spans: Range[] = [];
  for (const [start, end] of kept) {
    for (let at = start; at < end; at += chunk * perRequest) {
      spans.push([at, Math.min(end, at + chunk * perRequest)]);
    }
  }
  return spans;
}

/** The chunks' SHA-256s as the source computes them; undefined if it has no FSUM. */
export async function askRangeSums(
  address: PeerAddress,
  wireName: Buffer,
  [start, end]: Range,
  chunk: number,
  options: RequestOptions,
): Promise<string[] | undefined> {
  const frames = await requestFrames(
    address,
    TransferMessageType.rangeSums,
    formatSumsRequest({offset: start, length: end - start, chunk, wireName}),
    options,
  );
  const text = extensionReplyText(address, frames, 'FSUM');
  if (text === undefined) return undefined;
  return parseSums(text, sumCount(end - start, chunk));
}

/** The same chunks of the local part file (also fed to `whole`, if given). */
export async function localSums(
  fd: number,
  [start, end]: Range,
  chunk: number,
  signal?: AbortSignal,
  whole?: HashSink,
): Promise<string[]> {
  const buffer = Buffer.allocUnsafe(Math.min(PIECE_BYTES, chunk));
  const sums: string[] = [];
  for (let at = start; at < end; at += chunk) {
    const hash = createHash('sha256');
    const sink = whole ? teeTo(hash, whole) : hash;
    await hashRegion(fd, sink, at, Math.min(end, at + chunk), signal, buffer);
    sums.push(hash.digest('hex'));
  }
  return sums;
}

function teeTo(first: HashSink, second: HashSink): HashSink {
  return {
    update: (data: Buffer) => {
      first.update(data);
      second.update(data);
    },
  };
}

export type WholeCompareJob = {
  fd: number;
  size: number;
  wireName: Buffer;
  sources: ReadonlyArray<{id: string; address: PeerAddress}>;
  options: RequestOptions;
  signal?: AbortSignal;
};

/**
 * Hashes the whole part in SUM_CHUNK chunks while every source hashes the
 * same span of its file (FSUM), a span at a time, into `comparison`. A source
 * that gives no answer once is dropped. Returns the part's whole SHA-256, or
 * undefined as soon as no source is left (none speaks FSUM: nothing to learn).
 */
export async function compareWithSources(
  job: WholeCompareJob,
  comparison: ChunkComparison,
): Promise<string | undefined> {
  const whole = createHash('sha256');
  const gone = new Set<string>();
  for (const span of planSumRequests([[0, job.size]])) {
    const asking = job.sources.map(async (source) => {
      if (gone.has(source.id)) return undefined;
      const sums = await askRangeSums(source.address, job.wireName, span, SUM_CHUNK, {
        ...job.options,
        signal: job.signal,
      }).catch(() => undefined);
      if (!sums) {
        gone.add(source.id);
        comparison.drop(source.id);
        return undefined;
      }
      return [source.id, sums] as const;
    });
    const ours = await localSums(job.fd, span, SUM_CHUNK, job.signal, whole);
    const theirs = (await Promise.all(asking)).filter((answer) => answer !== undefined);
    job.signal?.throwIfAborted();
    if (theirs.length === 0) return undefined;
    comparison.add(span[0] / SUM_CHUNK, ours, new Map(theirs));
  }
  return whole.digest('hex');
}

/** The part's whole SHA-256 and the hashes of the chunks asked for, in one pass. */
export async function rehashPart(
  fd: number,
  size: number,
  chunks: ReadonlySet<number>,
  signal?: AbortSignal,
): Promise<{digest: string; sums: Map<number, string>}> {
  const buffer = Buffer.allocUnsafe(PIECE_BYTES);
  const whole = createHash('sha256');
  const sums = new Map<number, string>();
  for (let index = 0; index * SUM_CHUNK < size; index++) {
    const start = index * SUM_CHUNK;
    const end = Math.min(size, start + SUM_CHUNK);
    if (!chunks.has(index)) {
      await hashRegion(fd, whole, start, end, signal, buffer);
      continue;
    }
    const hash = createHash('sha256');
    await hashRegion(fd, teeTo(hash, whole), start, end, signal, buffer);
    sums.set(index, hash.digest('hex'));
  }
  return {digest: whole.digest('hex'), sums};
}

export type KeptCheck =
  | {kind: 'checked'; by: string; bad: Range[]}
  /** No source could check (none speaks FSUM, all busy or gone): why. */
  | {kind: 'unchecked'; why: string};

export type KeptCheckJob = {
  fd: number;
  kept: readonly Range[];
  wireName: Buffer;
  sources: ReadonlyArray<{id: string; address: PeerAddress}>;
  options: RequestOptions;
  signal?: AbortSignal;
};

/** Asks the sources in turn until one checks every kept chunk. */
export async function checkKeptBytes(job: KeptCheckJob): Promise<KeptCheck> {
  const spans = planSumRequests(job.kept);
  let why = 'no source answers FSUM';
  for (const source of job.sources) {
    try {
      const bad: Range[] = [];
      for (const span of spans) {
        const theirs = await askRangeSums(source.address, job.wireName, span, SUM_CHUNK, {
          ...job.options,
          signal: job.signal,
        });
        if (!theirs) throw new Error('no FSUM');
        const ours = await localSums(job.fd, span, SUM_CHUNK, job.signal);
        ours.forEach((sum, index) => {
          if (sum === theirs[index]) return;
          const start = span[0] + index * SUM_CHUNK;
          bad.push([start, Math.min(span[1], start + SUM_CHUNK)]);
        });
      }
      return {kind: 'checked', by: source.id, bad};
    } catch (error) {
      job.signal?.throwIfAborted();
      why = `${source.id}: ${describeError(error)}`;
    }
  }
  return {kind: 'unchecked', why};
}
