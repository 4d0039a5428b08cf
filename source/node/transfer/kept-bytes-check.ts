/**
 * Checks the bytes an interrupted fetch kept against a source before the
 * fetch builds on them: the source hashes the same chunks of its file (FSUM)
 * and any chunk whose SHA-256 differs is fetched again, alone. Without this
 * a bad kept byte would be found only by the whole-file hash at the end,
 * and the whole file thrown away.
 */
import {createHash} from 'node:crypto';
import {MessageType, type PeerAddress} from '../../protocol/messages.js';
import {describeError, RemoteError, UnexpectedReplyError} from '../../protocol/errors.js';
import {
  formatSumsRequest,
  parseSums,
  sumCount,
  TransferMessageType,
} from '../../protocol/transfer-messages.js';
import {hashRegion, PIECE_BYTES} from '../files/hash-region.js';
import {addressText, requestFrames, type RequestOptions} from '../net/peer-client.js';
import type {Range} from './byte-ranges.js';

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
  const first = frames[0];
  if (!first) return undefined;
  const text = first.data.toString('utf8');
  if (first.type === MessageType.error) throw new RemoteError(addressText(address), text);
  if (first.type !== MessageType.reply) {
    throw new UnexpectedReplyError(addressText(address), `${first.type} to FSUM`);
  }
  return parseSums(text, sumCount(end - start, chunk));
}

/** The same chunks of the local part file. */
export async function localSums(
  fd: number,
  [start, end]: Range,
  chunk: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const buffer = Buffer.allocUnsafe(Math.min(PIECE_BYTES, chunk));
  const sums: string[] = [];
  for (let at = start; at < end; at += chunk) {
    const hash = createHash('sha256');
    await hashRegion(fd, hash, at, Math.min(end, at + chunk), signal, buffer);
    sums.push(hash.digest('hex'));
  }
  return sums;
}

/** The chunk sums of a part file and its whole SHA-256, in one pass. */
export async function partSums(
  fd: number,
  size: number,
  chunk: number,
  signal?: AbortSignal,
): Promise<{sums: string[]; digest: string}> {
  const buffer = Buffer.allocUnsafe(Math.min(PIECE_BYTES, chunk));
  const whole = createHash('sha256');
  const sums: string[] = [];
  for (let at = 0; at < size; at += chunk) {
    const part = createHash('sha256');
    const both = {
      update: (data: Buffer) => {
        whole.update(data);
        part.update(data);
      },
    };
    await hashRegion(fd, both, at, Math.min(size, at + chunk), signal, buffer);
    sums.push(part.digest('hex'));
  }
  return {sums, digest: whole.digest('hex')};
}

/** A source's sums of every SUM_CHUNK of `ranges`, in order; undefined without FSUM. */
export async function askSumsOf(
  address: PeerAddress,
  wireName: Buffer,
  ranges: readonly Range[],
  options: RequestOptions,
): Promise<string[] | undefined> {
  const sums: string[] = [];
  for (const span of planSumRequests(ranges)) {
    const theirs = await askRangeSums(address, wireName, span, SUM_CHUNK, options);
    if (!theirs) return undefined;
    sums.push(...theirs);
  }
  return sums;
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
        const theirs = await askRangeSums(
          source.address,
          job.wireName,
          span,
          SUM_CHUNK,
          job.options,
        );
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
