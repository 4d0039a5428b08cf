import type {FilerNode} from '../../node/filer-node.js';
import type {
  FileEntry,
  FilerNodeEvents,
  LogEntry,
  PeerInfo,
  TransferInfo,
} from '../../node/types.js';

export type SearchView = {key: string; names: ReadonlySet<string>};

/**
 * What the UI shows of a node at one moment. A part keeps its identity until
 * an event changes it, so memoized panes skip unchanged parts.
 */
export type NodeSnapshot = {
  readonly id: string;
  readonly maxPeers: number;
  readonly peers: readonly PeerInfo[];
  readonly files: readonly FileEntry[];
  readonly search: SearchView | undefined;
  readonly transfers: readonly TransferInfo[];
  /** The newest lines, oldest first, at most `logLimit`. */
  readonly log: readonly LogEntry[];
  readonly closed: boolean;
  /** When the snapshot was taken, for transfer rates. */
  readonly takenAt: number;
};

type Part = 'peers' | 'files' | 'search' | 'transfers' | 'log' | 'closed';

/** The events that change each part; 'log' and 'closed' carry state and are handled apart. */
const PART_EVENTS: Record<Part, ReadonlyArray<keyof FilerNodeEvents>> = {
  peers: ['peer-added', 'peer-removed'],
  files: ['file-added', 'file-removed'],
  search: ['search-started', 'search-result'],
  transfers: ['transfer-start', 'transfer-progress', 'transfer-done', 'transfer-failed'],
  log: [],
  closed: [],
};

export type NodeStoreOptions = {
  /** Events within one frame are drawn together. */
  frameMs?: number;
  logLimit?: number;
  /**
   * While a transfer runs its snapshot is renewed this often even without
   * events, so a stalled transfer shows its rate falling and its ETA growing.
   */
  progressTickMs?: number;
};

export const DEFAULT_FRAME_MS = 40;
export const DEFAULT_LOG_LIMIT = 300;
export const DEFAULT_PROGRESS_TICK_MS = 500;

/**
 * An external store (for useSyncExternalStore) over a FilerNode's events. A
 * burst of events, say a thousand search results, becomes at most one new
 * snapshot per frame; a lone event after a quiet spell is shown at once.
 */
export class NodeStore {
  private readonly frameMs: number;
  private readonly logLimit: number;
  private readonly progressTickMs: number;
  private progressTick: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly dirty = new Set<Part>();
  private snapshot: NodeSnapshot;
  private logLines: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private detach: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly node: FilerNode,
    options: NodeStoreOptions = {},
  ) {
    this.frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
    this.logLimit = options.logLimit ?? DEFAULT_LOG_LIMIT;
    this.progressTickMs = options.progressTickMs ?? DEFAULT_PROGRESS_TICK_MS;
    this.logLines = node.recentLog().slice(-this.logLimit);
    this.snapshot = {
      id: node.id,
      maxPeers: node.maxPeers,
      peers: node.peers(),
      files: node.files(),
      search: readSearch(node),
      transfers: node.transfers(),
      log: [...this.logLines],
      closed: false,
      takenAt: Date.now(),
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.attach();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  getSnapshot = (): NodeSnapshot => this.snapshot;

  private attach(): void {
    const handlers: Array<[keyof FilerNodeEvents, () => void]> = [];
    for (const [part, events] of Object.entries(PART_EVENTS) as Array<
      [Part, ReadonlyArray<keyof FilerNodeEvents>]
    >) {
      for (const event of events) handlers.push([event, () => this.mark(part)]);
    }
    for (const [event, handler] of handlers) this.node.on(event, handler);
    const onLog = (entry: LogEntry): void => {
      this.logLines.push(entry);
      if (this.logLines.length > this.logLimit * 2) {
        this.logLines = this.logLines.slice(-this.logLimit);
      }
      this.mark('log');
    };
    this.node.on('log', onLog);
    const onClosed = (): void => {
      this.closed = true;
      this.mark('closed');
    };
    this.node.on('closed', onClosed);
    this.detach = () => {
      for (const [event, handler] of handlers) this.node.off(event, handler);
      this.node.off('log', onLog);
      this.node.off('closed', onClosed);
    };
    // Whatever happened between the first snapshot and now.
    this.logLines = this.node.recentLog().slice(-this.logLimit);
    for (const part of Object.keys(PART_EVENTS) as Part[]) this.dirty.add(part);
    this.schedule();
  }

  private stop(): void {
    this.detach?.();
    this.detach = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.progressTick);
    this.progressTick = undefined;
  }

  private mark(part: Part): void {
    this.dirty.add(part);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - Date.now());
    this.timer = setTimeout(this.flush, wait);
    this.timer.unref();
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    this.lastFlush = Date.now();
    if (this.dirty.size === 0) return;
    const node = this.node;
    const has = (part: Part): boolean => this.dirty.has(part);
    const previous = this.snapshot;
    this.snapshot = {
      id: node.id,
      maxPeers: node.maxPeers,
      peers: has('peers') ? node.peers() : previous.peers,
      files: has('files') ? node.files() : previous.files,
      search: has('search') ? readSearch(node) : previous.search,
      transfers: has('transfers') ? node.transfers() : previous.transfers,
      log: has('log') ? this.logLines.slice(-this.logLimit) : previous.log,
      closed: this.closed,
      takenAt: this.lastFlush,
    };
    this.dirty.clear();
    if (
      !this.progressTick &&
      this.snapshot.transfers.some((transfer) => transfer.state === 'running')
    ) {
      this.progressTick = setTimeout(() => {
        this.progressTick = undefined;
        this.mark('transfers');
      }, this.progressTickMs);
      this.progressTick.unref();
    }
    for (const listener of this.listeners) listener();
  };
}

function readSearch(node: FilerNode): SearchView | undefined {
  const latest = node.latestSearch();
  return latest && {key: latest.key, names: new Set(latest.names)};
}
