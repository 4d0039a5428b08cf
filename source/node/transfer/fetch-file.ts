/**
 * One fetch from every source of a file: asks each for size and SHA-256
 * (FINF), groups those that hold the same content, and pulls missing ranges
 * (FRNG) from all of them in parallel into a resumable part file, hashing as
 * the bytes land. The file gets its final name only if the hash matches.
 * Sources that answer no FINF (the original protocol) are fetched from with
 * plain FGET, one after the other, as the fallback.
 *
 * The parts: source-probe.ts (FINF), ranged-fetch.ts (which composes
 * part-ledger.ts, part-preparation.ts, piece-scheduler.ts and
 * repair-after-mismatch.ts) and plain-fetch.ts.
 */
import type {PeerAddress} from '../../protocol/messages.js';
import type {Log} from '../collaborators.js';
import type {RequestOptions} from '../net/peer-client.js';
import type {SocketRegistry} from '../net/socket-registry.js';
import {plainFetch} from './plain-fetch.js';
import {RangedFetch} from './ranged-fetch.js';
import type {WriteAt} from './write-at.js';
import {cleanStaleParts} from './resume-state.js';
import {probeSources} from './source-probe.js';

export type Source = {id: string; address: PeerAddress};

export type FetchPhase = 'hashing' | 'fetching' | 'verifying';

export type FetchUpdate = {
  phase: FetchPhase;
  received: number;
  total?: number;
  /** Sources sending bytes now. */
  sources: number;
  owner?: string;
};

export type FetchJob = {
  sources: Source[];
  /** The name's exact bytes on the wire. */
  wireName: Buffer;
  name: string;
  signal: AbortSignal;
  onUpdate: (update: FetchUpdate) => void;
  /** A source that could not be reached: no longer an owner. */
  onSourceGone?: (id: string) => void;
};

export type FetchResult = {
  path: string;
  name: string;
  size: number;
  /** The source of the last bytes (the first of several). */
  owner: string;
  sha256?: string;
  /** The content matched the SHA-256 its sources announced. */
  verified: boolean;
  /** Bytes kept from an earlier, interrupted fetch. */
  resumedBytes: number;
  /** Content already held here: `path` is where, nothing was fetched. */
  alreadyHad: boolean;
  /** Sources that sent bytes. */
  sourcesUsed: number;
};

export type FetchDeps = {
  downloadDir: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  registry?: SocketRegistry;
  /** For FINF (a small request; downloads themselves take no pool slot). */
  requestOptions: RequestOptions;
  log: Log;
  now: () => number;
  /** Plain FGET from each source in turn: no FINF, no ranges, no hash. */
  plainOnly?: boolean;
  /** A file here with this content, still as it was when hashed. */
  findLocal: (sha256: string, size: number) => Promise<string | undefined>;
  /** A verified download's hash, so sharing it does not hash it again. */
  remember: (file: string, size: number, mtimeMs: number, sha256: string) => void;
  /** Free bytes where downloads go (tests fake a full disk). */
  freeSpace?: (directory: string) => Promise<number>;
  writeAt?: WriteAt;
};

export async function fetchFile(job: FetchJob, deps: FetchDeps): Promise<FetchResult> {
  await cleanStaleParts(deps.downloadDir, deps.now()).then(
    (removed) =>
      removed.length && deps.log('info', `removed stale ${removed.join(', ')}`),
    () => undefined,
  );
  if (deps.plainOnly) return plainFetch(job, deps, job.sources);
  job.onUpdate({phase: 'hashing', received: 0, sources: 0});
  const probe = await probeSources(job, deps);
  if ('plain' in probe) return plainFetch(job, deps, probe.plain);
  return new RangedFetch(job, deps, probe.group).run();
}
