/**
 * The app's snapshot, rebuilt part by part: a part is read again only after
 * an event that changes it (running transfers: always), so unchanged parts
 * keep their identity and a snapshot between events costs next to nothing.
 */
import type {
  AppEvent,
  AppIdentity,
  AppLogLine,
  AppSnapshot,
  LatestSearch,
} from './session.js';
import type {FileEntry, PeerInfo, TransferInfo} from '../node/types.js';

export type SnapshotSources = {
  identity(): AppIdentity;
  peers(): PeerInfo[];
  files(): FileEntry[];
  transfers(): TransferInfo[];
  search(): LatestSearch | undefined;
  log(): AppLogLine[];
};

type Part = 'identity' | 'peers' | 'files' | 'transfers' | 'search' | 'log';

const PARTS: readonly Part[] = [
  'identity',
  'peers',
  'files',
  'transfers',
  'search',
  'log',
];

const CHANGES: Record<AppEvent['event'], readonly Part[]> = {
  listening: ['identity'],
  'peer-added': ['peers'],
  'peer-removed': ['peers'],
  'file-added': ['files'],
  'file-removed': ['files'],
  'search-started': ['search'],
  'search-result': ['search'],
  'search-updated': ['search'],
  'transfer-start': ['transfers'],
  'transfer-progress': ['transfers'],
  'transfer-done': ['transfers'],
  'transfer-failed': ['transfers'],
  log: ['log'],
  closed: PARTS,
};

export class SnapshotCache {
  private current: AppSnapshot | undefined;
  private readonly stale = new Set<Part>(PARTS);
  private closed = false;

  constructor(private readonly sources: SnapshotSources) {}

  /** Call for every event before listeners may read the snapshot. */
  update(event: AppEvent): void {
    if (event.event === 'closed') this.closed = true;
    for (const part of CHANGES[event.event]) this.stale.add(part);
  }

  read(): AppSnapshot {
    const previous = this.current;
    // The node reports progress at most every 100 ms and not again before a
    // stall, so the bytes of a running transfer are read afresh each time.
    if (previous?.transfers.some((transfer) => transfer.state === 'running')) {
      this.stale.add('transfers');
    }
    if (previous && this.stale.size === 0) return previous;
    const part = <K extends Part>(name: K, read: () => AppSnapshot[K]): AppSnapshot[K] =>
      previous && !this.stale.has(name) ? previous[name] : read();
    const {sources} = this;
    this.current = {
      identity: part('identity', () => sources.identity()),
      peers: part('peers', () => sources.peers()),
      files: part('files', () => sources.files()),
      transfers: part('transfers', () => sources.transfers()),
      log: part('log', () => sources.log()),
      closed: this.closed,
    };
    // Absent rather than undefined, so the snapshot survives JSON unchanged.
    const search = part('search', () => sources.search());
    if (search) this.current = {...this.current, search};
    this.stale.clear();
    return this.current;
  }
}
