/**
 * Downloads as the user sees them: each fetch tries its sources in turn,
 * reports progress at a readable rate, can be cancelled, and shares the file
 * once it is complete. The bytes are moved by the `download` it is given.
 */
import {
  describeError,
  FilerError,
  TransferCancelledError,
} from '../../protocol/errors.js';
import {parsePeerId} from '../../protocol/messages.js';
import {assertSafeName} from '../../protocol/safe-name.js';
import type {Clock, Log} from '../collaborators.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {FileEntry, TransferInfo} from '../types.js';
import type {FetchResult, FetchUpdate, Source} from './fetch-file.js';
import {NodeClosingError} from './transfer-errors.js';
import {sourcesToTry} from './source-fallback.js';

export type TransferEvents = {
  'transfer-start': [transfer: TransferInfo];
  'transfer-progress': [transfer: TransferInfo];
  'transfer-done': [transfer: TransferInfo];
  'transfer-failed': [transfer: TransferInfo];
};

export type DownloadJob = {
  /** Every source to use, the preferred first. */
  sources: Source[];
  wireName: Buffer;
  name: string;
  signal: AbortSignal;
  onUpdate: (update: FetchUpdate) => void;
  onSourceGone: (id: string) => void;
};

export type Downloaded = {path: string; name: string; size: number} & Partial<
  Pick<FetchResult, 'owner' | 'sha256' | 'verified' | 'resumedBytes' | 'alreadyHad'>
>;

/** What the engine needs of the catalogue. */
export type TransferFiles = {
  entry(name: string): FileEntry | undefined;
  wireName(name: string): Buffer;
  /** Shares a finished download. */
  share(name: string, filePath: string, size: number): unknown;
  dropOwner(name: string, owner: string): void;
};

export type TransferDeps = {
  files: TransferFiles;
  download: (job: DownloadJob) => Promise<Downloaded>;
  isOpen: () => boolean;
  clock: Clock;
  log: Log;
};

export const PROGRESS_INTERVAL_MS = 100;
export const MAX_FINISHED_TRANSFERS = 50;

type RunningTransfer = {info: TransferInfo; controller: AbortController};

export class TransferEngine extends TypedEmitter<TransferEvents> {
  private readonly table = new Map<number, RunningTransfer>();
  /** Settles when each running transfer has finished and cleaned up its part file. */
  private readonly running = new Set<Promise<unknown>>();
  private nextId = 1;

  constructor(private readonly deps: TransferDeps) {
    super();
  }

  transfers(): TransferInfo[] {
    return [...this.table.values()].map(({info}) => ({...info}));
  }

  /**
   * Checks the request at once (throws if it cannot start) and returns the new
   * transfer; `done` settles when it finished or failed.
   */
  start(
    name: string,
    owner?: string,
  ): {transfer: TransferInfo; done: Promise<TransferInfo>} {
    assertSafeName(name);
    const entry = this.deps.files.entry(name);
    if (entry?.local) {
      throw new FilerError('ERR_ALREADY_LOCAL', `${name} is already shared by this node`);
    }
    const sources = sourcesToTry(entry?.owners ?? [], owner);
    const first = sources[0];
    if (first === undefined) {
      throw new FilerError(
        'ERR_NO_OWNER',
        `no peer is known to have ${name}; search first`,
      );
    }
    if (!this.deps.isOpen()) throw new FilerError('ERR_CLOSED', 'the node is closed');
    for (const {info: other} of this.table.values()) {
      if (other.name === name && other.state === 'running') {
        throw new FilerError('ERR_BUSY', `${name} is being fetched already`);
      }
    }
    const info: TransferInfo = {
      id: this.nextId++,
      name,
      owner: first,
      state: 'running',
      received: 0,
      startedAt: this.deps.clock(),
    };
    const done = this.run(info, sources);
    // Reported through events; callers may ignore the promise.
    const settled = done.catch(() => undefined);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return {transfer: {...info}, done};
  }

  /** Stops a running transfer; its part file is removed. */
  cancel(id: number): boolean {
    const transfer = this.table.get(id);
    if (!transfer || transfer.info.state !== 'running') return false;
    transfer.controller.abort();
    return true;
  }

  /** Cancels every transfer and waits until their part files are gone. */
  async stopAll(): Promise<void> {
    // Resumable part files are kept when the node closes (see fetch-file.ts).
    for (const {controller} of this.table.values())
      controller.abort(new NodeClosingError());
    await Promise.all(this.running);
  }

  private async run(info: TransferInfo, owners: string[]): Promise<TransferInfo> {
    const {name} = info;
    const wireName = this.deps.files.wireName(name);
    const controller = new AbortController();
    this.table.set(info.id, {info, controller});
    this.deps.log('info', `fetching ${name} from ${info.owner}`);
    this.emit('transfer-start', {...info});
    const sources = owners.flatMap((id) => {
      const address = parsePeerId(id);
      return address ? [{id, address}] : [];
    });
    const progress = this.progressReporter(info);
    try {
      const result = await this.deps.download({
        sources,
        wireName,
        name,
        signal: controller.signal,
        onUpdate: progress.update,
        onSourceGone: (id) => this.deps.files.dropOwner(name, id),
      });
      progress.stop();
      return this.succeed(info, result);
    } catch (thrown) {
      progress.stop();
      const error = controller.signal.aborted ? new TransferCancelledError() : thrown;
      this.fail(info, error);
      throw error;
    }
  }

  /**
   * Progress at most every PROGRESS_INTERVAL_MS, with a trailing report: the
   * last bytes before a stall are always told, so a client that follows
   * events alone (a UI over a socket) never shows stale progress. The rate
   * is smoothed over the reports; the ETA follows from it.
   */
  private progressReporter(info: TransferInfo): {
    update: (update: FetchUpdate) => void;
    stop: () => void;
  } {
    let lastReport = 0;
    let trailing: NodeJS.Timeout | undefined;
    let sample: {time: number; received: number} | undefined;
    const report = (): void => {
      clearTimeout(trailing);
      trailing = undefined;
      const now = this.deps.clock();
      lastReport = now;
      if (sample && now > sample.time) {
        const recent = ((info.received - sample.received) * 1000) / (now - sample.time);
        info.rate = info.rate === undefined ? recent : 0.6 * info.rate + 0.4 * recent;
      }
      sample = {time: now, received: info.received};
      if (info.total !== undefined && info.rate !== undefined && info.rate > 0) {
        info.etaSeconds = Math.max(0, info.total - info.received) / info.rate;
      }
      if (info.state === 'running') this.emit('transfer-progress', {...info});
    };
    return {
      update: (update) => {
        const phaseChanged = update.phase !== info.phase;
        const totalKnown = update.total !== undefined && info.total === undefined;
        info.phase = update.phase;
        info.sources = update.sources;
        if (update.owner) info.owner = update.owner;
        if (update.total !== undefined) info.total = update.total;
        info.received = update.received;
        const wait = lastReport + PROGRESS_INTERVAL_MS - this.deps.clock();
        if (wait <= 0 || phaseChanged || totalKnown || info.received === info.total) {
          return report();
        }
        trailing ??= setTimeout(report, wait);
      },
      stop: () => clearTimeout(trailing),
    };
  }

  private succeed(info: TransferInfo, result: Downloaded): TransferInfo {
    Object.assign(info, {
      state: 'done',
      received: result.size,
      total: result.size,
      path: result.path,
      finishedAt: this.deps.clock(),
      owner: result.owner ?? info.owner,
      verified: result.verified ?? false,
      ...(result.sha256 ? {sha256: result.sha256} : {}),
      ...(result.resumedBytes ? {resumedBytes: result.resumedBytes} : {}),
      ...(result.alreadyHad ? {alreadyHad: true} : {}),
    } satisfies Partial<TransferInfo>);
    delete info.etaSeconds;
    if (!result.alreadyHad) this.deps.files.share(result.name, result.path, result.size);
    this.deps.log(
      'info',
      result.alreadyHad
        ? `${info.name} is already here: ${result.path}`
        : `fetched ${info.name} (${result.size} bytes) into ${result.path}${result.verified ? ', SHA-256 verified' : ''}`,
    );
    this.pruneFinished();
    this.emit('transfer-done', {...info});
    return {...info};
  }

  private fail(info: TransferInfo, error: unknown): void {
    const cancelled = error instanceof TransferCancelledError;
    Object.assign(info, {
      state: cancelled ? 'cancelled' : 'failed',
      error: describeError(error),
      finishedAt: this.deps.clock(),
    } satisfies Partial<TransferInfo>);
    this.deps.log(
      cancelled ? 'info' : 'error',
      `fetch of ${info.name} ${cancelled ? 'cancelled' : 'failed'}`,
    );
    this.pruneFinished();
    this.emit('transfer-failed', {...info});
  }

  /** Finished transfers stay listed for the UI, but only the latest few. */
  private pruneFinished(): void {
    const finished = [...this.table.values()].filter(
      ({info}) => info.state !== 'running',
    );
    for (const {info} of finished.slice(0, -MAX_FINISHED_TRANSFERS)) {
      this.table.delete(info.id);
    }
  }
}
