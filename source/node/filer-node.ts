/**
 * The peer: a TCP server speaking the original Filer protocol, its peer table
 * and file catalogue, search, transfers, and typed events for a UI. No UI code.
 */
import path from 'node:path';
import {
  describeError,
  FilerError,
  PeerUnreachableError,
  TransferCancelledError,
} from '../protocol/errors.js';
import type {Frame} from '../protocol/frame.js';
import {
  formatJoin,
  formatListEntry,
  formatPeerId,
  formatQuery,
  formatResponse,
  MessageType,
  parseJoin,
  parseListCount,
  parseListEntry,
  parsePeerId,
  parseQuery,
  parseQuit,
  parseResponse,
  ReplyText,
  type PeerAddress,
  type QueryRequest,
} from '../protocol/messages.js';
import {assertSafeName, unsafeNameReason} from '../protocol/safe-name.js';
import {decodeWireName, encodeWireName} from '../protocol/wire-name.js';
import {detectAdvertisedHost} from './advertised-host.js';
import {downloadToFile} from './download.js';
import {FileCatalog} from './file-catalog.js';
import {answerSize, serveFile} from './file-server.js';
import {
  addressText,
  DEFAULT_CLIENT_LIMITS,
  expectReplyText,
  probePeer,
  requestFrames,
} from './peer-client.js';
import {
  PeerServer,
  type IncomingRequest,
  type ReplyWriter,
  type ServerLimits,
} from './peer-server.js';
import {PeerTable} from './peer-table.js';
import {listShareableFiles} from './share-walker.js';
import {SocketRegistry} from './socket-registry.js';
import {TypedEmitter} from './typed-emitter.js';
import type {
  FileEntry,
  FilerNodeEvents,
  LogEntry,
  LogLevel,
  PeerInfo,
  PeerRemovedReason,
  TransferInfo,
} from './types.js';

export type FilerNodeOptions = {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Interface to listen on (default all IPv4 interfaces, as the original). */
  bindHost?: string;
  /** Host part of this node's peer id (default: detected, see advertised-host). */
  advertisedHost?: string;
  /** Peer list size; 0 = unlimited. */
  maxPeers?: number;
  /** Where downloads are written (default: current directory). */
  downloadDir?: string;
  /** Liveness check period; 0 turns the stabilizer off. */
  stabilizeIntervalMs?: number;
  connectTimeoutMs?: number;
  replyTimeoutMs?: number;
  /** Longest stall of a file transfer before it fails. */
  transferIdleTimeoutMs?: number;
  /** Ask owners for sizes with the SIZE extension. */
  sizeLookup?: boolean;
  serverLimits?: Partial<ServerLimits>;
};

type ResolvedOptions = Required<
  Omit<FilerNodeOptions, 'advertisedHost' | 'serverLimits'>
> & {
  advertisedHost: string;
};

/** Queries seen within this window with a ttl no higher are not processed again. */
// Short: copies of one flooded query arrive within moments, and a person who
// searches again a little later must get answers again.
const QUERY_MEMORY_MS = 5_000;
/** A hostile ttl must not make a query live forever. */
const MAX_FORWARD_TTL = 16;
const MAX_RESPONSES_PER_QUERY = 64;
const OWNERS_PER_RESPONSE = 3;
const PROGRESS_INTERVAL_MS = 100;
const LOG_HISTORY = 500;
const QUIT_TIMEOUT_MS = 1_000;
const MAX_FINISHED_TRANSFERS = 50;

type RunningTransfer = {info: TransferInfo; controller: AbortController};

export type LatestSearch = {
  key: string;
  ttl: number;
  startedAt: number;
  names: Set<string>;
};

export class FilerNode extends TypedEmitter<FilerNodeEvents> {
  private readonly options: ResolvedOptions;
  private readonly peerTable: PeerTable;
  private readonly catalog = new FileCatalog();
  private readonly registry = new SocketRegistry();
  private readonly server: PeerServer;
  private readonly transferTable = new Map<number, RunningTransfer>();
  /** Settles when each running transfer has finished and cleaned up its part file. */
  private readonly runningTransfers = new Set<Promise<unknown>>();
  private readonly seenQueries = new Map<string, {ttl: number; expires: number}>();
  private readonly logHistory: LogEntry[] = [];
  private latest: LatestSearch | undefined;
  private stabilizer: NodeJS.Timeout | undefined;
  private peerCheck: Promise<void> | undefined;
  private nextTransferId = 1;
  private listeningPort = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | undefined;

  constructor(options: FilerNodeOptions = {}) {
    super();
    this.options = {
      port: options.port ?? 0,
      bindHost: options.bindHost ?? '0.0.0.0',
      advertisedHost: options.advertisedHost ?? detectAdvertisedHost(),
      maxPeers: options.maxPeers ?? 5,
      downloadDir: path.resolve(options.downloadDir ?? process.cwd()),
      stabilizeIntervalMs: options.stabilizeIntervalMs ?? 3_000,
      connectTimeoutMs:
        options.connectTimeoutMs ?? DEFAULT_CLIENT_LIMITS.connectTimeoutMs,
      replyTimeoutMs: options.replyTimeoutMs ?? DEFAULT_CLIENT_LIMITS.replyTimeoutMs,
      transferIdleTimeoutMs: options.transferIdleTimeoutMs ?? 30_000,
      sizeLookup: options.sizeLookup ?? true,
    };
    this.peerTable = new PeerTable(this.options.maxPeers);
    this.server = new PeerServer(
      (request, reply) => this.handleRequest(request, reply),
      this.registry,
      (message) => this.log('warn', message),
      options.serverLimits,
    );
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
    this.log('info', `listening as ${this.id} (max peers ${this.maxPeersText()})`);
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
    for (const {controller} of this.transferTable.values()) controller.abort();
    await Promise.all(this.runningTransfers);
    if (wasOpen) {
      await Promise.all(
        this.peerTable.list().map((peer) =>
          requestFrames(peer, MessageType.quit, this.id, {
            registry: this.registry,
            connectTimeoutMs: QUIT_TIMEOUT_MS,
            replyTimeoutMs: QUIT_TIMEOUT_MS,
          }).catch(() => undefined),
        ),
      );
    }
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
    return this.peerTable.list();
  }

  files(): FileEntry[] {
    return this.catalog.entries();
  }

  file(name: string): FileEntry | undefined {
    return this.catalog.entry(name);
  }

  transfers(): TransferInfo[] {
    return [...this.transferTable.values()].map(({info}) => ({...info}));
  }

  latestSearch():
    {key: string; ttl: number; startedAt: number; names: string[]} | undefined {
    return this.latest && {...this.latest, names: [...this.latest.names]};
  }

  recentLog(): LogEntry[] {
    return [...this.logHistory];
  }

  // ---- peers ------------------------------------------------------------------

  /**
   * Joins the network through a contact, depth first, as the original's
   * buildpeers; but a full contact is still asked for its LIST, so nodes that
   * join one after another do not end up in separate islands.
   */
  async buildPeers(host: string, port: number, hops = 2): Promise<number> {
    const before = this.peerTable.size;
    const fullContacts: PeerInfo[] = [];
    await this.buildFrom({host, port}, hops, new Set(), fullContacts);
    const first = fullContacts[0];
    if (this.peerTable.size === 0 && first && this.isOpen) {
      // Every contact was full: keep a one-way link so this node can still search.
      this.addPeer(first, `one-way link to ${first.id} (its peer list is full)`);
    }
    return this.peerTable.size - before;
  }

  /** The GUI's Rebuild: join again through a contact, 3 hops deep. */
  rebuild(host: string, port: number): Promise<number> {
    return this.buildPeers(host, port, 3);
  }

  private async buildFrom(
    address: PeerAddress,
    hops: number,
    visited: Set<string>,
    fullContacts: PeerInfo[],
  ): Promise<void> {
    const contact = addressText(address);
    if (!this.isOpen || this.peerTable.isFull() || hops <= 0 || visited.has(contact))
      return;
    visited.add(contact);
    let peerId: string;
    try {
      peerId = expectReplyText(
        address,
        await this.request(address, MessageType.name),
        'NAME',
      );
    } catch (error) {
      this.log('warn', `cannot join through ${contact}: ${describeError(error)}`);
      return;
    }
    if (peerId === this.id) return;
    if (!this.peerTable.has(peerId)) {
      const joinData = formatJoin({
        peerId: this.id,
        host: this.advertisedHost,
        port: this.port,
      });
      const reply = await this.request(address, MessageType.join, joinData).catch(
        (error: unknown) => error as Error,
      );
      const joinReply = reply instanceof Error ? undefined : reply[0];
      const replyText = joinReply?.data.toString('utf8') ?? '';
      if (
        joinReply?.type === MessageType.reply ||
        replyText.startsWith('Join: peer already')
      ) {
        // "already inserted" means the contact lists us: the link exists both ways.
        this.addPeer({id: peerId, ...address});
      } else if (replyText === ReplyText.joinTooMany) {
        this.log('info', `${peerId} is full; asking it for its peers`);
        fullContacts.push({id: peerId, ...address});
      } else {
        const reason =
          reply instanceof Error ? describeError(reply) : replyText || 'no reply';
        this.log('warn', `${peerId} refused JOIN: ${reason}`);
        return;
      }
    }
    for (const next of await this.listPeersOf(address)) {
      if (next.peerId === this.id) continue;
      await this.buildFrom(next, hops - 1, visited, fullContacts);
    }
  }

  /** LIST of a remote peer; malformed entries are skipped. */
  private async listPeersOf(
    address: PeerAddress,
  ): Promise<Array<PeerAddress & {peerId: string}>> {
    let frames: Frame[];
    try {
      frames = await this.request(address, MessageType.list);
    } catch (error) {
      this.log(
        'warn',
        `LIST from ${addressText(address)} failed: ${describeError(error)}`,
      );
      return [];
    }
    const [countFrame, ...entryFrames] = frames;
    if (countFrame?.type !== MessageType.reply) return [];
    const count = Math.min(
      parseListCount(countFrame.data.toString('utf8')),
      entryFrames.length,
    );
    const entries: Array<PeerAddress & {peerId: string}> = [];
    for (const frame of entryFrames.slice(0, count)) {
      try {
        entries.push(parseListEntry(frame.data.toString('utf8')));
      } catch {
        this.log('warn', `skipped a malformed LIST entry from ${addressText(address)}`);
      }
    }
    return entries;
  }

  /** Sends QUIT to the peer, then forgets it. */
  async removePeer(peerId: string): Promise<void> {
    const peer = this.peerTable.get(peerId);
    if (!peer)
      throw new FilerError('ERR_UNKNOWN_PEER', `${peerId} is not in the peer list`);
    try {
      const frames = await this.request(peer, MessageType.quit, this.id);
      this.log(
        'debug',
        `${peerId} answered QUIT: ${frames[0]?.data.toString('utf8') ?? ''}`,
      );
    } catch (error) {
      this.log(
        'warn',
        `QUIT to ${peerId} failed (${describeError(error)}); removed anyway`,
      );
    }
    this.forgetPeer(peerId, 'removed');
  }

  /** The stabilizer: drops every peer that no longer accepts connections. */
  checkPeers(): Promise<void> {
    this.peerCheck ??= this.probeAllPeers().finally(() => (this.peerCheck = undefined));
    return this.peerCheck;
  }

  private async probeAllPeers(): Promise<void> {
    await Promise.all(
      this.peerTable.list().map(async (peer) => {
        const alive = await probePeer(peer, {
          timeoutMs: this.options.connectTimeoutMs,
          registry: this.registry,
        });
        if (!alive && this.isOpen) this.forgetPeer(peer.id, 'unreachable');
      }),
    );
  }

  private addPeer(peer: PeerInfo, message = `peer added: ${peer.id}`): boolean {
    if (!this.peerTable.add(peer)) return false;
    this.log('info', message);
    this.emit('peer-added', {...peer});
    return true;
  }

  private forgetPeer(peerId: string, reason: PeerRemovedReason): void {
    const peer = this.peerTable.remove(peerId);
    if (!peer) return;
    const why = {quit: 'it left', unreachable: 'unreachable', removed: 'removed'}[reason];
    this.log(
      reason === 'unreachable' ? 'warn' : 'info',
      `peer removed: ${peerId} (${why})`,
    );
    this.emit('peer-removed', peer, reason);
  }

  // ---- files ---------------------------------------------------------------------

  /** Shares a file, or every file under a directory, by base name. */
  async addShare(sharePath: string): Promise<FileEntry[]> {
    const files = await listShareableFiles(sharePath);
    const added: FileEntry[] = [];
    for (const file of files) {
      const entry = this.shareFile(path.basename(file.path), file.path, file.size);
      if (entry) added.push(entry);
    }
    this.log('info', `sharing ${added.length} file(s) from ${sharePath}`);
    return added;
  }

  private shareFile(name: string, filePath: string, size: number): FileEntry | undefined {
    const reason = unsafeNameReason(name);
    if (reason) {
      this.log('warn', `not sharing ${JSON.stringify(name)}: ${reason}`);
      return undefined;
    }
    if (!this.catalog.addLocal(name, encodeWireName(name), {path: filePath, size})) {
      this.log('warn', `not sharing ${filePath}: the name ${name} is already shared`);
      return undefined;
    }
    const entry = this.catalog.entry(name) as FileEntry;
    this.emit('file-added', entry);
    return entry;
  }

  // ---- search --------------------------------------------------------------------

  /** Sends QUER to every neighbour; results arrive later as 'search-result'. */
  async search(key: string, ttl = 4): Promise<number> {
    if (key.length === 0) throw new FilerError('ERR_EMPTY_KEY', 'search key is empty');
    this.latest = {key, ttl, startedAt: Date.now(), names: new Set()};
    this.emit('search-started', {key, ttl});
    const peers = this.peerTable.list();
    if (peers.length === 0) {
      this.log('warn', `search "${key}": no peers to ask; join a network first`);
      return 0;
    }
    const data = formatQuery({returnPeerId: this.id, key: encodeWireName(key), ttl});
    const results = await Promise.all(
      peers.map((peer) =>
        this.request(peer, MessageType.query, data).then(
          () => true,
          (error: unknown) => {
            this.log(
              'warn',
              `search: ${peer.id} did not take the query: ${describeError(error)}`,
            );
            return false;
          },
        ),
      ),
    );
    const asked = results.filter(Boolean).length;
    this.log('info', `search "${key}" sent to ${asked} of ${peers.length} peer(s)`);
    return asked;
  }

  private async processQuery(query: QueryRequest): Promise<void> {
    if (query.returnPeerId === this.id || !this.isOpen || !this.isNewQuery(query)) return;
    const key = decodeWireName(query.key);
    const matches = this.catalog.match(key);
    const returnAddress = parsePeerId(query.returnPeerId) as PeerAddress;
    if (matches.length > 0) {
      let sent = 0;
      for (const file of matches) {
        const owners = file.local ? [this.id] : file.owners.slice(0, OWNERS_PER_RESPONSE);
        const wireName = this.catalog.wireName(file.name) ?? encodeWireName(file.name);
        for (const owner of owners) {
          if (sent++ >= MAX_RESPONSES_PER_QUERY || !this.isOpen) return;
          const data = formatResponse({wireName, ownerPeerId: owner});
          await this.request(returnAddress, MessageType.response, data).catch((error) =>
            this.log(
              'debug',
              `RESP to ${query.returnPeerId} failed: ${describeError(error)}`,
            ),
          );
        }
      }
      this.log('debug', `answered query "${key}" from ${query.returnPeerId}`);
      return;
    }
    if (query.ttl <= 0) return;
    const data = formatQuery({...query, ttl: Math.min(query.ttl - 1, MAX_FORWARD_TTL)});
    await Promise.all(
      this.peerTable
        .list()
        .map((peer) =>
          this.request(peer, MessageType.query, data).catch(() => undefined),
        ),
    );
  }

  /**
   * The original floods without memory. A query (same return peer and key) is
   * processed again only if it now arrives with more ttl left than before.
   */
  private isNewQuery(query: QueryRequest): boolean {
    const now = Date.now();
    if (this.seenQueries.size > 1_000) {
      for (const [key, seen] of this.seenQueries) {
        if (seen.expires <= now) this.seenQueries.delete(key);
      }
    }
    const id = `${query.returnPeerId}\u0000${query.key}`;
    const seen = this.seenQueries.get(id);
    if (seen && seen.expires > now && seen.ttl >= query.ttl) return false;
    this.seenQueries.set(id, {ttl: query.ttl, expires: now + QUERY_MEMORY_MS});
    return true;
  }

  private acceptResponse(data: string, remote: string): void {
    let wireName: string;
    let owner: string;
    try {
      ({wireName, ownerPeerId: owner} = parseResponse(data));
    } catch (error) {
      this.log('warn', `ignored RESP from ${remote}: ${describeError(error)}`);
      return;
    }
    const name = decodeWireName(wireName);
    const reason = unsafeNameReason(name);
    if (reason) {
      this.log(
        'warn',
        `ignored RESP from ${remote} for ${JSON.stringify(name)}: ${reason}`,
      );
      return;
    }
    if (owner === this.id) return;
    const changed = this.catalog.addRemote(name, wireName, owner);
    const search = this.latest;
    if (search && name.includes(search.key) && !search.names.has(name)) {
      search.names.add(name);
      this.emit('search-result', {key: search.key, name, owner});
    }
    if (!changed) return;
    this.log('info', `found ${name} at ${owner}`);
    this.emit('file-added', this.catalog.entry(name) as FileEntry);
    if (this.options.sizeLookup && this.catalog.entry(name)?.size === undefined) {
      void this.lookupSize(name, wireName, owner);
    }
  }

  /** SIZE extension; an original peer just closes, and the size stays unknown. */
  private async lookupSize(name: string, wireName: string, owner: string): Promise<void> {
    const address = parsePeerId(owner);
    if (!address) return;
    try {
      const frames = await this.request(address, MessageType.size, wireName);
      const reply = frames[0];
      if (reply?.type !== MessageType.reply) return;
      const text = reply.data.toString('utf8');
      if (!/^\d{1,16}$/.test(text)) return;
      if (this.catalog.setRemoteSize(name, Number(text))) {
        this.emit('file-added', this.catalog.entry(name) as FileEntry);
      }
    } catch {
      // Size is a nicety; the name stays listed without it.
    }
  }

  // ---- transfers ---------------------------------------------------------------------

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
    assertSafeName(name);
    const entry = this.catalog.entry(name);
    if (entry?.local) {
      throw new FilerError('ERR_ALREADY_LOCAL', `${name} is already shared by this node`);
    }
    const owners = owner ? [owner] : (entry?.owners ?? []);
    if (owners.length === 0) {
      throw new FilerError(
        'ERR_NO_OWNER',
        `no peer is known to have ${name}; search first`,
      );
    }
    if (!this.isOpen) throw new FilerError('ERR_CLOSED', 'the node is closed');
    const info: TransferInfo = {
      id: this.nextTransferId++,
      name,
      owner: owners[0] as string,
      state: 'running',
      received: 0,
      startedAt: Date.now(),
    };
    const done = this.runTransfer(info, owners);
    // Reported through events; callers may ignore the promise.
    const settled = done.catch(() => undefined);
    this.runningTransfers.add(settled);
    void settled.then(() => this.runningTransfers.delete(settled));
    return {transfer: {...info}, done};
  }

  private async runTransfer(info: TransferInfo, owners: string[]): Promise<TransferInfo> {
    const {name} = info;
    const wireName = this.catalog.wireName(name) ?? encodeWireName(name);
    const controller = new AbortController();
    this.transferTable.set(info.id, {info, controller});
    this.log('info', `fetching ${name} from ${info.owner}`);
    this.emit('transfer-start', {...info});
    let lastError: unknown;
    for (const source of owners) {
      const address = parsePeerId(source);
      if (!address) continue;
      info.owner = source;
      info.received = 0;
      delete info.total;
      try {
        const result = await this.downloadFrom(
          address,
          wireName,
          info,
          controller.signal,
        );
        Object.assign(info, {
          state: 'done',
          received: result.size,
          total: result.size,
          path: result.path,
          finishedAt: Date.now(),
        } satisfies Partial<TransferInfo>);
        this.shareFile(result.name, result.path, result.size);
        this.log('info', `fetched ${name} (${result.size} bytes) into ${result.path}`);
        this.pruneFinishedTransfers();
        this.emit('transfer-done', {...info});
        return {...info};
      } catch (error) {
        lastError = error;
        if (error instanceof TransferCancelledError) break;
        this.log(
          'warn',
          `fetch of ${name} from ${source} failed: ${describeError(error)}`,
        );
        if (error instanceof PeerUnreachableError) this.dropOwner(name, source);
      }
    }
    const cancelled = lastError instanceof TransferCancelledError;
    Object.assign(info, {
      state: cancelled ? 'cancelled' : 'failed',
      error: describeError(lastError),
      finishedAt: Date.now(),
    } satisfies Partial<TransferInfo>);
    this.log(
      cancelled ? 'info' : 'error',
      `fetch of ${name} ${cancelled ? 'cancelled' : 'failed'}`,
    );
    this.pruneFinishedTransfers();
    this.emit('transfer-failed', {...info});
    throw lastError;
  }

  private downloadFrom(
    address: PeerAddress,
    wireName: string,
    info: TransferInfo,
    signal: AbortSignal,
  ): ReturnType<typeof downloadToFile> {
    let lastProgress = 0;
    return downloadToFile({
      address,
      wireName,
      name: info.name,
      downloadDir: this.options.downloadDir,
      connectTimeoutMs: this.options.connectTimeoutMs,
      idleTimeoutMs: this.options.transferIdleTimeoutMs,
      registry: this.registry,
      signal,
      onHeader: (total) => {
        info.total = total;
        this.emit('transfer-progress', {...info});
      },
      onProgress: (received) => {
        info.received = received;
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS || received === info.total) {
          lastProgress = now;
          this.emit('transfer-progress', {...info});
        }
      },
    });
  }

  /** Finished transfers stay listed for the UI, but only the latest few. */
  private pruneFinishedTransfers(): void {
    const finished = [...this.transferTable.values()].filter(
      ({info}) => info.state !== 'running',
    );
    for (const {info} of finished.slice(0, -MAX_FINISHED_TRANSFERS)) {
      this.transferTable.delete(info.id);
    }
  }

  /** Stops a running transfer; its part file is removed. */
  cancelTransfer(id: number): boolean {
    const transfer = this.transferTable.get(id);
    if (!transfer || transfer.info.state !== 'running') return false;
    transfer.controller.abort();
    return true;
  }

  private dropOwner(name: string, owner: string): void {
    const result = this.catalog.removeOwner(name, owner);
    if (result === 'gone') this.emit('file-removed', name);
    if (result === 'changed')
      this.emit('file-added', this.catalog.entry(name) as FileEntry);
  }

  // ---- incoming requests ------------------------------------------------------------

  private async handleRequest(
    request: IncomingRequest,
    reply: ReplyWriter,
  ): Promise<void> {
    const text = request.data.toString('utf8');
    switch (request.type) {
      case MessageType.name:
        return reply.send(MessageType.reply, this.id);
      case MessageType.list:
        return this.answerList(reply);
      case MessageType.join:
        return this.answerJoin(text, reply);
      case MessageType.query:
        return this.answerQuery(text, reply);
      case MessageType.response:
        return this.acceptResponse(text, request.remote);
      case MessageType.fileGet:
        return serveFile(
          this.catalog,
          {wireName: text, remote: request.remote},
          reply,
          (level, message) => this.log(level, message),
        );
      case MessageType.quit:
        return this.answerQuit(text, reply);
      case MessageType.size:
        return answerSize(this.catalog, text, reply);
      default:
        // As the original: no handler, close without a reply.
        this.log(
          'debug',
          `closed ${request.type} from ${request.remote} without a reply`,
        );
    }
  }

  private async answerList(reply: ReplyWriter): Promise<void> {
    const peers = this.peerTable.list();
    await reply.send(MessageType.reply, String(peers.length));
    for (const peer of peers) {
      await reply.send(MessageType.reply, formatListEntry({peerId: peer.id, ...peer}));
    }
  }

  private async answerJoin(text: string, reply: ReplyWriter): Promise<void> {
    let join;
    try {
      join = parseJoin(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.joinIncorrect);
    }
    if (this.peerTable.isFull())
      return reply.send(MessageType.error, ReplyText.joinTooMany);
    const peer = {id: join.peerId, host: join.host, port: join.port};
    if (join.peerId !== this.id && this.addPeer(peer)) {
      return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
    }
    return reply.send(MessageType.error, ReplyText.joinAlreadyInserted(join.peerId));
  }

  private async answerQuery(text: string, reply: ReplyWriter): Promise<void> {
    let query: QueryRequest;
    try {
      query = parseQuery(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.queryIncorrect);
    }
    await reply.send(MessageType.reply, ReplyText.queryAck(query.key));
    // Processed after the connection closes, as the original's query thread.
    setImmediate(() => {
      this.processQuery(query).catch((error: unknown) =>
        this.log('warn', `query processing failed: ${describeError(error)}`),
      );
    });
  }

  private async answerQuit(text: string, reply: ReplyWriter): Promise<void> {
    const peerId = parseQuit(text);
    if (!this.peerTable.has(peerId)) {
      return reply.send(MessageType.error, ReplyText.quitNotFound(peerId));
    }
    await reply.send(MessageType.reply, ReplyText.quitRemoved(peerId));
    this.forgetPeer(peerId, 'quit');
  }

  // ---- helpers ---------------------------------------------------------------------------

  private request(
    address: PeerAddress,
    type: string,
    data: string = '',
  ): Promise<Frame[]> {
    return requestFrames(address, type, data, {
      registry: this.registry,
      connectTimeoutMs: this.options.connectTimeoutMs,
      replyTimeoutMs: this.options.replyTimeoutMs,
    });
  }

  private maxPeersText(): string {
    return this.options.maxPeers === 0 ? 'unlimited' : String(this.options.maxPeers);
  }

  /** Adds a line to the node's log and emits it. */
  log(level: LogLevel, message: string): void {
    const entry: LogEntry = {time: Date.now(), level, message};
    this.logHistory.push(entry);
    if (this.logHistory.length > LOG_HISTORY) this.logHistory.shift();
    this.emit('log', entry);
  }
}
