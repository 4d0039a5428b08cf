/** Public data shapes of a FilerNode: what its events carry and its snapshots return. */
import type {SearchSummary} from './search/search-session.js';

export type {LatestSearch, SearchStatus, SearchSummary} from './search/search-session.js';
export type {BrowseListing, BrowsedFile} from './search/peer-browser.js';

export type PeerInfo = {
  /** `host:port`, as the peer names itself. */
  id: string;
  host: string;
  port: number;
};

export type FileEntry = {
  /** Name as shown to people (decoded; may contain spaces). */
  name: string;
  /** True when this node shares the file itself. */
  local: boolean;
  /** Remote owners' peer ids (empty for a purely local file). */
  owners: string[];
  /** Size in bytes when known (local files, SIZE extension, finished downloads). */
  size?: number;
};

export type TransferState = 'running' | 'done' | 'failed' | 'cancelled';

export type TransferInfo = {
  id: number;
  name: string;
  owner: string;
  state: TransferState;
  /** Bytes written so far. */
  received: number;
  /** Total bytes, known once the reply header arrived. */
  total?: number;
  startedAt: number;
  finishedAt?: number;
  /** Final path on disk when done. */
  path?: string;
  /** One-line reason when failed or cancelled. */
  error?: string;
  /** What a running transfer does now. */
  phase?: 'hashing' | 'fetching' | 'verifying';
  /** Sources sending bytes now. */
  sources?: number;
  /** Bytes per second, recently. */
  rate?: number;
  /** Seconds left at that rate. */
  etaSeconds?: number;
  /** Done, and the content matched the SHA-256 its sources announced. */
  verified?: boolean;
  sha256?: string;
  /** Bytes kept from an earlier, interrupted fetch. */
  resumedBytes?: number;
  /** The content was already here (at `path`); nothing was fetched. */
  alreadyHad?: boolean;
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogEntry = {
  time: number;
  level: LogLevel;
  message: string;
};

export type PeerRemovedReason = 'quit' | 'unreachable' | 'removed';

export type SearchResult = {
  key: string;
  name: string;
  owner: string;
};

/** Sockets and connection slots a node holds at one moment. */
export type NodeResources = {
  /** Every socket open: incoming, outgoing, transfers. */
  sockets: number;
  /** Incoming connections admitted. */
  incoming: number;
  /** Outgoing connection slots in use. */
  outgoing: number;
  /** Outgoing requests waiting for a slot. */
  outgoingQueued: number;
};

/** Every event a FilerNode emits, with its arguments. */
export type FilerNodeEvents = {
  listening: [info: {id: string; port: number}];
  'peer-added': [peer: PeerInfo];
  'peer-removed': [peer: PeerInfo, reason: PeerRemovedReason];
  /** A name appeared or changed (new owner, size learned, became local). */
  'file-added': [file: FileEntry];
  'file-removed': [name: string];
  'search-started': [search: {key: string; ttl: number}];
  'search-result': [result: SearchResult];
  /** A search of the user's started, found something new, or became done. */
  'search-updated': [search: SearchSummary];
  'transfer-start': [transfer: TransferInfo];
  'transfer-progress': [transfer: TransferInfo];
  'transfer-done': [transfer: TransferInfo];
  'transfer-failed': [transfer: TransferInfo];
  log: [entry: LogEntry];
  closed: [];
};
