/**
 * Fetches the missing bytes of a part file from several sources at once: the
 * missing ranges are cut into pieces on one queue, and each source (a lane)
 * takes one piece at a time with FRNG. A failed piece goes back from its
 * first unwritten byte; near the end an idle source takes over half of the
 * piece with most bytes left, so a slow source holds back little.
 */
import {describeError, FilerError, PeerUnreachableError} from '../../protocol/errors.js';
import {encodeFrame} from '../../protocol/frame.js';
import {
  formatRangeRequest,
  TransferMessageType,
} from '../../protocol/transfer-messages.js';
import {coveredBytes, missingPieces, type Range} from './byte-ranges.js';
import type {FetchDeps, FetchJob, Source} from './fetch-file.js';
import {batchesPerReceiver} from './receive-batches.js';
import {receiveBody} from './reply-receiver.js';
import type {WriteAt} from './write-at.js';
import {afterFailure} from './source-fallback.js';
import {DiskStallError, DiskWriteError} from './transfer-errors.js';

const MIN_PIECE = 8 * 1024 * 1024;
/** Less than this left of a piece is not worth another connection. */
const MIN_STEAL = 1024 * 1024;
/** One range is one REPL frame: well below 4 GiB - 1. */
const MAX_PIECE = 1024 * 1024 * 1024;
/** Pieces per source, so a slow source holds back little of the file. */
const PIECES_PER_SOURCE = 4;
/**
 * Failures in a row (not counting lost races) before a source is given up;
 * a piece that arrives whole starts the count again, so a long fetch does not
 * drop a source for two hiccups hours apart.
 */
const MAX_SOURCE_FAILURES = 2;

/** Where the pieces go: the open part file, and who is told as bytes land. */
export type PieceSink = {
  fd: number;
  writeAt: WriteAt;
  /** Every batch in file order, as its write starts (the hasher reads it). */
  onBatch: (batch: Buffer, length: number, position: number) => Promise<void> | void;
  /** Bytes [start, end) are in the file, sent by `sender`. */
  onWritten: (start: number, end: number, sender: string) => void;
};

export type PieceSchedulerOptions = {
  sources: readonly Source[];
  size: number;
  /** The bytes already in the part file. */
  written: () => readonly Range[];
  /** Shown in errors about the disk. */
  partPath: string;
  job: Pick<FetchJob, 'name' | 'wireName' | 'signal' | 'onSourceGone'>;
  deps: Pick<
    FetchDeps,
    'connectTimeoutMs' | 'idleTimeoutMs' | 'registry' | 'log' | 'now'
  >;
  /** Bytes arrived, or a source started or stopped sending. */
  onProgress: () => void;
};

type Lane = {
  source: Source;
  failures: number;
  /** The piece it is fetching, with the bytes of it received so far. */
  piece?: Range;
  received: number;
  controller?: AbortController;
  startedAt: number;
};

export class PieceScheduler {
  private readonly lanes: Lane[];
  private queue: Range[] = [];
  private wake: (() => void) | undefined;
  private lastError: unknown;
  /** This machine's failure (disk full, disk stalled): no source can help. */
  private localFailure: Error | undefined;
  private owner: string;

  constructor(private readonly options: PieceSchedulerOptions) {
    this.lanes = options.sources.map((source) => ({
      source,
      failures: 0,
      received: 0,
      startedAt: 0,
    }));
    this.owner = options.sources[0]?.id ?? '';
  }

  /** The source of the last piece that arrived whole (the first source before). */
  get lastOwner(): string {
    return this.owner;
  }

  /** Sources that were asked for a piece. */
  sourcesUsed(): number {
    return this.lanes.filter((lane) => lane.startedAt > 0).length;
  }

  /** Bytes of pieces still arriving, and how many sources send them. */
  inFlight(): {bytes: number; sending: number} {
    return {
      bytes: this.lanes.reduce((sum, lane) => sum + lane.received, 0),
      sending: this.lanes.filter((lane) => lane.piece).length,
    };
  }

  /**
   * Fetches every byte not yet written, from the sources named in `from`
   * (all by default; each starts again with no failures counted).
   */
  async fetchMissing(sink: PieceSink, from?: readonly string[]): Promise<void> {
    const {job, size, written} = this.options;
    const lanes = from
      ? this.lanes.filter((lane) => from.includes(lane.source.id))
      : this.lanes;
    for (const lane of lanes) lane.failures = 0;
    this.queue = missingPieces(written(), size, this.pieceSize());
    this.options.onProgress();
    await Promise.all(lanes.map((lane) => this.runLane(lane, sink)));
    job.signal.throwIfAborted();
    if (this.localFailure) throw this.localFailure;
    if (coveredBytes(written()) < size) {
      throw (
        this.lastError ?? new FilerError('ERR_NO_OWNER', 'no source could send the rest')
      );
    }
  }

  /** No source can help: every lane stops. */
  failLocally(error: Error): void {
    this.localFailure ??= error;
    for (const lane of this.lanes) lane.controller?.abort();
  }

  private pieceSize(): number {
    const {size, written} = this.options;
    const missing = size - coveredBytes(written());
    const wanted = Math.ceil(
      missing / (PIECES_PER_SOURCE * Math.max(1, this.lanes.length)),
    );
    return Math.min(MAX_PIECE, Math.max(MIN_PIECE, wanted));
  }

  private async runLane(lane: Lane, sink: PieceSink): Promise<void> {
    const {signal} = this.options.job;
    while (!signal.aborted && !this.localFailure && lane.failures < MAX_SOURCE_FAILURES) {
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
      await this.fetchPiece(lane, piece, sink);
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

  private async fetchPiece(lane: Lane, piece: Range, sink: PieceSink): Promise<void> {
    const {job, deps} = this.options;
    const controller = new AbortController();
    lane.piece = piece;
    lane.received = 0;
    lane.controller = controller;
    lane.startedAt ||= deps.now();
    const [start, end] = piece;
    /** Where this lane stops: sooner once another lane took over the rest. */
    const until = (): number => lane.piece?.[1] ?? end;
    /** Of a batch at `position`, the bytes that are this lane's. */
    const ours = (length: number, position: number): number =>
      Math.min(length, until() - position);
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
        fd: sink.fd,
        position: start,
        fileLabel: this.options.partPath,
        expectedLength: end - start,
        batches: batchesPerReceiver(this.lanes.length),
        connectTimeoutMs: deps.connectTimeoutMs,
        idleTimeoutMs: deps.idleTimeoutMs,
        registry: deps.registry,
        signal: AbortSignal.any([job.signal, controller.signal]),
        // The read that crosses the new end of a piece taken over may still
        // fill a batch: the bytes past that end are the other lane's to write
        // and hash (else a lying source's bytes land where another is credited).
        writeAt: (fd, buffer, length, position) => {
          const kept = ours(length, position);
          return kept > 0 ? sink.writeAt(fd, buffer, kept, position) : Promise.resolve();
        },
        onProgress: (received) => {
          lane.received = received;
          // Another lane took over the rest of this piece: stop at its start.
          // (A piece not taken over ends by itself: aborting it at its last
          // byte would hide a failed last write as a cancel.)
          if (until() < end && start + received >= until()) controller.abort();
          this.options.onProgress();
        },
        onBatch: (batch, length, position) => {
          const kept = ours(length, position);
          return kept > 0 ? sink.onBatch(batch, kept, position) : undefined;
        },
        onDurable: (bytes) => {
          const upTo = Math.min(start + bytes, until());
          if (upTo > start + durable)
            sink.onWritten(start + durable, upTo, lane.source.id);
          durable = upTo - start;
        },
      });
      this.owner = lane.source.id;
      lane.failures = 0;
    } catch (error) {
      if (job.signal.aborted) return;
      const shortened = until();
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
}
