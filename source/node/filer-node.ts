/**
 * The peer, as a thin facade: its parts (built and wired in node-parts.ts)
 * do the work, answer incoming requests (request-handlers.ts) and keep the
 * node up (node-upkeep.ts); the node opens and closes them, re-emits their
 * events and gives each command to the one part that does it. No UI code.
 */
import {formatPeerId} from '../protocol/messages.js';
import type {FileIndexEvents} from './files/file-index.js';
import {LogBook} from './log-book.js';
import {zeroCopyAvailable} from './native/zero-copy.js';
import {buildNodeParts, type NodeParts} from './node-parts.js';
import {
  resolveOptions,
  type FilerNodeOptions,
  type ResolvedOptions,
} from './node-options.js';
import type {OverlayEvents} from './overlay/overlay.js';
import type {BrowseListing} from './search/peer-browser.js';
import type {
  LatestSearch,
  SearchEvents,
  SearchStats,
  SearchSummary,
} from './search/search-router.js';
import type {TransferEvents} from './transfer/transfer-engine.js';
import {TypedEmitter} from './typed-emitter.js';
import type {
  FileEntry,
  FilerNodeEvents,
  LogEntry,
  LogLevel,
  NodeResources,
  PeerInfo,
  SearchResult,
  TransferInfo,
} from './types.js';

export type {FilerNodeOptions} from './node-options.js';
export type {LatestSearch, SearchStats} from './search/search-router.js';
export type {BrowseListing, BrowsedFile} from './search/peer-browser.js';

export class FilerNode extends TypedEmitter<FilerNodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly logBook = new LogBook((entry) => this.emit('log', entry));
  private readonly parts: NodeParts;
  private listeningPort = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;

  constructor(options: FilerNodeOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.parts = buildNodeParts(this.options, {
      self: () => ({id: this.id, host: this.advertisedHost, port: this.port}),
      isOpen: () => this.isOpen,
      log: (level, message) => this.log(level, message),
    });
    const {overlay, fileIndex, searchRouter, transferEngine} = this.parts;
    this.relay<OverlayEvents>(overlay, ['peer-added', 'peer-removed']);
    this.relay<FileIndexEvents>(fileIndex, ['file-added', 'file-removed']);
    this.relay<SearchEvents>(searchRouter, [
      'search-started',
      'search-result',
      'search-updated',
    ]);
    this.relay<TransferEvents>(transferEngine, [
      'transfer-start',
      'transfer-progress',
      'transfer-done',
      'transfer-failed',
    ]);
  }

  /** Creates a node and waits until it listens. */
  static async start(options: FilerNodeOptions = {}): Promise<FilerNode> {
    const node = new FilerNode(options);
    await node.open();
    return node;
  }

  // ---- lifecycle -------------------------------------------------------

  async open(): Promise<void> {
    if (this.state !== 'new') return;
    this.listeningPort = await this.parts.server.listen(
      this.options.port,
      this.options.bindHost,
    );
    if (this.closing) {
      // close() was called while we were starting to listen.
      await this.parts.server.close();
      return;
    }
    this.state = 'open';
    this.parts.upkeep.start();
    const maxPeers = this.maxPeers === 0 ? 'unlimited' : String(this.maxPeers);
    this.log('info', `listening as ${this.id} (max peers ${maxPeers})`);
    this.log(
      'info',
      zeroCopyAvailable()
        ? 'file bodies move zero-copy (sendfile, splice)'
        : 'file bodies move through memory (the zero-copy addon is not built or is off)',
    );
    this.emit('listening', {id: this.id, port: this.port});
  }

  /** Says QUIT to every neighbour, stops timers and transfers, closes all sockets. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    const {upkeep, searchRouter, transferEngine, hasher, overlay, server, registry} =
      this.parts;
    upkeep.stop();
    searchRouter.close();
    await transferEngine.stopAll();
    await hasher.close();
    if (wasOpen) await overlay.leave();
    const serverClosed = server.close();
    registry.destroyAll();
    await serverClosed;
    this.state = 'closed';
    if (wasOpen) this.log('info', 'node closed');
    this.emit('closed');
  }

  // ---- snapshots ---------------------------------------------------------

  get id(): string {
    return formatPeerId(this.options.advertisedHost, this.listeningPort);
  }

  get port(): number {
    return this.listeningPort;
  }

  get advertisedHost(): string {
    return this.options.advertisedHost;
  }

  get maxPeers(): number {
    return this.options.maxPeers;
  }

  get downloadDir(): string {
    return this.options.downloadDir;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  peers(): PeerInfo[] {
    return this.parts.overlay.peers();
  }

  files(): FileEntry[] {
    return this.parts.fileIndex.entries();
  }

  file(name: string): FileEntry | undefined {
    return this.parts.fileIndex.entry(name);
  }

  transfers(): TransferInfo[] {
    return this.parts.transferEngine.transfers();
  }

  latestSearch(): LatestSearch | undefined {
    return this.parts.searchRouter.latestSearch();
  }

  /** The user's recent searches (status, counts), oldest first. */
  searches(): SearchSummary[] {
    return this.parts.searchRouter.searches();
  }

  /** The results of one of the user's searches (the latest without an id). */
  searchResults(id?: number): SearchResult[] | undefined {
    return this.parts.searchRouter.searchResults(id);
  }

  /** Message counts of search so far (tests, bench:search). */
  searchStats(): SearchStats {
    return this.parts.searchRouter.stats();
  }

  recentLog(): LogEntry[] {
    return this.logBook.recent();
  }

  /** Requests received so far by message type (unknown types as `other`). */
  requestCounts(): Record<string, number> {
    return this.parts.requestCounts.snapshot();
  }

  /** What the node holds open now, to watch its limits (tests, benchmarks). */
  resources(): NodeResources {
    return {
      sockets: this.parts.registry.size,
      incoming: this.parts.server.connectionCount,
      outgoing: this.parts.outgoing.activeCount,
      outgoingQueued: this.parts.outgoing.queuedCount,
    };
  }

  // ---- commands: each delegates to one part ----------------------------------

  /** Joins the network through a contact (the original's buildpeers). */
  buildPeers(host: string, port: number, hops = 2): Promise<number> {
    return this.parts.overlay.buildPeers(host, port, hops);
  }

  /** The GUI's Rebuild: join again through a contact, 3 hops deep. */
  rebuild(host: string, port: number): Promise<number> {
    return this.parts.overlay.rebuild(host, port);
  }

  /** One look for a better placed link (the top-up timer runs them while full). */
  rewire(): Promise<boolean> {
    return this.parts.overlay.rewire();
  }

  /** Sends QUIT to the peer, then forgets it. */
  removePeer(peerId: string): Promise<void> {
    return this.parts.overlay.removePeer(peerId);
  }

  /**
   * The stabilizer: drops every neighbour, and every listed owner, that no
   * longer accepts connections; refreshes the neighbours' query tables.
   */
  checkPeers(): Promise<void> {
    return this.parts.upkeep.checkPeers();
  }

  /**
   * Shares a file, or every file under a directory, by base name; `signal`
   * stops a long walk. Resolves once the neighbours know the new names (so
   * the next search finds them).
   */
  async addShare(sharePath: string, signal?: AbortSignal): Promise<FileEntry[]> {
    const added = await this.parts.fileIndex.addShare(sharePath, signal);
    await this.parts.searchRouter.sharesChanged();
    return added;
  }

  /** Sends QUER to every neighbour; results arrive later as 'search-result'. */
  search(key: string, ttl?: number): Promise<number> {
    return this.parts.searchRouter.search(key, ttl);
  }

  /**
   * Lists every file a filer-tui peer shares (BRWS) and adds them to the
   * files; an original peer cannot be browsed (BrowseUnsupportedError).
   */
  browse(peerId: string): Promise<BrowseListing> {
    return this.parts.peerBrowser.browse(peerId);
  }

  /**
   * Downloads a remote file into the download directory, trying each known
   * owner in turn (or only `owner`). Resolves with the finished transfer.
   */
  fetch(name: string, owner?: string): Promise<TransferInfo> {
    return this.startFetch(name, owner).done;
  }

  /**
   * Checks the request at once (throws if it cannot start) and returns the new
   * transfer; `done` settles when it finished or failed.
   */
  startFetch(
    name: string,
    owner?: string,
  ): {transfer: TransferInfo; done: Promise<TransferInfo>} {
    return this.parts.transferEngine.start(name, owner);
  }

  /** Stops a running transfer; its part file is removed. */
  cancelTransfer(id: number): boolean {
    return this.parts.transferEngine.cancel(id);
  }

  /** Adds a line to the node's log and emits it. */
  log(level: LogLevel, message: string): void {
    this.logBook.write(level, message);
  }
}
