/**
 * Builds the node's parts and wires them to each other and to the network.
 * Each part gets the narrow functions it needs (a request, a probe, a log,
 * who this node is), never the node itself, so it can be tested with fakes.
 */
import type {Identity, Log} from './collaborators.js';
import {FileIndex} from './files/file-index.js';
import {RangeSumServer} from './files/file-server.js';
import {HashCache} from './files/hash-cache.js';
import {hashCacheFile} from './files/hash-cache-files.js';
import {ShareHasher} from './files/hash-shares.js';
import {PeerServer} from './net/peer-server.js';
import type {OutgoingPool} from './net/outgoing-pool.js';
import type {SocketRegistry} from './net/socket-registry.js';
import {nodeConnections, type NodeConnections} from './node-connections.js';
import type {ResolvedOptions} from './node-options.js';
import {NodeUpkeep} from './node-upkeep.js';
import {Overlay} from './overlay/overlay.js';
import {OwnerLiveness} from './overlay/owner-liveness.js';
import {createDispatcher, RequestCounts} from './request-dispatch.js';
import {requestHandlers} from './request-handlers.js';
import {PeerBrowser} from './search/peer-browser.js';
import {SearchRouter} from './search/search-router.js';
import {fetchFile} from './transfer/fetch-file.js';
import {TransferEngine, type TransferDeps} from './transfer/transfer-engine.js';

/** What the parts need from the node that holds them. */
export type NodeHooks = {
  /** Who this node is; its port is known only once it listens. */
  self: () => Identity;
  isOpen: () => boolean;
  /** One function for every part, so limit reports are rate-limited per node. */
  log: Log;
};

/** The parts the node holds: those it opens, closes, asks, counts or relays. */
export type NodeParts = {
  readonly registry: SocketRegistry;
  readonly outgoing: OutgoingPool;
  readonly server: PeerServer;
  readonly requestCounts: RequestCounts;
  readonly overlay: Overlay;
  readonly fileIndex: FileIndex;
  readonly hasher: ShareHasher;
  readonly searchRouter: SearchRouter;
  readonly peerBrowser: PeerBrowser;
  readonly transferEngine: TransferEngine;
  /** The timers: stabilizer, top-up, shares-changed notices. */
  readonly upkeep: NodeUpkeep;
};

export function buildNodeParts(options: ResolvedOptions, hooks: NodeHooks): NodeParts {
  const {isOpen, log} = hooks;
  const connections = nodeConnections(options, log);
  const {request, probe} = connections;
  const overlay = new Overlay({
    self: hooks.self,
    isOpen,
    maxPeers: options.maxPeers,
    request,
    probe,
    log,
  });
  const fileIndex = new FileIndex(log);
  const owners = new OwnerLiveness({
    // Neighbours are checked by the overlay; these are the other owners listed.
    owners: () => {
      const neighbours = new Set(overlay.peers().map((peer) => peer.id));
      return fileIndex.catalog.remoteOwners().filter((id) => !neighbours.has(id));
    },
    probe,
    forget: (owner) => fileIndex.forgetOwner(owner),
    isOpen,
    log,
  });
  // A neighbour found dead takes its files with it; one that said QUIT is probed first.
  overlay.on('peer-removed', (peer, reason) => {
    if (reason === 'unreachable') fileIndex.forgetOwner(peer.id);
    else owners.suspect(peer.id);
  });
  const hasher = new ShareHasher(
    new HashCache(hashCacheFile(options.stateDir, options.port), log),
    log,
  );
  // Own shares are hashed in the background, so FINF can answer with their SHA-256.
  fileIndex.on('file-added', (entry) => {
    const share = entry.local ? fileIndex.catalog.localShare(entry.name) : undefined;
    if (share) hasher.request(share.path);
  });
  const searchRouter = new SearchRouter({
    selfId: () => hooks.self().id,
    isOpen,
    peers: () => overlay.peers(),
    request,
    files: fileIndex,
    clock: Date.now,
    log,
    defer: (task) => setImmediate(task),
    sizeLookup: options.sizeLookup,
    mode: options.searchMode,
    limits: options.searchLimits,
    routingLimits: options.queryTableLimits,
    session: {quietMs: options.searchQuietMs},
  });
  // Query tables follow the neighbours.
  overlay.on('peer-added', (peer) => searchRouter.neighbourAdded(peer));
  overlay.on('peer-removed', (peer) => searchRouter.neighbourRemoved(peer.id));
  const peerBrowser = new PeerBrowser({request, files: fileIndex, clock: Date.now, log});
  const transferEngine = new TransferEngine({
    files: fileIndex,
    download: downloader(options, connections, hasher, log),
    isOpen,
    clock: Date.now,
    log,
  });
  const upkeep = new NodeUpkeep(options, {
    stabilize: [
      () => overlay.checkPeers(),
      () => owners.check(),
      () => searchRouter.refreshTables(),
    ],
    topUp: () => overlay.topUp(),
    announceShares: () => searchRouter.sharesChanged(),
    isOpen,
  });
  // A new own share (added, or a download done) changes the neighbours' query tables.
  fileIndex.on('file-added', (entry) => {
    if (entry.local) upkeep.sharesChanged();
  });

  const handlers = requestHandlers({
    selfId: () => hooks.self().id,
    overlay,
    searchRouter,
    peerBrowser,
    files: {
      catalog: fileIndex.catalog,
      hasher,
      rangeSums: new RangeSumServer(fileIndex.catalog, log),
      log,
    },
  });
  const requestCounts = new RequestCounts(handlers);
  const server = new PeerServer(
    createDispatcher(handlers, log, requestCounts),
    connections.registry,
    log,
    options.serverLimits,
  );
  return {
    registry: connections.registry,
    outgoing: connections.outgoing,
    server,
    requestCounts,
    overlay,
    fileIndex,
    hasher,
    searchRouter,
    peerBrowser,
    transferEngine,
    upkeep,
  };
}

/** How the transfer engine downloads: fetchFile into the download directory. */
function downloader(
  options: ResolvedOptions,
  connections: NodeConnections,
  hasher: ShareHasher,
  log: Log,
): TransferDeps['download'] {
  return (job) =>
    fetchFile(job, {
      downloadDir: options.downloadDir,
      connectTimeoutMs: options.connectTimeoutMs,
      idleTimeoutMs: options.transferIdleTimeoutMs,
      registry: connections.registry,
      requestOptions: connections.clientOptions(),
      log,
      now: Date.now,
      plainOnly: options.plainFetch,
      // Content already held here (same SHA-256 and size) is not fetched again.
      findLocal: (sha256, size) => hasher.findFile(sha256, size),
      remember: (file, size, mtimeMs, sha256) =>
        hasher.cache.set(file, {size, mtimeMs, sha256}),
    });
}
