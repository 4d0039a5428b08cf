/**
 * The query tables of this node's neighbours (QTAB, docs/search.md "Query
 * routing"): fetched when a neighbour is added, again when it says its table
 * changed (QTAN) and when a table gets old. A neighbour is skipped for a
 * last-hop query only while its table is fresh and proves that none of its
 * names can match; an original peer (it closes QTAB unanswered), a neighbour
 * whose table is not here yet, is being refreshed, or came back malformed,
 * is always sent the query.
 */
import {describeError, FrameTooLargeError} from '../../protocol/errors.js';
import {MessageType} from '../../protocol/messages.js';
import {
  formatTableRequest,
  parseTableReply,
  QueryTableMessageType,
  type TableNotice,
} from '../../protocol/query-table-messages.js';
import {peerText} from '../../text/terminal-safe.js';
import type {Clock, Log, Request} from '../collaborators.js';
import {LIMIT_REPORT_INTERVAL_MS, limitDefault} from '../limits.js';
import {isSameHost} from '../overlay/same-host.js';
import type {PeerInfo} from '../types.js';
import {mayContain, type GramFilter} from './gram-filter.js';

export type NeighbourTableLimits = {
  /** Largest table taken from a neighbour. */
  maxBytes: number;
  /** A table older than this is fetched again, and not trusted meanwhile. */
  maxAgeMs: number;
  /** After a neighbour gave no table (an original, a failure), ask again after this. */
  retryMs: number;
};

export const DEFAULT_NEIGHBOUR_TABLE_LIMITS: NeighbourTableLimits = {
  maxBytes: limitDefault('query-table-bytes'),
  maxAgeMs: limitDefault('query-table-age'),
  retryMs: limitDefault('query-table-retry'),
};

/** Hash rounds a table may ask for (each costs a little per query). */
const MAX_HASHES = 16;

type Held =
  | {
      kind: 'table';
      filter: GramFilter;
      version: number;
      fetchedAt: number;
      /** A newer version was announced: not trusted until fetched. */
      stale: boolean;
    }
  /** No table: an original peer (closed unanswered), a refused or failed reply. */
  | {kind: 'none'; since: number; original: boolean};

export type NeighbourTablesDeps = {
  selfId: () => string;
  request: Request;
  neighbours: () => PeerInfo[];
  clock: Clock;
  log: Log;
  limits?: Partial<NeighbourTableLimits>;
};

export type NeighbourTableStats = {
  /** QTAB asked. */
  fetched: number;
  /** Tables refused: malformed, too large, another format. */
  refused: number;
  /** Neighbours whose table is here and trusted now. */
  trusted: number;
};

export class NeighbourTables {
  private readonly held = new Map<string, Held>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** The version each neighbour last announced (QTAN): an older table is stale. */
  private readonly announced = new Map<string, number>();
  private readonly limits: NeighbourTableLimits;
  private readonly counts = {fetched: 0, refused: 0};
  private lastRefusalLog = -Infinity;
  private refusalsNotLogged = 0;

  constructor(private readonly deps: NeighbourTablesDeps) {
    this.limits = {...DEFAULT_NEIGHBOUR_TABLE_LIMITS, ...deps.limits};
  }

  stats(): NeighbourTableStats {
    const trusted = this.deps
      .neighbours()
      .filter((peer) => this.trustedFilter(peer.id) !== undefined).length;
    return {...this.counts, trusted};
  }

  /** True unless `peerId`'s fresh table proves none of its names contains `key` (wire text). */
  mayMatch(peerId: string, key: string): boolean {
    const filter = this.trustedFilter(peerId);
    return filter === undefined || mayContain(filter, key);
  }

  private trustedFilter(peerId: string): GramFilter | undefined {
    const held = this.held.get(peerId);
    if (held?.kind !== 'table' || held.stale) return undefined;
    if (this.deps.clock() - held.fetchedAt >= this.limits.maxAgeMs) return undefined;
    return held.filter;
  }

  /** True when `peerId` answered QTAB: it is a filer-tui peer and takes QFWD. */
  speaksQueryRouting(peerId: string): boolean {
    return this.held.get(peerId)?.kind === 'table';
  }

  /** True when `peerId` closed QTAB unanswered: an original peer. */
  isOriginal(peerId: string): boolean {
    const held = this.held.get(peerId);
    return held?.kind === 'none' && held.original;
  }

  /** A neighbour joined: fetch its table. */
  added(peer: PeerInfo): void {
    this.held.delete(peer.id);
    void this.fetch(peer);
  }

  /** A neighbour left: its table goes with it. */
  removed(peerId: string): void {
    this.held.delete(peerId);
    this.announced.delete(peerId);
  }

  /**
   * QTAN from `remote`: a neighbour's table changed. From then on it is sent
   * every query until the new table is here. False when the notice is not
   * from a neighbour (or not from its address): ignored.
   */
  noticed(notice: TableNotice, remote: string): boolean {
    const peer = this.deps.neighbours().find((each) => each.id === notice.peerId);
    if (!peer || !isSameHost(remote, peer.host)) return false;
    this.announced.set(peer.id, notice.version);
    const held = this.held.get(peer.id);
    if (held?.kind === 'table') {
      if (held.version === notice.version && !held.stale) return true;
      held.stale = true;
    }
    // A fetch on its way may bring the old table (it stays stale, see fetchNow): the next refresh asks again.
    void this.fetch(peer);
    return true;
  }

  /** Every liveness round: missing, old and refused tables asked for again. */
  refresh(): Promise<void> {
    const now = this.deps.clock();
    const neighbours = this.deps.neighbours();
    const current = new Set(neighbours.map((peer) => peer.id));
    for (const peerId of [...this.held.keys(), ...this.announced.keys()]) {
      if (!current.has(peerId)) this.removed(peerId);
    }
    const due = neighbours.filter((peer) => {
      const held = this.held.get(peer.id);
      if (!held) return true;
      if (held.kind === 'none') return now - held.since >= this.limits.retryMs;
      // Asked again a little before it stops being trusted.
      return held.stale || now - held.fetchedAt >= this.limits.maxAgeMs * 0.75;
    });
    return Promise.all(due.map((peer) => this.fetch(peer))).then(() => undefined);
  }

  /** Fetches `peer`'s table once at a time; resolves when done (never rejects). */
  fetch(peer: PeerInfo): Promise<void> {
    const running = this.inFlight.get(peer.id);
    if (running) return running;
    const done = this.fetchNow(peer).finally(() => this.inFlight.delete(peer.id));
    this.inFlight.set(peer.id, done);
    return done;
  }

  private async fetchNow(peer: PeerInfo): Promise<void> {
    this.counts.fetched++;
    let frames;
    try {
      frames = await this.deps.request(
        peer,
        QueryTableMessageType.table,
        formatTableRequest(this.deps.selfId()),
        {background: true},
      );
    } catch (error) {
      if (error instanceof FrameTooLargeError) this.refuse(peer.id, error);
      else {
        this.deps.log('debug', `no query table from ${peer.id}: ${describeError(error)}`);
        this.setNone(peer.id, false);
      }
      return;
    }
    const reply = frames[0];
    if (!reply) {
      // An original peer (or one in compatible mode): it gets every query.
      this.setNone(peer.id, true);
      return;
    }
    try {
      if (reply.type !== MessageType.reply) throw new Error(`${reply.type} reply`);
      const table = parseTableReply(reply.data, {
        maxBytes: this.limits.maxBytes,
        maxHashes: MAX_HASHES,
      });
      if (!this.isNeighbour(peer.id)) return;
      const announced = this.announced.get(peer.id);
      this.held.set(peer.id, {
        kind: 'table',
        filter: {bits: table.bits, hashes: table.hashes},
        version: table.version,
        fetchedAt: this.deps.clock(),
        stale: announced !== undefined && announced !== table.version,
      });
    } catch (error) {
      this.refuse(peer.id, error);
    }
  }

  /** A hostile or broken table: one log line per interval, and every query for that neighbour. */
  private refuse(peerId: string, error: unknown): void {
    this.counts.refused++;
    this.setNone(peerId, false);
    this.logRefusal(peerId, describeError(error));
  }

  private setNone(peerId: string, original: boolean): void {
    if (!this.isNeighbour(peerId)) return;
    this.held.set(peerId, {kind: 'none', since: this.deps.clock(), original});
  }

  private isNeighbour(peerId: string): boolean {
    return this.deps.neighbours().some((peer) => peer.id === peerId);
  }

  /** One line per interval, however many neighbours send bad tables. */
  private logRefusal(peerId: string, reason: string): void {
    const now = this.deps.clock();
    if (now - this.lastRefusalLog < LIMIT_REPORT_INTERVAL_MS) {
      this.refusalsNotLogged++;
      return;
    }
    const more =
      this.refusalsNotLogged > 0 ? ` (${this.refusalsNotLogged} more since)` : '';
    this.lastRefusalLog = now;
    this.refusalsNotLogged = 0;
    this.deps.log(
      'warn',
      `query table from ${peerText(peerId)} refused: ${peerText(reason)}; it gets every query${more}`,
    );
  }
}
