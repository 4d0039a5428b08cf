/**
 * The narrow interface the front ends (terminal UI, headless mode) use: run a
 * command, read a snapshot, follow one stream of events. Everything that
 * crosses it is plain, JSON-serialisable data, so the same interface can be
 * served in-process (FilerApp) or by a client of a local control socket.
 */
import type {AppCommand, OutcomeOf} from './commands.js';
import type {
  FileEntry,
  LogEntry,
  SearchSummary,
  PeerInfo,
  PeerRemovedReason,
  TransferInfo,
} from '../node/types.js';

/** Whose log a line is: the node's (network, files, transfers) or the app's (commands). */
export type LogSource = 'node' | 'app';

export type AppLogLine = LogEntry & {source: LogSource};

export type AppIdentity = {
  /** `host:port`, as other peers know this node. */
  id: string;
  port: number;
  /** 0 = unlimited. */
  maxPeers: number;
  downloadDir: string;
};

export type {SearchSummary} from '../node/types.js';

/**
 * The latest search and the names it found; from a node, also its session:
 * status, counts and cut notices (optional, so older sessions still fit).
 */
export type LatestSearch = {
  key: string;
  ttl: number;
  startedAt: number;
  names: string[];
} & Partial<Omit<SearchSummary, 'key' | 'ttl' | 'startedAt'>>;

/**
 * What the app holds at one moment. A part keeps its identity until an event
 * changes it, so a front end can skip redrawing what did not change.
 */
export type AppSnapshot = {
  readonly identity: AppIdentity;
  readonly peers: readonly PeerInfo[];
  readonly files: readonly FileEntry[];
  readonly transfers: readonly TransferInfo[];
  /** Absent until the first search. */
  readonly search?: LatestSearch;
  /** The recent lines of the node's and the app's logs, merged by time. */
  readonly log: readonly AppLogLine[];
  readonly closed: boolean;
};

export type TransferEventName =
  'transfer-start' | 'transfer-progress' | 'transfer-done' | 'transfer-failed';

/** Everything that happens, as one stream; `event` names the kind. */
export type AppEvent =
  | {event: 'listening'; id: string; port: number}
  | {event: 'peer-added'; peer: PeerInfo}
  | {event: 'peer-removed'; peer: PeerInfo; reason: PeerRemovedReason}
  | {event: 'file-added'; file: FileEntry}
  | {event: 'file-removed'; name: string}
  | {event: 'search-started'; key: string; ttl: number}
  | {event: 'search-result'; key: string; name: string; owner: string}
  | {event: 'search-updated'; search: SearchSummary}
  | {event: TransferEventName; transfer: TransferInfo}
  | ({event: 'log'} & AppLogLine)
  | {event: 'closed'};

export type AppListener = (event: AppEvent) => void;

/**
 * What a front end of a node that runs in its own process (see docs/daemon.md)
 * can do besides commands: leave the node running, or say whether it should
 * stay when the terminal goes away.
 */
export interface NodeControl {
  /** The node stays when the last UI goes without detaching. */
  keepRunning(): boolean;
  setKeepRunning(on: boolean): Promise<void>;
  /** Whether the node would stay if this UI closed now (kept running, transfers, other UIs). */
  wouldKeepRunning(): boolean;
  /** Leaves the node running in the background and closes this connection. */
  detach(): Promise<void>;
  /** Calls `listener` when what the methods above answer may have changed. */
  onChange(listener: () => void): () => void;
}

export interface AppSession {
  /** Present when the node runs in its own process and this session is one of its clients. */
  readonly control?: NodeControl;
  /** Runs a command; never rejects: every failure is an outcome. */
  execute<C extends AppCommand>(command: C): Promise<OutcomeOf<C>>;
  snapshot(): AppSnapshot;
  /** Calls `listener` for every event from now on; returns the unsubscribe. */
  subscribe(listener: AppListener): () => void;
}
