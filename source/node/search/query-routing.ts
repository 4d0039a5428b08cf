/**
 * Query routing between filer-tui neighbours (docs/search.md "Query
 * routing"): each node serves its own query table (QTAB), tells its
 * neighbours when it changed (QTAN, again each round until they took it),
 * and keeps theirs (neighbour-tables.ts), so that a query arriving with no
 * ttl left is sent only to neighbours that may hold a match.
 */
import {MessageType, parsePeerId} from '../../protocol/messages.js';
import {
  formatTableNotice,
  formatTableReply,
  parseTableNotice,
  parseTableRequest,
  QueryTableMessageType,
} from '../../protocol/query-table-messages.js';
import {wireText} from '../../protocol/wire-name.js';
import type {Clock, Log, Reply, Request} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';
import {isSameHost} from '../overlay/same-host.js';
import type {PeerInfo} from '../types.js';
import {
  DEFAULT_NEIGHBOUR_TABLE_LIMITS,
  NeighbourTables,
  type NeighbourTableLimits,
  type NeighbourTableStats,
} from './neighbour-tables.js';
import {OwnTable, type SharedListing} from './own-table.js';
import {addressOf, perMinute, RateBuckets} from './rate-buckets.js';

export type QueryRoutingLimits = NeighbourTableLimits & {
  /** QTAB and QTAN taken from one IP address per minute. */
  requestsPerPeerPerMinute: number;
  /** How long a QTAN may take (addShare waits for them). */
  noticeTimeoutMs: number;
};

export const DEFAULT_QUERY_ROUTING_LIMITS: Omit<
  QueryRoutingLimits,
  keyof NeighbourTableLimits
> = {
  requestsPerPeerPerMinute: limitDefault('query-table-requests'),
  noticeTimeoutMs: 2_000,
};

/** Table versions remembered for askers that are not (yet) neighbours. */
const KEPT_ASKERS = 256;

export type QueryRoutingDeps = {
  selfId: () => string;
  neighbours: () => PeerInfo[];
  /** The names shared here (the same array until they change). */
  shared: SharedListing;
  request: Request;
  clock: Clock;
  log: Log;
  limits?: Partial<QueryRoutingLimits>;
};

export type QueryRoutingStats = NeighbourTableStats & {
  /** QTAN sent (each change, to each neighbour not known to be an original). */
  noticesSent: number;
};

export class QueryRouting {
  private readonly own: OwnTable;
  private readonly tables: NeighbourTables;
  private readonly requestsByPeer: RateBuckets;
  private readonly limits: QueryRoutingLimits;
  /** The version of this node's table each neighbour acknowledged (QTAN) or fetched (QTAB). */
  private readonly acknowledged = new Map<string, number>();
  private noticesSent = 0;
  private announcing: Promise<void> | undefined;
  private announceAgain = false;

  constructor(private readonly deps: QueryRoutingDeps) {
    const {limits = {}} = deps;
    this.limits = {
      ...DEFAULT_NEIGHBOUR_TABLE_LIMITS,
      ...DEFAULT_QUERY_ROUTING_LIMITS,
      ...limits,
    };
    this.own = new OwnTable(deps.shared, this.limits.maxBytes);
    this.tables = new NeighbourTables({...deps, limits: this.limits});
    this.requestsByPeer = new RateBuckets(
      perMinute(this.limits.requestsPerPeerPerMinute),
      deps.clock,
    );
  }

  stats(): QueryRoutingStats {
    return {...this.tables.stats(), noticesSent: this.noticesSent};
  }

  mayMatch(peerId: string, key: string): boolean {
    return this.tables.mayMatch(peerId, key);
  }

  speaksQueryRouting(peerId: string): boolean {
    return this.tables.speaksQueryRouting(peerId);
  }

  neighbourAdded(peer: PeerInfo): void {
    // What it acknowledged stays: it may have fetched our table just before.
    this.tables.added(peer);
  }

  neighbourRemoved(peerId: string): void {
    this.acknowledged.delete(peerId);
    this.tables.removed(peerId);
  }

  /** The liveness round: neighbours' tables refreshed, missed notices sent again. */
  async refresh(): Promise<void> {
    await Promise.all([this.tables.refresh(), this.announce()]);
  }

  /**
   * QTAB: this node's table. An asker that names itself (at the request's
   * address) and is a neighbour has that version: it is not told about it.
   */
  async answerTable(data: Buffer, reply: Reply, remote: string): Promise<void> {
    if (!this.admit(remote, 'QTAB closed unanswered')) return;
    const table = this.own.current();
    const asker = parseTableRequest(wireText(data));
    const address = asker === undefined ? undefined : parsePeerId(asker);
    // Also before it is a neighbour: a JOIN's receiver fetches before the joiner lists it.
    if (asker && address && isSameHost(remote, address.host)) {
      this.acknowledged.delete(asker);
      this.acknowledged.set(asker, table.version);
      this.forgetStrangers();
    }
    await reply.send(MessageType.reply, formatTableReply(table));
  }

  /** QTAN: a neighbour's table changed; trusted again once fetched. */
  async answerNotice(data: Buffer, reply: Reply, remote: string): Promise<void> {
    if (!this.admit(remote, 'QTAN closed unanswered')) return;
    let accepted = false;
    try {
      accepted = this.tables.noticed(parseTableNotice(wireText(data)), remote);
    } catch {
      // Malformed: answered as one from a stranger.
    }
    await reply.send(
      accepted ? MessageType.reply : MessageType.error,
      accepted ? 'table noticed' : 'not a neighbour',
    );
  }

  /**
   * Tells every neighbour that has not acknowledged this node's current
   * table version (except known original peers) that it changed; resolves
   * when each answered or timed out. One round at a time; a change during a
   * round is announced right after it.
   */
  announce(): Promise<void> {
    if (this.announcing) {
      this.announceAgain = true;
      return this.announcing;
    }
    this.announcing = (async () => {
      do {
        this.announceAgain = false;
        await this.announceRound();
      } while (this.announceAgain);
    })().finally(() => {
      this.announcing = undefined;
    });
    return this.announcing;
  }

  private async announceRound(): Promise<void> {
    const version = this.own.currentVersion();
    const due = this.deps
      .neighbours()
      .filter(
        (peer) =>
          this.acknowledged.get(peer.id) !== version && !this.tables.isOriginal(peer.id),
      );
    const data = formatTableNotice({peerId: this.deps.selfId(), version});
    await Promise.all(
      due.map(async (peer) => {
        this.noticesSent++;
        const frames = await this.deps
          .request(peer, QueryTableMessageType.tableNotice, data, {
            background: true,
            timeoutMs: this.limits.noticeTimeoutMs,
          })
          .catch(() => undefined);
        // REPL: it knows. ERRO: it does not list us (a link being made or traded):
        // it fetches our table when it does. A failure, or a close past its rate,
        // is told again next round; an original is left out once known.
        if (frames?.[0] !== undefined) this.acknowledged.set(peer.id, version);
      }),
    );
  }

  /** Askers that are not neighbours are kept at most KEPT_ASKERS, the oldest forgotten. */
  private forgetStrangers(): void {
    if (this.acknowledged.size <= KEPT_ASKERS) return;
    const neighbours = new Set(this.deps.neighbours().map((peer) => peer.id));
    for (const peerId of this.acknowledged.keys()) {
      if (this.acknowledged.size <= KEPT_ASKERS) return;
      if (!neighbours.has(peerId)) this.acknowledged.delete(peerId);
    }
  }

  private admit(remote: string, detail: string): boolean {
    if (this.requestsByPeer.take(addressOf(remote))) return true;
    limitHit(this.deps.log, 'query-table-requests', remote, detail);
    return false;
  }
}
