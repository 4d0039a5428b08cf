/**
 * Other peers' queries: acknowledged at once (as the original does), held
 * to the per-peer rate and the key limit, then answered with one RESP per
 * matching file shared here and passed on to the neighbours, once per copy
 * that reaches further (see query-memory.ts). In compatible mode, the
 * original's answer and flood instead.
 */
import {describeError} from '../../protocol/errors.js';
import {
  formatQuery,
  formatResponse,
  MessageType,
  parsePeerId,
  parseQuery,
  ReplyText,
  type QueryRequest,
} from '../../protocol/messages.js';
import {
  formatForwardedQuery,
  parseForwardedQuery,
  QueryTableMessageType,
} from '../../protocol/query-table-messages.js';
import {
  nameFromWire,
  unescapedWire,
  wireBytes,
  wireText,
} from '../../protocol/wire-name.js';
import {peerText} from '../../text/terminal-safe.js';
import type {Clock, Log, Reply, Request} from '../collaborators.js';
import type {FileIndex} from '../files/file-index.js';
import {limitDefault, limitHit} from '../limits.js';
import type {PeerInfo} from '../types.js';
import {QueryMemory, type QueryMemoryLimits} from './query-memory.js';
import {
  MAX_RESPONSES_PER_QUERY,
  planCompatibleQuery,
  planQuery,
  type QueryPlan,
} from './query-plan.js';
import {addressOf, perMinute, RateBuckets} from './rate-buckets.js';
import type {Frame} from '../../protocol/frame.js';
import {isSameHost} from '../overlay/same-host.js';

/**
 * 'filer': every holder in reach answers, duplicates are dropped without
 * costing recall, only files held here are answered. 'compatible': the
 * original's search, message for message (see docs/search.md).
 */
export type SearchMode = 'filer' | 'compatible';

export type SearchLimits = QueryMemoryLimits & {
  maxKeyBytes: number;
  maxResponsesPerQuery: number;
  queriesPerPeerPerMinute: number;
  responsesPerPeerPerMinute: number;
  responsesPerReturnAddressPerMinute: number;
};

export const DEFAULT_SEARCH_LIMITS: Omit<SearchLimits, keyof QueryMemoryLimits> = {
  maxKeyBytes: limitDefault('query-key-bytes'),
  maxResponsesPerQuery: MAX_RESPONSES_PER_QUERY,
  queriesPerPeerPerMinute: limitDefault('queries-per-peer'),
  responsesPerPeerPerMinute: limitDefault('responses-per-peer'),
  responsesPerReturnAddressPerMinute: limitDefault('responses-per-return-address'),
};

/** What search did so far, for tests and the search benchmark. */
export type ResponderStats = {
  /** QUER taken (acknowledged and within the rate). */
  queriesReceived: number;
  /** QUER answered or forwarded (not a duplicate). */
  queriesProcessed: number;
  /** QUER (or QFWD) sent on to neighbours (the user's own searches not counted). */
  queriesForwarded: number;
  /** Last-hop copies not sent: the neighbour's query table rules out a match. */
  queriesSkipped: number;
  /** Copies not sent back to the neighbour a QFWD came from. */
  queriesNotSentBack: number;
  responsesSent: number;
  /** Queries taken whose processing has not finished yet. */
  queriesPending: number;
};

export type ResponderDeps = {
  selfId: () => string;
  isOpen: () => boolean;
  peers: () => PeerInfo[];
  request: Request;
  files: FileIndex;
  clock: Clock;
  log: Log;
  /** Runs a task after the current request's connection is closed. */
  defer: (task: () => void) => void;
  mode?: SearchMode;
  limits?: Partial<SearchLimits>;
  /** The neighbours' query tables (filer mode); without it every neighbour gets every copy. */
  routing?: QueryRoutes;
};

/** What forwarding asks of query routing (query-routing.ts). */
export type QueryRoutes = {
  /** False only when the neighbour's fresh table rules out a match of `key` (wire text). */
  mayMatch(peerId: string, key: string): boolean;
  /** The neighbour answered QTAB: it takes QFWD. */
  speaksQueryRouting(peerId: string): boolean;
};

/** A query to process, and the neighbour it came from when it said so (QFWD). */
type Arrived = {query: QueryRequest; from?: string};

export class QueryResponder {
  private readonly memory: QueryMemory;
  private readonly mode: SearchMode;
  private readonly limits: Omit<SearchLimits, keyof QueryMemoryLimits>;
  private readonly queriesByPeer: RateBuckets;
  private readonly responsesByReturnAddress: RateBuckets;
  private readonly counts: ResponderStats = {
    queriesReceived: 0,
    queriesProcessed: 0,
    queriesForwarded: 0,
    queriesSkipped: 0,
    queriesNotSentBack: 0,
    responsesSent: 0,
    queriesPending: 0,
  };

  constructor(private readonly deps: ResponderDeps) {
    this.mode = deps.mode ?? 'filer';
    this.memory = new QueryMemory(deps.clock, deps.limits);
    this.limits = {...DEFAULT_SEARCH_LIMITS, ...deps.limits};
    this.queriesByPeer = new RateBuckets(
      perMinute(this.limits.queriesPerPeerPerMinute),
      deps.clock,
    );
    this.responsesByReturnAddress = new RateBuckets(
      perMinute(this.limits.responsesPerReturnAddressPerMinute),
      deps.clock,
    );
  }

  stats(): ResponderStats {
    return {...this.counts};
  }

  /** QUER: the frame data as it came (its fields are bytes). */
  answerQuery(data: Buffer, reply: Reply, remote = '?'): Promise<void> {
    return this.take(reply, remote, () => ({query: parseQuery(wireText(data))}));
  }

  /**
   * QFWD (filer mode): a QUER from a filer-tui neighbour that names itself,
   * so the query is not sent back to it. A sender that is not at the
   * request's address is not believed (the query goes everywhere).
   */
  answerForwardedQuery(data: Buffer, reply: Reply, remote = '?'): Promise<void> {
    if (this.mode === 'compatible') return Promise.resolve();
    return this.take(reply, remote, () => {
      const {fromPeerId, ...query} = parseForwardedQuery(wireText(data));
      const from = parsePeerId(fromPeerId);
      return from && isSameHost(remote, from.host) ? {query, from: fromPeerId} : {query};
    });
  }

  private async take(reply: Reply, remote: string, parse: () => Arrived): Promise<void> {
    let arrived: Arrived;
    try {
      arrived = parse();
    } catch {
      return reply.send(MessageType.error, ReplyText.queryIncorrect);
    }
    const {query} = arrived;
    // Acknowledged as the original does (the key echoed byte for byte), whatever is done after.
    await reply.send(MessageType.reply, wireBytes(ReplyText.queryAck(query.key)));
    if (!this.queriesByPeer.take(addressOf(remote))) {
      limitHit(this.deps.log, 'queries-per-peer', remote, 'query dropped');
      return;
    }
    if (query.key.length > this.limits.maxKeyBytes) {
      limitHit(this.deps.log, 'query-key-bytes', remote, 'query dropped');
      return;
    }
    this.counts.queriesReceived++;
    this.counts.queriesPending++;
    // Processed after the connection closes, as the original's query thread.
    this.deps.defer(() => {
      this.processQuery(query, arrived.from)
        .catch((error: unknown) =>
          this.deps.log('warn', `query processing failed: ${describeError(error)}`),
        )
        .finally(() => this.counts.queriesPending--);
    });
  }

  /**
   * Answers and forwards an admitted query; resolves when every message went
   * out. `from`: the neighbour that passed it on, when known (not sent back).
   */
  async processQuery(query: QueryRequest, from?: string): Promise<void> {
    const {deps} = this;
    if (!deps.isOpen()) return;
    const plan = this.plan(query);
    if (!plan) return;
    this.counts.queriesProcessed++;
    await Promise.all([
      this.sendResponses(query, plan),
      this.forward(plan.forward, from),
    ]);
  }

  private plan(query: QueryRequest): QueryPlan | undefined {
    const {deps} = this;
    const catalog = deps.files.catalog;
    const key = unescapedWire(query.key);
    if (this.mode === 'compatible') {
      return planCompatibleQuery(query, catalog.firstMatch(key, deps.selfId()));
    }
    if (query.returnPeerId === deps.selfId()) return undefined;
    const admission = this.memory.admit(query);
    if (!admission) return undefined;
    // A copy that only reaches further was answered already: pass it on, no more.
    return planQuery(
      query,
      admission === 'further' ? [] : catalog.matchLocal(key),
      deps.selfId(),
      this.limits.maxResponsesPerQuery,
    );
  }

  private async forward(query: QueryRequest | undefined, from?: string): Promise<void> {
    if (!query) return;
    if (this.mode === 'compatible') {
      // As the original: every neighbour, the asker too.
      await this.sendAll(this.deps.peers(), query);
      return;
    }
    const key = unescapedWire(query.key);
    const routes = this.deps.routing;
    const others = this.deps.peers().filter((peer) => peer.id !== query.returnPeerId);
    const peers = others.filter((peer) => peer.id !== from);
    this.counts.queriesNotSentBack += others.length - peers.length;
    // A copy with no ttl left is only answered there: only where a match may be.
    const targets =
      query.ttl > 0 || !routes
        ? peers
        : peers.filter((peer) => routes.mayMatch(peer.id, key));
    this.counts.queriesSkipped += peers.length - targets.length;
    await this.sendAll(targets, query);
  }

  /** QFWD to neighbours that take it, QUER to the others (and to one that closed QFWD). */
  private async sendAll(peers: readonly PeerInfo[], query: QueryRequest): Promise<void> {
    const routes = this.mode === 'compatible' ? undefined : this.deps.routing;
    const plain = wireBytes(formatQuery(query));
    const named = wireBytes(
      formatForwardedQuery({...query, fromPeerId: this.deps.selfId()}),
    );
    const send = (peer: PeerInfo, type: string, data: Buffer): Promise<Frame[]> =>
      this.deps
        .request(peer, type, data, {background: true})
        .catch((): Frame[] => [{type: MessageType.error, data: Buffer.alloc(0)}]);
    this.counts.queriesForwarded += peers.length;
    await Promise.all(
      peers.map(async (peer) => {
        if (!routes?.speaksQueryRouting(peer.id)) {
          await send(peer, MessageType.query, plain);
          return;
        }
        const frames = await send(peer, QueryTableMessageType.forwardedQuery, named);
        if (frames.length === 0) await send(peer, MessageType.query, plain);
      }),
    );
  }

  private async sendResponses(query: QueryRequest, plan: QueryPlan): Promise<void> {
    const {deps} = this;
    if (plan.responses.length === 0) return;
    const returnAddress = parsePeerId(query.returnPeerId);
    if (!returnAddress) return;
    if (plan.cut) {
      limitHit(
        deps.log,
        'query-responses',
        query.returnPeerId,
        `answered ${plan.responses.length} matching files`,
      );
    }
    let sent = 0;
    for (const response of plan.responses) {
      if (!deps.isOpen()) return;
      // One budget per return address, whoever sends the queries that name it.
      if (!this.responsesByReturnAddress.take(query.returnPeerId)) {
        limitHit(
          deps.log,
          'responses-per-return-address',
          query.returnPeerId,
          `${plan.responses.length - sent} RESP not sent`,
        );
        break;
      }
      sent++;
      this.counts.responsesSent++;
      await deps
        .request(
          returnAddress,
          MessageType.response,
          wireBytes(formatResponse(response)),
          {
            background: true,
          },
        )
        .catch((error: unknown) =>
          deps.log(
            'debug',
            `RESP to ${query.returnPeerId} failed: ${describeError(error)}`,
          ),
        );
    }
    deps.log(
      'debug',
      `answered query "${peerText(nameFromWire(query.key))}" from ${query.returnPeerId}`,
    );
  }
}
