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
  /** QUER sent on to neighbours (the user's own searches not counted). */
  queriesForwarded: number;
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
};

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
  async answerQuery(data: Buffer, reply: Reply, remote = '?'): Promise<void> {
    let query: QueryRequest;
    try {
      query = parseQuery(wireText(data));
    } catch {
      return reply.send(MessageType.error, ReplyText.queryIncorrect);
    }
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
      this.processQuery(query)
        .catch((error: unknown) =>
          this.deps.log('warn', `query processing failed: ${describeError(error)}`),
        )
        .finally(() => this.counts.queriesPending--);
    });
  }

  /** Answers and forwards an admitted query; resolves when every message went out. */
  async processQuery(query: QueryRequest): Promise<void> {
    const {deps} = this;
    if (!deps.isOpen()) return;
    const plan = this.plan(query);
    if (!plan) return;
    this.counts.queriesProcessed++;
    await Promise.all([this.sendResponses(query, plan), this.forward(plan.forward)]);
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

  private async forward(query: QueryRequest | undefined): Promise<void> {
    if (!query) return;
    const data = wireBytes(formatQuery(query));
    // The asker need not hear its own query again (compatible mode does as the original).
    const peers = this.deps
      .peers()
      .filter((peer) => this.mode === 'compatible' || peer.id !== query.returnPeerId);
    this.counts.queriesForwarded += peers.length;
    await Promise.all(
      peers.map((peer) =>
        this.deps
          .request(peer, MessageType.query, data, {background: true})
          .catch(() => undefined),
      ),
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
