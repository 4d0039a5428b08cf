/**
 * One fetch from every source of a file: asks each for size and SHA-256
 * (FINF), groups those that hold the same content, and pulls missing ranges
 * (FRNG) from all of them in parallel into a resumable part file, hashing as
 * the bytes land. The file gets its final name only if the hash matches.
 * Sources that answer no FINF (the original protocol) are fetched from with
 * plain FGET, one after the other, as the fallback.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {describeError, FilerError, PeerUnreachableError} from '../../protocol/errors.js';
import {encodeFrame} from '../../protocol/frame.js';
import type {PeerAddress} from '../../protocol/messages.js';
import {downloadFileName} from '../../protocol/safe-name.js';
import {
  formatRangeRequest,
  TransferMessageType,
  type FileInfo,
} from '../../protocol/transfer-messages.js';
import type {Log} from '../collaborators.js';
import type {RequestOptions} from '../net/peer-client.js';
import type {SocketRegistry} from '../net/socket-registry.js';
import {limitDefault, limitHit} from '../limits.js';
import {
  addRange,
  coveredBytes,
  missingPieces,
  subtractRanges,
  type Range,
} from './byte-ranges.js';
import {
  checkKeptBytes,
  compareWithSources,
  rehashPart,
  SUM_CHUNK,
} from './kept-bytes-check.js';
import {ChunkComparison, chunkRanges} from './mismatch-repair.js';
import {HoleKeepingWriter} from './hole-keeping-writer.js';
import {downloadToFile, publish} from './download.js';
import {partFileName} from './download-names.js';
import {askFileInfo} from './file-info-client.js';
import {PrefixHasher} from './prefix-hasher.js';
import {
  batchesPerReceiver,
  receiveBody,
  writeAtPosition,
  type WriteAt,
} from './reply-receiver.js';
import {
  cleanStaleParts,
  readResumeState,
  STATE_SUFFIX,
  writeResumeState,
} from './resume-state.js';
import {afterFailure} from './source-fallback.js';
import {
  ContentMismatchError,
  DiskStallError,
  DiskWriteError,
  NoSpaceError,
} from './transfer-errors.js';

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

/** Sources asked for FINF at once; more are used only as plain FGET fallbacks. */
const MAX_PROBED_SOURCES = limitDefault('fetch-probed-owners');
const MIN_PIECE = 8 * 1024 * 1024;
/** Less than this left of a piece is not worth another connection. */
const MIN_STEAL = 1024 * 1024;
/** One range is one REPL frame: well below 4 GiB - 1. */
const MAX_PIECE = 1024 * 1024 * 1024;
/** Pieces per source, so a slow source holds back little of the file. */
const PIECES_PER_SOURCE = 4;
const STATE_SAVE_INTERVAL_MS = 500;
/** Failures (not counting lost races) before a source is given up. */
const MAX_SOURCE_FAILURES = 2;
/** Sources tried in turn to fetch bad chunks again after a whole-file mismatch. */
const MAX_REPAIR_ROUNDS = 3;
const MAX_REPAIR_CHUNKS = limitDefault('repair-chunks');
/** Who sent the bytes kept from an earlier fetch, in log lines. */
const KEPT_PART = 'the kept part';

export class NodeClosingError extends FilerError {
  constructor() {
    super('ERR_CLOSING', 'the node is closing; the part file is kept for resume');
  }
}

export async function fetchFile(job: FetchJob, deps: FetchDeps): Promise<FetchResult> {
  await cleanStaleParts(deps.downloadDir, deps.now()).then(
    (removed) =>
      removed.length && deps.log('info', `removed stale ${removed.join(', ')}`),
    () => undefined,
  );
  if (deps.plainOnly) return plainFetch(job, deps, job.sources);
  job.onUpdate({phase: 'hashing', received: 0, sources: 0});
  if (job.sources.length > MAX_PROBED_SOURCES) {
    limitHit(
      deps.log,
      'fetch-probed-owners',
      'this node',
      `${job.sources.length} owners of ${job.wireName}, FINF asked of ${MAX_PROBED_SOURCES}`,
    );
  }
  const answers = await Promise.all(
    job.sources.slice(0, MAX_PROBED_SOURCES).map(async (source) => {
      try {
        return {
          source,
          answer: await askFileInfo(source.address, job.wireName, deps.requestOptions),
        };
      } catch (error) {
        return {source, error};
      }
    }),
  );
  job.signal.throwIfAborted();
  for (const entry of answers) {
    if (entry.error && afterFailure(entry.error).dropOwner)
      job.onSourceGone?.(entry.source.id);
  }
  const informed = answers.flatMap((entry) =>
    entry.answer?.kind === 'info'
      ? [{source: entry.source, info: entry.answer.info}]
      : [],
  );
  const group = chooseGroup(informed);
  if (!group) {
    // No filer-tui source: plain FGET from the others, in order.
    const failed = new Set(
      answers.filter((entry) => entry.error).map((e) => e.source.id),
    );
    const plain = job.sources.filter((source) => !failed.has(source.id));
    const firstError = answers.find((entry) => entry.error)?.error;
    if (plain.length === 0)
      throw firstError ?? new FilerError('ERR_NO_OWNER', 'no source');
    return plainFetch(job, deps, plain);
  }
  return new RangedFetch(job, deps, group).run();
}

type Group = {info: FileInfo; sources: Source[]};

/** The content most sources agree on; a known hash beats an unknown one. */
export function chooseGroup(
  informed: ReadonlyArray<{source: Source; info: FileInfo}>,
): Group | undefined {
  const groups = new Map<string, Group>();
  for (const {source, info} of informed) {
    const key = `${info.size} ${info.sha256 ?? '-'}`;
    const group = groups.get(key) ?? {info, sources: []};
    group.sources.push(source);
    groups.set(key, group);
  }
  const ranked = [...groups.values()].sort(
    (a, b) =>
      Number(b.info.sha256 !== undefined) - Number(a.info.sha256 !== undefined) ||
      b.sources.length - a.sources.length,
  );
  return ranked[0];
}

async function plainFetch(job: FetchJob, deps: FetchDeps, sources: Source[]) {
  let lastError: unknown;
  for (const source of sources) {
    try {
      let total: number | undefined;
      const result = await downloadToFile({
        address: source.address,
        wireName: job.wireName,
        name: job.name,
        downloadDir: deps.downloadDir,
        connectTimeoutMs: deps.connectTimeoutMs,
        idleTimeoutMs: deps.idleTimeoutMs,
        registry: deps.registry,
        signal: job.signal,
        writeAt: deps.writeAt,
        onHeader: (size) => {
          total = size;
          job.onUpdate({
            phase: 'fetching',
            received: 0,
            total,
            sources: 1,
            owner: source.id,
          });
        },
        onProgress: (received) =>
          job.onUpdate({
            phase: 'fetching',
            received,
            total,
            sources: 1,
            owner: source.id,
          }),
      });
      return {
        ...result,
        owner: source.id,
        verified: false,
        resumedBytes: 0,
        alreadyHad: false,
        sourcesUsed: 1,
      } satisfies FetchResult;
    } catch (error) {
      lastError = error;
      if (afterFailure(error).dropOwner) job.onSourceGone?.(source.id);
      if (!afterFailure(error).next) break;
      deps.log(
        'warn',
        `fetch of ${job.name} from ${source.id} failed: ${describeError(error)}`,
      );
    }
  }
  throw lastError;
}

type Lane = {
  source: Source;
  failures: number;
  /** The piece it is fetching, with the bytes of it received so far. */
  piece?: Range;
  received: number;
  controller?: AbortController;
  startedAt: number;
};

/** The ranged, verified, resumable fetch from one group of sources. */
class RangedFetch {
  private readonly size: number;
  /** Announced by the sources, else kept from the resume state (see loadResumeState). */
  private sha256: string | undefined;
  private readonly fileName: string;
  private readonly target: string;
  private readonly partPath: string;
  private readonly statePath: string;
  private done: Range[] = [];
  private queue: Range[] = [];
  private readonly lanes: Lane[];
  private hasher: PrefixHasher | undefined;
  private writer: HoleKeepingWriter | undefined;
  private lastSave = 0;
  private lastError: unknown;
  /** This machine's failure (disk full, disk stalled): no source can help. */
  private localFailure: Error | undefined;
  private lastOwner: string;
  private wake: (() => void) | undefined;
  /** Which bytes each source sent (KEPT_PART: kept from before), to name a bad one. */
  private readonly sentBy = new Map<string, Range[]>();

  constructor(
    private readonly job: FetchJob,
    private readonly deps: FetchDeps,
    group: Group,
  ) {
    this.size = group.info.size;
    this.sha256 = group.info.sha256;
    this.fileName = downloadFileName(job.name);
    const directory = path.resolve(deps.downloadDir);
    this.target = path.join(directory, this.fileName);
    this.partPath = path.join(directory, partFileName(this.fileName));
    this.statePath = `${this.partPath}${STATE_SUFFIX}`;
    this.lanes = group.sources.map((source) => ({
      source,
      failures: 0,
      received: 0,
      startedAt: 0,
    }));
    this.lastOwner = group.sources[0]?.id ?? '';
  }

  async run(): Promise<FetchResult> {
    const {deps, job} = this;
    if (this.sha256) {
      const local = await deps.findLocal(this.sha256, this.size);
      if (local) {
        deps.log('info', `already have ${job.name}: the same content is at ${local}`);
        return this.result(local, true, 0);
      }
    }
    let resumedBytes = await this.loadResumeState();
    await this.checkFreeSpace(this.size - resumedBytes);
    const handle = await fs.open(this.partPath, resumedBytes > 0 ? 'r+' : 'w+');
    let keep = false;
    const fresh = resumedBytes === 0;
    try {
      if (!fresh) resumedBytes = await this.checkKept(handle.fd);
      this.sentBy.set(KEPT_PART, this.done);
      // A fresh part gets its full size at once: regions never written are holes.
      if (fresh) await handle.truncate(this.size);
      this.writer = new HoleKeepingWriter(deps.writeAt ?? writeAtPosition, fresh);
      this.hasher = new PrefixHasher(handle.fd, this.size, {
        signal: job.signal,
        onFailure: (error) => this.failLocally(error),
      });
      for (const [start, end] of this.done) this.hasher.markWritten(start, end);
      this.queue = missingPieces(this.done, this.size, this.pieceSize());
      await this.saveState(true);
      try {
        await this.fetchAll(handle.fd);
      } catch (error) {
        keep = this.keepsPartAfter(error);
        throw error;
      }
      this.report('verifying');
      let digest = await this.hasher.digest();
      const expected = this.sha256 ?? (await this.askHashAgain());
      if (expected !== undefined && digest !== expected) {
        try {
          digest = await this.repairMismatch(handle.fd, expected);
        } catch (error) {
          keep = this.keepsPartAfter(error);
          throw error;
        }
      }
      await handle.close();
      const finalPath = await publish(this.partPath, this.target);
      await fs.rm(this.statePath, {force: true});
      const stat = await fs.stat(finalPath);
      deps.remember(finalPath, this.size, stat.mtimeMs, digest);
      return {
        ...this.result(finalPath, false, resumedBytes),
        verified: expected !== undefined,
        sha256: digest,
      };
    } finally {
      await this.hasher?.close(); // its thread reads through handle.fd
      await handle.close().catch(() => undefined);
      if (keep) {
        await this.saveState(true).catch(() => undefined);
        deps.log(
          'info',
          `kept ${coveredBytes(this.done)} of ${this.size} bytes of ${job.name} for resume`,
        );
      } else {
        await fs.rm(this.partPath, {force: true});
        await fs.rm(this.statePath, {force: true});
      }
    }
  }

  /** A part is kept for resume unless the user cancelled (closing the node keeps it). */
  private keepsPartAfter(error: unknown): boolean {
    const {signal} = this.job;
    const cancelled = signal.aborted && !(signal.reason instanceof NodeClosingError);
    return (
      this.sha256 !== undefined &&
      !cancelled &&
      !(error instanceof ContentMismatchError) &&
      coveredBytes(this.done) > 0
    );
  }

  /**
   * The whole file did not match: the sources' chunk hashes (FSUM) show
   * which chunks are wrong, and only those are fetched again, from a source
   * whose file differs there (never from one whose file is what was wrong).
   * Returns the digest that now matches, else throws ContentMismatchError.
   */
  private async repairMismatch(fd: number, expected: string): Promise<string> {
    const {job, deps} = this;
    const mismatch = new ContentMismatchError(
      job.name,
      this.lanes.map((lane) => lane.source.id),
    );
    // Each try is checked by a pass of its own: the fetch's hasher is done.
    await this.hasher?.close();
    this.hasher = undefined;
    this.report('hashing');
    const comparison = new ChunkComparison(MAX_REPAIR_CHUNKS);
    const digest = await compareWithSources(
      {
        fd,
        size: this.size,
        wireName: job.wireName,
        sources: this.lanes.map((lane) => lane.source),
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
    const tried = new Set<string>();
    for (let round = 0; round < MAX_REPAIR_ROUNDS; round++) {
      const plan = comparison
        .plans((chunk) => this.sendersOf(chunk))
        .find((candidate) => !tried.has(candidate.from[0] ?? ''));
      if (!plan) {
        deps.log(
          'warn',
          `${job.name}: does not match its SHA-256, and the sources' chunk hashes show no other bytes to try`,
        );
        throw mismatch;
      }
      tried.add(plan.from[0] ?? '');
      const again = chunkRanges(plan.chunks, SUM_CHUNK, this.size);
      const bytes = coveredBytes(again);
      deps.log(
        'warn',
        `${job.name}: does not match its SHA-256; ${plan.chunks.length} chunk(s) (${bytes} bytes) sent by ${plan.senders.join(', ')} differ from the file of ${plan.from.join(', ')}; fetching them again from there`,
      );
      this.done = subtractRanges(this.done, again);
      for (const [id, ranges] of this.sentBy) {
        this.sentBy.set(id, subtractRanges(ranges, again));
      }
      await this.saveState(true);
      const lanes = this.lanes.filter((lane) => plan.from.includes(lane.source.id));
      for (const lane of lanes) lane.failures = 0;
      this.queue = missingPieces(this.done, this.size, this.pieceSize());
      await this.fetchAll(fd, lanes);
      this.report('verifying');
      const after = await rehashPart(
        fd,
        this.size,
        new Set(comparison.chunks()),
        job.signal,
      );
      if (after.digest === expected) {
        deps.log('info', `${job.name}: verified after fetching ${bytes} bytes again`);
        return after.digest;
      }
      for (const [chunk, sum] of after.sums) comparison.update(chunk, sum);
    }
    throw mismatch;
  }

  private sendersOf(chunk: number): string[] {
    const start = chunk * SUM_CHUNK;
    const end = Math.min(this.size, start + SUM_CHUNK);
    return [...this.sentBy]
      .filter(([, ranges]) => ranges.some(([from, to]) => from < end && start < to))
      .map(([id]) => id);
  }

  private result(file: string, alreadyHad: boolean, resumedBytes: number): FetchResult {
    return {
      path: file,
      name: path.basename(file),
      size: this.size,
      owner: this.lastOwner,
      sha256: this.sha256,
      verified: alreadyHad,
      resumedBytes,
      alreadyHad,
      sourcesUsed: this.lanes.filter((lane) => lane.startedAt > 0).length,
    };
  }

  /** What an earlier fetch of the same content left; 0 (and why) if nothing usable. */
  private async loadResumeState(): Promise<number> {
    const {job, deps} = this;
    const part = await fs.stat(this.partPath).catch(() => undefined);
    if (!part) return 0;
    const state = await readResumeState(this.statePath);
    if (!this.sha256 && state && state.size === this.size) {
      // A source restarted since may not have hashed the file again yet: the
      // hash it announced before stands, and the whole file is checked against it.
      this.sha256 = state.sha256;
      deps.log(
        'info',
        `${job.name}: the sources have not hashed it yet; checking it against the hash they announced before`,
      );
    }
    let reason: string | undefined;
    if (!this.sha256) reason = 'the sources did not tell the content hash yet';
    else if (!state) reason = 'the part file has no resume state';
    else if (state.sha256 !== this.sha256 || state.size !== this.size)
      reason = 'the part file holds other content';
    else if (part.size > this.size) reason = 'the part file is longer than the file';
    if (reason || !state) {
      deps.log('info', `fetching ${job.name} from the start: ${reason ?? 'no state'}`);
      return 0;
    }
    this.done = state.done;
    const kept = coveredBytes(this.done);
    deps.log('info', `resuming ${job.name}: ${kept} of ${this.size} bytes kept`);
    return kept;
  }

  /** Drops kept chunks that differ from a source's file; returns the bytes still kept. */
  private async checkKept(fd: number): Promise<number> {
    const {job, deps} = this;
    job.onUpdate({phase: 'hashing', received: 0, total: this.size, sources: 0});
    const check = await checkKeptBytes({
      fd,
      kept: this.done,
      wireName: job.wireName,
      sources: this.lanes.map((lane) => lane.source),
      options: deps.requestOptions,
      signal: job.signal,
    });
    const kept = coveredBytes(this.done);
    if (check.kind === 'unchecked') {
      deps.log(
        'info',
        `${job.name}: kept bytes not checked now (${check.why}); the whole file is checked at the end`,
      );
      return kept;
    }
    if (check.bad.length === 0) {
      deps.log('info', `${job.name}: the ${kept} kept bytes match ${check.by}'s file`);
      return kept;
    }
    this.done = subtractRanges(this.done, check.bad);
    const dropped = kept - coveredBytes(this.done);
    deps.log(
      'warn',
      `${job.name}: ${dropped} of ${kept} kept bytes (${check.bad.length} chunk(s)) differ from ${check.by}'s file; fetching them again`,
    );
    await this.saveState(true);
    return coveredBytes(this.done);
  }

  private async checkFreeSpace(needed: number): Promise<void> {
    const free = await (this.deps.freeSpace ?? freeBytes)(this.deps.downloadDir).catch(
      () => Infinity,
    );
    if (free < needed) throw new NoSpaceError(this.deps.downloadDir, needed, free);
  }

  private pieceSize(): number {
    const missing = this.size - coveredBytes(this.done);
    const wanted = Math.ceil(
      missing / (PIECES_PER_SOURCE * Math.max(1, this.lanes.length)),
    );
    return Math.min(MAX_PIECE, Math.max(MIN_PIECE, wanted));
  }

  private async fetchAll(fd: number, lanes = this.lanes): Promise<void> {
    this.report('fetching');
    await Promise.all(lanes.map((lane) => this.runLane(lane, fd)));
    this.job.signal.throwIfAborted();
    if (this.localFailure) throw this.localFailure;
    if (coveredBytes(this.done) < this.size) {
      throw (
        this.lastError ?? new FilerError('ERR_NO_OWNER', 'no source could send the rest')
      );
    }
  }

  private async runLane(lane: Lane, fd: number): Promise<void> {
    const {job} = this;
    while (
      !job.signal.aborted &&
      !this.localFailure &&
      lane.failures < MAX_SOURCE_FAILURES
    ) {
      const piece = this.queue.shift() ?? this.steal(lane);
      if (!piece) {
        // Nothing to take now; others may fail and put pieces back.
        if (!this.lanes.some((other) => other.piece)) return;
        await new Promise<void>((resolve) => {
          const previous = this.wake;
          this.wake = () => {
            previous?.();
            resolve();
          };
        });
        continue;
      }
      await this.fetchPiece(lane, piece, fd);
    }
  }

  /** Near the end, an idle source also takes the piece that will take longest. */
  private steal(idle: Lane): Range | undefined {
    let slowest: Lane | undefined;
    let slowestLeft = 0;
    for (const lane of this.lanes) {
      if (!lane.piece || lane === idle) continue;
      const left = lane.piece[1] - lane.piece[0] - lane.received;
      if (left > slowestLeft) {
        slowest = lane;
        slowestLeft = left;
      }
    }
    if (!slowest?.piece || slowestLeft < MIN_STEAL) return undefined;
    const [start, end] = slowest.piece;
    // The rest of its piece; it is told to stop where the new one starts.
    const from = start + slowest.received + Math.floor(slowestLeft / 2);
    slowest.piece = [start, from];
    return [from, end];
  }

  private async fetchPiece(lane: Lane, piece: Range, fd: number): Promise<void> {
    const {job, deps} = this;
    const controller = new AbortController();
    lane.piece = piece;
    lane.received = 0;
    lane.controller = controller;
    lane.startedAt ||= deps.now();
    const [start, end] = piece;
    let durable = 0;
    try {
      await receiveBody({
        address: lane.source.address,
        request: encodeFrame(
          TransferMessageType.fileRange,
          formatRangeRequest({
            offset: start,
            length: end - start,
            wireName: job.wireName,
          }),
        ),
        fd,
        position: start,
        fileLabel: this.partPath,
        expectedLength: end - start,
        batches: batchesPerReceiver(this.lanes.length),
        connectTimeoutMs: deps.connectTimeoutMs,
        idleTimeoutMs: deps.idleTimeoutMs,
        registry: deps.registry,
        signal: AbortSignal.any([job.signal, controller.signal]),
        writeAt: this.writer?.writeAt ?? deps.writeAt,
        onProgress: (received) => {
          lane.received = received;
          // Another lane took over the rest of this piece: stop at its start.
          if (lane.piece && start + received >= lane.piece[1]) controller.abort();
          this.report('fetching');
        },
        onBatch: (batch, length, position) => this.hasher?.offer(position, batch, length),
        onDurable: (bytes) => {
          const upTo = Math.min(start + bytes, lane.piece?.[1] ?? end);
          if (upTo > start + durable)
            this.markDone(start + durable, upTo, lane.source.id);
          durable = upTo - start;
        },
      });
      this.lastOwner = lane.source.id;
    } catch (error) {
      if (job.signal.aborted) return;
      const shortened = lane.piece?.[1] ?? end;
      if (error instanceof DiskWriteError || error instanceof DiskStallError) {
        this.failLocally(error);
      }
      if (!controller.signal.aborted) {
        lane.failures++;
        this.lastError = error;
        const drop =
          afterFailure(error).dropOwner || error instanceof PeerUnreachableError;
        if (drop) {
          lane.failures = MAX_SOURCE_FAILURES;
          job.onSourceGone?.(lane.source.id);
        }
        deps.log(
          'warn',
          `range of ${job.name} from ${lane.source.id} failed: ${describeError(error)}`,
        );
      }
      // What did not arrive goes back for any source to take.
      const from = start + durable;
      if (from < shortened) this.queue.unshift([from, shortened]);
    } finally {
      lane.piece = undefined;
      lane.controller = undefined;
      lane.received = 0;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    }
  }

  /** No source can help: every lane stops. */
  private failLocally(error: Error): void {
    this.localFailure ??= error;
    for (const lane of this.lanes) lane.controller?.abort();
  }

  private markDone(start: number, end: number, sender: string): void {
    this.done = addRange(this.done, [start, end]);
    this.sentBy.set(sender, addRange(this.sentBy.get(sender) ?? [], [start, end]));
    this.hasher?.markWritten(start, end);
    void this.saveState(false);
  }

  private async saveState(now: boolean): Promise<void> {
    if (!this.sha256) return;
    const time = this.deps.now();
    if (!now && time - this.lastSave < STATE_SAVE_INTERVAL_MS) return;
    this.lastSave = time;
    await writeResumeState(this.statePath, {
      name: this.job.name,
      size: this.size,
      sha256: this.sha256,
      done: this.done,
    }).catch((error: unknown) =>
      this.deps.log('warn', `cannot save resume state: ${describeError(error)}`),
    );
  }

  /** Sources hash in the background: by the end they may know it. */
  private async askHashAgain(): Promise<string | undefined> {
    this.report('hashing');
    for (const lane of this.lanes) {
      try {
        const answer = await askFileInfo(
          lane.source.address,
          this.job.wireName,
          this.deps.requestOptions,
        );
        if (
          answer.kind === 'info' &&
          answer.info.size === this.size &&
          answer.info.sha256
        ) {
          return answer.info.sha256;
        }
      } catch {
        // next source
      }
    }
    this.deps.log('info', `${this.job.name}: no source knew its hash; not verified`);
    return undefined;
  }

  private report(phase: FetchPhase): void {
    const inFlight = this.lanes.reduce((sum, lane) => sum + lane.received, 0);
    const sending = this.lanes.filter((lane) => lane.piece).length;
    this.job.onUpdate({
      phase,
      received: Math.min(this.size, coveredBytes(this.done) + inFlight),
      total: this.size,
      sources: phase === 'fetching' ? sending : 0,
      owner: this.lastOwner,
    });
  }
}

async function freeBytes(directory: string): Promise<number> {
  const stats = await fs.statfs(directory);
  return stats.bavail * stats.bsize;
}
