import {realpathSync} from 'node:fs';
import path from 'node:path';
import {limitDefault} from './limits.js';
import {defaultStateDir} from './files/hash-cache.js';
import {detectAdvertisedHost} from './net/advertised-host.js';
import {DEFAULT_CLIENT_LIMITS} from './net/peer-client.js';
import type {PoolLimits} from './net/outgoing-pool.js';
import type {ServerLimits} from './net/peer-server.js';
import type {QueryRoutingLimits} from './search/query-routing.js';
import type {SearchLimits, SearchMode} from './search/search-router.js';
import {DEFAULT_SESSION_LIMITS} from './search/search-session.js';

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
  /** Background look for more neighbours while below max-peers; 0 = never. */
  topUpIntervalMs?: number;
  connectTimeoutMs?: number;
  /** Longest silence while waiting for reply bytes. */
  replyTimeoutMs?: number;
  /** Longest time for a whole outgoing request, however its bytes drip. */
  replyDeadlineMs?: number;
  /** Longest stall of a file transfer before it fails. */
  transferIdleTimeoutMs?: number;
  /** Ask owners for sizes with the SIZE extension. */
  sizeLookup?: boolean;
  /**
   * Per-user state (the hash cache): default `$XDG_STATE_HOME/filer-tui` or
   * `~/.local/state/filer-tui`; '' keeps it in memory only. The cache file is
   * `hashes-<port>.json`, one per node; a node on port 0 keeps it in memory.
   */
  stateDir?: string;
  /** Fetch with plain FGET only: no FINF/FRNG, no SHA-256 check, no resume. */
  plainFetch?: boolean;
  serverLimits?: Partial<ServerLimits>;
  /** 'filer' (default) or 'compatible': the original's search (docs/search.md). */
  searchMode?: SearchMode;
  /** A search of the user's is done after this long without a new result. */
  searchQuietMs?: number;
  /** Search limits (see limits.ts); tests and simulations on one address raise them. */
  searchLimits?: Partial<SearchLimits>;
  /** Query tables between filer-tui neighbours (see limits.ts); tests shorten them. */
  queryTableLimits?: Partial<QueryRoutingLimits>;
  /** Outgoing connection slots (see net/outgoing-pool.ts). */
  outgoingLimits?: Partial<PoolLimits>;
};

export type ResolvedOptions = Required<
  Omit<
    FilerNodeOptions,
    'serverLimits' | 'outgoingLimits' | 'searchLimits' | 'queryTableLimits'
  >
> & {
  serverLimits: Partial<ServerLimits>;
  searchLimits: Partial<SearchLimits>;
  queryTableLimits: Partial<QueryRoutingLimits>;
  outgoingLimits: Partial<PoolLimits>;
};

export function resolveOptions(options: FilerNodeOptions): ResolvedOptions {
  return {
    port: options.port ?? 0,
    bindHost: options.bindHost ?? '0.0.0.0',
    advertisedHost: options.advertisedHost ?? detectAdvertisedHost(),
    maxPeers: options.maxPeers ?? 5,
    downloadDir: realDirectory(options.downloadDir ?? process.cwd()),
    stabilizeIntervalMs: options.stabilizeIntervalMs ?? 3_000,
    topUpIntervalMs: options.topUpIntervalMs ?? limitDefault('top-up-interval'),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CLIENT_LIMITS.connectTimeoutMs,
    replyTimeoutMs: options.replyTimeoutMs ?? DEFAULT_CLIENT_LIMITS.replyTimeoutMs,
    replyDeadlineMs: options.replyDeadlineMs ?? DEFAULT_CLIENT_LIMITS.replyDeadlineMs,
    transferIdleTimeoutMs: options.transferIdleTimeoutMs ?? 30_000,
    sizeLookup: options.sizeLookup ?? true,
    stateDir: options.stateDir ?? defaultStateDir(),
    plainFetch: options.plainFetch ?? false,
    serverLimits: options.serverLimits ?? {},
    searchMode: options.searchMode ?? 'filer',
    searchQuietMs: options.searchQuietMs ?? DEFAULT_SESSION_LIMITS.quietMs,
    searchLimits: options.searchLimits ?? {},
    queryTableLimits: options.queryTableLimits ?? {},
    outgoingLimits: options.outgoingLimits ?? {},
  };
}

/**
 * The directory's real path when it exists: downloads are shared from it,
 * and serving checks that a shared path is still real (files/shared-file.ts).
 */
function realDirectory(directory: string): string {
  const absolute = path.resolve(directory);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}
