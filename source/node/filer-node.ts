/**
 * The peer, as a thin facade: it wires the overlay, the file index, search
 * and the transfer engine to the network, answers incoming requests through
 * a dispatch table, and re-emits the parts' events. No UI code.
 */
import {BrowseMessageType} from '../protocol/browse-messages.js';
import type {Frame} from '../protocol/frame.js';
import {formatPeerId, MessageType, type PeerAddress} from '../protocol/messages.js';
import {TransferMessageType} from '../protocol/transfer-messages.js';
import type {Identity, Request, RequestOptions} from './collaborators.js';
import {FileIndex, type FileIndexEvents} from './files/file-index.js';
import {
  answerFileInfo,
  answerSize,
  RangeSumServer,
  serveFile,
  serveRange,
} from './files/file-server.js';
import {HashCache} from './files/hash-cache.js';
import {hashCacheFile} from './files/hash-cache-files.js';
import {ShareHasher} from './files/hash-shares.js';
import {LogBook} from './log-book.js';
import {OutgoingPool} from './net/outgoing-pool.js';
import {probePeer, requestFrames} from './net/peer-client.js';
import {PeerServer} from './net/peer-server.js';
import {SocketRegistry} from './net/socket-registry.js';
import {
  resolveOptions,
  type FilerNodeOptions,
  type ResolvedOptions,
} from './node-options.js';
import {Overlay, type OverlayEvents} from './overlay/overlay.js';
import {OwnerLiveness} from './overlay/owner-liveness.js';
import {OverlayMessageType} from '../protocol/overlay-messages.js';
import {QueryTableMessageType} from '../protocol/query-table-messages.js';
import {PeerBrowser, type BrowseListing} from './search/peer-browser.js';
import {createDispatcher, type HandlerTable} from './request-dispatch.js';
import {
  SearchRouter,
  type LatestSearch,
  type SearchEvents,
  type SearchStats,
  type SearchSummary,
} from './search/search-router.js';
import {fetchFile} from './transfer/fetch-file.js';
import {TransferEngine, type TransferEvents} from './transfer/transfer-engine.js';
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

/** A burst of shared files (a walk, downloads) is announced to the neighbours once. */
const SHARES_CHANGED_DELAY_MS = 200;
export type {LatestSearch, SearchStats} from './search/search-router.js';
export type {BrowseListing, BrowsedFile} from './search/peer-browser.js';

export class FilerNode extends TypedEmitter<FilerNodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly registry = new SocketRegistry();
  private readonly outgoing: OutgoingPool;
  private readonly server: PeerServer;
  private readonly logBook = new LogBook((entry) => this.emit('log', entry));
  private readonly overlay: Overlay;
  private readonly owners: OwnerLiveness;
  private readonly fileIndex: FileIndex;
  private readonly searchRouter: SearchRouter;
  private readonly peerBrowser: PeerBrowser;
  private readonly transferEngine: TransferEngine;
  private readonly hasher: ShareHasher;
  private readonly rangeSums: RangeSumServer;
  /** The log the parts write to; one function, so limit reports are rate-limited per node. */
  private readonly partLog = (level: LogLevel, message: string): void =>
    this.log(level, message);
  private stabilizer: NodeJS.Timeout | undefined;
  private topUpTimer: NodeJS.Timeout | undefined;
  private sharesChangedTimer: NodeJS.Timeout | undefined;
  private readonly requestsByType = new Map<string, number>();
  private listeningPort = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;

  constructor(options: FilerNodeOptions = {}) {
    super();
    this.options = resolveOptions(options);
    const log = this.partLog;
    this.outgoing = new OutgoingPool(log, this.options.outgoingLimits);
    const isOpen = (): boolean => this.isOpen;
    const request: Request = (address, type, data, requestOptions) =>
      this.request(address, type, data, requestOptions);

    const probe = (address: PeerAddress): Promise<boolean> =>
      probePeer(address, {
        timeoutMs: this.options.connectTimeoutMs,
        registry: this.registry,
        pool: this.outgoing,
        log,
      });
    this.overlay = new Overlay({
      self: (): Identity => ({id: this.id, host: this.advertisedHost, port: this.port}),
      isOpen,
      maxPeers: this.options.maxPeers,
      request,
      probe,
      log,
    });
    this.fileIndex = new FileIndex(log);
    this.rangeSums = new RangeSumServer(this.fileIndex.catalog, log);
    this.owners = new OwnerLiveness({
      owners: () => {
        const neighbours = new Set(this.overlay.peers().map((peer) => peer.id));
        return this.fileIndex.catalog.remoteOwners().filter((id) => !neighbours.has(id));
      },
      probe,
      forget: (owner) => this.fileIndex.forgetOwner(owner),
      isOpen,
      log,
    });
    // A neighbour found dead takes its files with it; one that said QUIT is probed first.
    this.overlay.on('peer-removed', (peer, reason) => {
      if (reason === 'unreachable') this.fileIndex.forgetOwner(peer.id);
      else this.owners.suspect(peer.id);
    });
    this.hasher = new ShareHasher(
      new HashCache(hashCacheFile(this.options.stateDir, this.options.port), log),
      log,
    );
    this.fileIndex.on('file-added', (entry) => {
      const share = entry.local
        ? this.fileIndex.catalog.localShare(entry.name)
        : undefined;
      if (share) this.hasher.request(share.path);
    });
    this.searchRouter = new SearchRouter({
      selfId: () => this.id,
      isOpen,
      peers: () => this.overlay.peers(),
      request,
      files: this.fileIndex,
      clock: Date.now,
      log,
      defer: (task) => setImmediate(task),
      sizeLookup: this.options.sizeLookup,
      mode: this.options.searchMode,
      limits: this.options.searchLimits,
      routingLimits: this.options.queryTableLimits,
      session: {quietMs: this.options.searchQuietMs},
    });
    this.peerBrowser = new PeerBrowser({
      request,
      files: this.fileIndex,
      clock: Date.now,
      log,
    });
    this.transferEngine = new TransferEngine({
      files: this.fileIndex,
      download: (job) =>
        fetchFile(job, {
          downloadDir: this.options.downloadDir,
          connectTimeoutMs: this.options.connectTimeoutMs,
          idleTimeoutMs: this.options.transferIdleTimeoutMs,
          registry: this.registry,
          requestOptions: {
            registry: this.registry,
            pool: this.outgoing,
            log,
            connectTimeoutMs: this.options.connectTimeoutMs,
            replyTimeoutMs: this.options.replyTimeoutMs,
            replyDeadlineMs: this.options.replyDeadlineMs,
          },
          log,
          now: Date.now,
          plainOnly: this.options.plainFetch,
          findLocal: (sha256, size) => this.hasher.findFile(sha256, size),
          remember: (file, size, mtimeMs, sha256) =>
            this.hasher.cache.set(file, {size, mtimeMs, sha256}),
        }),
      isOpen,
      clock: Date.now,
      log,
    });

    // Query tables follow the neighbours and this node's own shares.
    this.overlay.on('peer-added', (peer) => this.searchRouter.neighbourAdded(peer));
    this.overlay.on('peer-removed', (peer) =>
      this.searchRouter.neighbourRemoved(peer.id),
    );
    this.fileIndex.on('file-added', (entry) => {
      if (entry.local) this.sharesChanged();
    });
    this.relay<OverlayEvents>(this.overlay, ['peer-added', 'peer-removed']);
    this.relay<FileIndexEvents>(this.fileIndex, ['file-added', 'file-removed']);
    this.relay<SearchEvents>(this.searchRouter, [
      'search-started',
      'search-result',
      'search-updated',
    ]);
    this.relay<TransferEvents>(this.transferEngine, [
      'transfer-start',
      'transfer-progress',
      'transfer-done',
      'transfer-failed',
    ]);

    const handlers = this.requestHandlers();
    const dispatch = createDispatcher(handlers, log);
    this.server = new PeerServer(
      (request, reply) => {
        // Counted only for types with a handler: a flood of made-up types stays one key.
        const type = Object.hasOwn(handlers, request.type) ? request.type : 'other';
        this.requestsByType.set(type, (this.requestsByType.get(type) ?? 0) + 1);
        return dispatch(request, reply);
      },
      this.registry,
      log,
      this.options.serverLimits,
    );
  }

  /** Creates a node and waits until it listens. */
  static async start(options: FilerNodeOptions = {}): Promise<FilerNode> {
    const node = new FilerNode(options);
    await node.open();
    return node;
  }

  /** Message type → what answers it. */
  private requestHandlers(): HandlerTable {
    return {
      [MessageType.name]: (_request, reply) => reply.send(MessageType.reply, this.id),
      [MessageType.list]: (_request, reply) => this.overlay.answerList(reply),
      [MessageType.join]: (request, reply) =>
        this.overlay.answerJoin(request.data.toString('utf8'), reply),
      [MessageType.query]: (request, reply) =>
        this.searchRouter.answerQuery(request.data, reply, request.remote),
      [MessageType.response]: (request) =>
        this.searchRouter.acceptResponse(request.data, request.remote),
      [MessageType.fileGet]: (request, reply) =>
        serveFile(
          this.fileIndex.catalog,
          {wireName: request.data.toString('utf8'), remote: request.remote},
          reply,
          this.partLog,
        ),
      [MessageType.quit]: (request, reply) =>
        this.overlay.answerQuit(request.data.toString('utf8'), request.remote, reply),
      [QueryTableMessageType.forwardedQuery]: (request, reply) =>
        this.searchRouter.answerForwardedQuery(request.data, reply, request.remote),
      [QueryTableMessageType.table]: (request, reply) =>
        this.searchRouter.answerTable(request.data, reply, request.remote),
      [QueryTableMessageType.tableNotice]: (request, reply) =>
        this.searchRouter.answerTableNotice(request.data, reply, request.remote),
      [OverlayMessageType.handover]: (request, reply) =>
        this.overlay.answerHandover(request.data.toString('utf8'), request.remote, reply),
      [OverlayMessageType.cede]: (request, reply) =>
        this.overlay.answerCede(request.data.toString('utf8'), request.remote, reply),
      [OverlayMessageType.swap]: (request, reply) =>
        this.overlay.answerSwap(request.data.toString('utf8'), reply),
      [BrowseMessageType.browse]: (request, reply) =>
        this.peerBrowser.answer(request.data, reply, request.remote),
      [MessageType.size]: (request, reply) =>
        answerSize(this.fileIndex.catalog, request.data.toString('utf8'), reply),
      [TransferMessageType.fileInfo]: (request, reply) =>
        answerFileInfo(
          this.fileIndex.catalog,
          this.hasher,
          {wireName: request.data.toString('utf8'), remote: request.remote},
          reply,
          this.partLog,
        ),
      [TransferMessageType.rangeSums]: (request, reply) =>
        this.rangeSums.answer(
          {data: request.data.toString('utf8'), remote: request.remote},
          reply,
        ),
      [TransferMessageType.fileRange]: (request, reply) =>
        serveRange(
          this.fileIndex.catalog,
          {data: request.data.toString('utf8'), remote: request.remote},
          reply,
          this.partLog,
        ),
    };
  }

  // ---- lifecycle -------------------------------------------------------

  async open(): Promise<void> {
    if (this.state !== 'new') return;
    this.listeningPort = await this.server.listen(
      this.options.port,
      this.options.bindHost,
    );
    if (this.closing) {
      // close() was called while we were starting to listen.
      await this.server.close();
      return;
    }
    this.state = 'open';
    if (this.options.stabilizeIntervalMs > 0) {
      this.stabilizer = setInterval(
        () => void this.checkPeers(),
        this.options.stabilizeIntervalMs,
      );
      this.stabilizer.unref();
    }
    if (this.options.topUpIntervalMs > 0) {
      this.topUpTimer = setInterval(
        () => void this.overlay.topUp(),
        this.options.topUpIntervalMs,
      );
      this.topUpTimer.unref();
    }
    const maxPeers = this.maxPeers === 0 ? 'unlimited' : String(this.maxPeers);
    this.log('info', `listening as ${this.id} (max peers ${maxPeers})`);
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
    clearInterval(this.stabilizer);
    this.searchRouter.close();
    clearInterval(this.topUpTimer);
    clearTimeout(this.sharesChangedTimer);
    await this.transferEngine.stopAll();
    await this.hasher.close();
    if (wasOpen) await this.overlay.leave();
    const serverClosed = this.server.close();
    this.registry.destroyAll();
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
    return this.overlay.peers();
  }

  files(): FileEntry[] {
    return this.fileIndex.entries();
  }

  file(name: string): FileEntry | undefined {
    return this.fileIndex.entry(name);
  }

  transfers(): TransferInfo[] {
    return this.transferEngine.transfers();
  }

  latestSearch(): LatestSearch | undefined {
    return this.searchRouter.latestSearch();
  }

  /** The user's recent searches (status, counts), oldest first. */
  searches(): SearchSummary[] {
    return this.searchRouter.searches();
  }

  /** The results of one of the user's searches (the latest without an id). */
  searchResults(id?: number): SearchResult[] | undefined {
    return this.searchRouter.searchResults(id);
  }

  /** Message counts of search so far (tests, bench:search). */
  searchStats(): SearchStats {
    return this.searchRouter.stats();
  }

  recentLog(): LogEntry[] {
    return this.logBook.recent();
  }

  /** Requests received so far by message type (unknown types as `other`). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.requestsByType);
  }

  /** What the node holds open now, to watch its limits (tests, benchmarks). */
  resources(): NodeResources {
    return {
      sockets: this.registry.size,
      incoming: this.server.connectionCount,
      outgoing: this.outgoing.activeCount,
      outgoingQueued: this.outgoing.queuedCount,
    };
  }

  // ---- commands: each delegates to one part ----------------------------------

  /** Joins the network through a contact (the original's buildpeers). */
  buildPeers(host: string, port: number, hops = 2): Promise<number> {
    return this.overlay.buildPeers(host, port, hops);
  }

  /** The GUI's Rebuild: join again through a contact, 3 hops deep. */
  rebuild(host: string, port: number): Promise<number> {
    return this.overlay.rebuild(host, port);
  }

  /** One look for a better placed link (the top-up timer runs them while full). */
  rewire(): Promise<boolean> {
    return this.overlay.rewire();
  }

  /** Sends QUIT to the peer, then forgets it. */
  removePeer(peerId: string): Promise<void> {
    return this.overlay.removePeer(peerId);
  }

  /**
   * The stabilizer: drops every neighbour, and every listed owner, that no
   * longer accepts connections; refreshes the neighbours' query tables.
   */
  checkPeers(): Promise<void> {
    return Promise.all([
      this.overlay.checkPeers(),
      this.owners.check(),
      this.searchRouter.refreshTables(),
    ]).then(() => {});
  }

  /**
   * Shares a file, or every file under a directory, by base name; `signal`
   * stops a long walk. Resolves once the neighbours know the new names (so
   * the next search finds them).
   */
  async addShare(sharePath: string, signal?: AbortSignal): Promise<FileEntry[]> {
    const added = await this.fileIndex.addShare(sharePath, signal);
    await this.searchRouter.sharesChanged();
    return added;
  }

  /** Shares changed (a share added, a download done): neighbours told soon, once per burst. */
  private sharesChanged(): void {
    if (this.sharesChangedTimer || !this.isOpen) return;
    this.sharesChangedTimer = setTimeout(() => {
      this.sharesChangedTimer = undefined;
      void this.searchRouter.sharesChanged();
    }, SHARES_CHANGED_DELAY_MS);
    this.sharesChangedTimer.unref();
  }

  /** Sends QUER to every neighbour; results arrive later as 'search-result'. */
  search(key: string, ttl?: number): Promise<number> {
    return this.searchRouter.search(key, ttl);
  }

  /**
   * Lists every file a filer-tui peer shares (BRWS) and adds them to the
   * files; an original peer cannot be browsed (BrowseUnsupportedError).
   */
  browse(peerId: string): Promise<BrowseListing> {
    return this.peerBrowser.browse(peerId);
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
    return this.transferEngine.start(name, owner);
  }

  /** Stops a running transfer; its part file is removed. */
  cancelTransfer(id: number): boolean {
    return this.transferEngine.cancel(id);
  }

  /** Adds a line to the node's log and emits it. */
  log(level: LogLevel, message: string): void {
    this.logBook.write(level, message);
  }

  private request(
    address: PeerAddress,
    type: string,
    data: string | Buffer = '',
    options: RequestOptions = {},
  ): Promise<Frame[]> {
    const timeout = options.timeoutMs;
    return requestFrames(address, type, data, {
      registry: this.registry,
      pool: this.outgoing,
      background: options.background,
      log: this.partLog,
      connectTimeoutMs: timeout ?? this.options.connectTimeoutMs,
      replyTimeoutMs: timeout ?? this.options.replyTimeoutMs,
      replyDeadlineMs: timeout ?? this.options.replyDeadlineMs,
    });
  }
}
