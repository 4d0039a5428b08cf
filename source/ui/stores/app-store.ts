import type {AppEvent, AppSession, AppSnapshot, LatestSearch} from '../../app/session.js';
import type {
  FileEntry,
  LogEntry,
  LogLevel,
  PeerInfo,
  TransferInfo,
} from '../../node/types.js';
import {SYSTEM_CLOCK, type FrameClock} from './frame-clock.js';

export type SearchView = {
  key: string;
  names: ReadonlySet<string>;
  /** The session as the node tells it (absent from sessions that do not). */
  status?: 'searching' | 'done';
  results?: number;
  peers?: number;
  /** Peers whose answer reached the responder's bound: they may hold more. */
  cutPeers?: readonly string[];
};

/**
 * What the UI shows at one moment. A part keeps its identity until an event
 * changes it, so memoized panes skip unchanged parts.
 */
export type ViewSnapshot = {
  readonly id: string;
  readonly maxPeers: number;
  readonly downloadDir: string;
  readonly peers: readonly PeerInfo[];
  readonly files: readonly FileEntry[];
  readonly search: SearchView | undefined;
  readonly transfers: readonly TransferInfo[];
  /** The newest lines of the node's and the app's logs and this UI's notes, oldest first. */
  readonly log: readonly LogEntry[];
  readonly closed: boolean;
  /** When the snapshot was taken, for transfer rates. */
  readonly takenAt: number;
};

export type AppStoreOptions = {
  /** Events within one frame are drawn together. */
  frameMs?: number;
  logLimit?: number;
  /**
   * While a transfer runs the snapshot is renewed this often even without
   * events, so a stalled transfer shows its rate falling and its ETA growing;
   * and progress alone is not drawn more often than this, a pace a person
   * can read that keeps the bytes sent to the terminal low (over SSH).
   */
  progressTickMs?: number;
  clock?: FrameClock;
};

export const DEFAULT_FRAME_MS = 40;
/** Enough to read back a while in the log view; wrapped only while it is open. */
export const DEFAULT_LOG_LIMIT = 2000;
export const DEFAULT_PROGRESS_TICK_MS = 500;

/**
 * An external store (for useSyncExternalStore) over an AppSession's events.
 * A burst of events, say a thousand search results, becomes at most one new
 * snapshot per frame; a lone event after a quiet spell is shown at once.
 */
export class AppStore {
  private readonly frameMs: number;
  private readonly logLimit: number;
  private readonly progressTickMs: number;
  private readonly clock: FrameClock;
  private readonly listeners = new Set<() => void>();
  private snapshot: ViewSnapshot;
  private shownSearch: LatestSearch | undefined;
  private logLines: LogEntry[];
  /** Lines only this UI shows, kept to merge in again on attach. */
  private notes: LogEntry[] = [];
  private dirty = false;
  private logChanged = false;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private cancelFrame: (() => void) | undefined;
  private cancelTick: (() => void) | undefined;
  private detach: (() => void) | undefined;

  constructor(
    private readonly session: AppSession,
    options: AppStoreOptions = {},
  ) {
    this.frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
    this.logLimit = options.logLimit ?? DEFAULT_LOG_LIMIT;
    this.progressTickMs = options.progressTickMs ?? DEFAULT_PROGRESS_TICK_MS;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    const app = session.snapshot();
    this.logLines = app.log.slice(-this.logLimit);
    this.snapshot = this.view(app, undefined);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.attach();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  getSnapshot = (): ViewSnapshot => this.snapshot;

  /** A line for this UI's log pane alone: a key hint, the refusal of its own command. */
  note(level: LogLevel, message: string): void {
    const entry = {time: this.clock.now(), level, message};
    this.notes = [...this.notes, entry].slice(-this.logLimit);
    this.addLine(entry);
  }

  private attach(): void {
    this.detach = this.session.subscribe(this.onEvent);
    // Whatever happened between the first snapshot and now, in time order.
    this.logLines = [...this.session.snapshot().log, ...this.notes]
      .sort((a, b) => a.time - b.time)
      .slice(-this.logLimit);
    this.logChanged = true;
    this.mark();
  }

  private stop(): void {
    this.detach?.();
    this.detach = undefined;
    this.cancelFrame?.();
    this.cancelFrame = undefined;
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  private readonly onEvent = (event: AppEvent): void => {
    if (event.event === 'log') {
      const {time, level, message} = event;
      this.addLine({time, level, message});
    } else if (event.event === 'transfer-progress') {
      this.markProgress();
    } else {
      this.mark();
    }
  };

  /** New bytes of a running transfer: drawn with the next frame, or at the progress pace. */
  private markProgress(): void {
    if (this.cancelFrame || this.cancelTick) return;
    this.mark();
  }

  private addLine(entry: LogEntry): void {
    this.logLines.push(entry);
    if (this.logLines.length > this.logLimit * 2) {
      this.logLines = this.logLines.slice(-this.logLimit);
    }
    this.logChanged = true;
    this.mark();
  }

  private mark(): void {
    this.dirty = true;
    if (this.cancelFrame) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - this.clock.now());
    this.cancelFrame = this.clock.after(wait, this.flush);
  }

  private readonly flush = (): void => {
    this.cancelFrame = undefined;
    this.lastFlush = this.clock.now();
    if (!this.dirty) return;
    this.dirty = false;
    this.snapshot = this.view(this.session.snapshot(), this.snapshot);
    if (
      !this.cancelTick &&
      this.snapshot.transfers.some((transfer) => transfer.state === 'running')
    ) {
      this.cancelTick = this.clock.after(this.progressTickMs, () => {
        this.cancelTick = undefined;
        this.mark();
      });
    }
    for (const listener of this.listeners) listener();
  };

  private view(app: AppSnapshot, previous: ViewSnapshot | undefined): ViewSnapshot {
    let search = previous?.search;
    if (!previous || app.search !== this.shownSearch) {
      this.shownSearch = app.search;
      search = app.search && {
        key: app.search.key,
        names: new Set(app.search.names),
        ...(app.search.status ? {status: app.search.status} : {}),
        ...(app.search.results === undefined ? {} : {results: app.search.results}),
        ...(app.search.peers === undefined ? {} : {peers: app.search.peers}),
        ...(app.search.cutPeers ? {cutPeers: app.search.cutPeers} : {}),
      };
    }
    const log =
      !previous || this.logChanged ? this.logLines.slice(-this.logLimit) : previous.log;
    this.logChanged = false;
    return {
      id: app.identity.id,
      maxPeers: app.identity.maxPeers,
      downloadDir: app.identity.downloadDir,
      peers: app.peers,
      files: app.files,
      search,
      transfers: app.transfers,
      log,
      closed: app.closed,
      takenAt: this.clock.now(),
    };
  }
}
