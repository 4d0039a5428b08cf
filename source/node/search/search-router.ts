/**
 * Search: the user's queries out to the neighbours, other peers' queries
 * answered or passed on, and the responses that come back into the catalogue.
 */
import {describeError, FilerError} from '../../protocol/errors.js';
import {
  formatQuery,
  formatResponse,
  MessageType,
  parsePeerId,
  parseQuery,
  parseResponse,
  ReplyText,
  type QueryRequest,
} from '../../protocol/messages.js';
import {peerText} from '../../text/terminal-safe.js';
import {unsafeNameReason} from '../../protocol/safe-name.js';
import {
  nameFromWire,
  unescapedWire,
  wireBytes,
  wireFromName,
  wireText,
} from '../../protocol/wire-name.js';
import type {Clock, Log, Reply, Request} from '../collaborators.js';
import type {FileIndex} from '../files/file-index.js';
import {limitDefault, limitHit} from '../limits.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, SearchResult} from '../types.js';
import {QueryMemory, type QueryMemoryLimits} from './query-memory.js';
import {
  MAX_RESPONSES_PER_QUERY,
  planCompatibleQuery,
  planQuery,
  type QueryPlan,
} from './query-plan.js';
import {addressOf, perMinute, RateBuckets} from './rate-buckets.js';
import {
  DEFAULT_SESSION_LIMITS,
  REAL_TIMERS,
  RECENT_SEARCHES,
  SearchSession,
  type LatestSearch,
  type SearchSummary,
  type SessionLimits,
  type Timers,
} from './search-session.js';

export type {LatestSearch, SearchSummary} from './search-session.js';

export type SearchEvents = {
  'search-started': [search: {key: string; ttl: number}];
  'search-result': [result: SearchResult];
  /** A search of the user's started, found something new, or became done. */
  'search-updated': [search: SearchSummary];
};

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

export type SearchDeps = {
  selfId: () => string;
  isOpen: () => boolean;
  peers: () => PeerInfo[];
  request: Request;
  files: FileIndex;
  clock: Clock;
  log: Log;
  /** Runs a task after the current request's connection is closed. */
  defer: (task: () => void) => void;
  /** Ask owners for sizes with the SIZE extension. */
  sizeLookup: boolean;
  mode?: SearchMode;
  limits?: Partial<SearchLimits>;
  /** The quiet period of a search and the like (tests shorten it). */
  session?: Partial<SessionLimits>;
  timers?: Timers;
};

/** What search did so far, for tests and the search benchmark. */
export type SearchStats = {
  /** QUER taken (acknowledged and within the rate). */
  queriesReceived: number;
  /** QUER answered or forwarded (not a duplicate). */
  queriesProcessed: number;
  /** QUER sent on to neighbours (the user's own searches not counted). */
  queriesForwarded: number;
  responsesSent: number;
  responsesReceived: number;
  /** Queries taken whose processing has not finished yet. */
  queriesPending: number;
};

export const DEFAULT_SEARCH_TTL = 4;

export class SearchRouter extends TypedEmitter<SearchEvents> {
  private readonly memory: QueryMemory;
  private readonly mode: SearchMode;
  private readonly limits: Omit<SearchLimits, keyof QueryMemoryLimits>;
  private readonly queriesByPeer: RateBuckets;
  private readonly responsesByPeer: RateBuckets;
  private readonly responsesByReturnAddress: RateBuckets;
  /** The user's own searches, newest last. */
  private readonly sessions: SearchSession[] = [];
  private readonly sessionLimits: SessionLimits;
  private readonly timers: Timers;
  private nextSessionId = 1;
  private readonly counts: SearchStats = {
    queriesReceived: 0,
    queriesProcessed: 0,
    queriesForwarded: 0,
    responsesSent: 0,
    responsesReceived: 0,
    queriesPending: 0,
  };

  constructor(private readonly deps: SearchDeps) {
    super();
    this.mode = deps.mode ?? 'filer';
    this.memory = new QueryMemory(deps.clock, deps.limits);
    this.limits = {...DEFAULT_SEARCH_LIMITS, ...deps.limits};
    this.sessionLimits = {
      ...DEFAULT_SESSION_LIMITS,
      responderBound: this.limits.maxResponsesPerQuery,
      ...deps.session,
    };
    this.timers = deps.timers ?? REAL_TIMERS;
    const {clock} = deps;
    this.queriesByPeer = new RateBuckets(
      perMinute(this.limits.queriesPerPeerPerMinute),
      clock,
    );
    this.responsesByPeer = new RateBuckets(
      perMinute(this.limits.responsesPerPeerPerMinute),
      clock,
    );
    this.responsesByReturnAddress = new RateBuckets(
      perMinute(this.limits.responsesPerReturnAddressPerMinute),
      clock,
    );
  }

  stats(): SearchStats {
    return {...this.counts};
  }

  latestSearch(): LatestSearch | undefined {
    return this.sessions.at(-1)?.withNames();
  }

  /** The user's recent searches, oldest first. */
  searches(): SearchSummary[] {
    return this.sessions.map((session) => session.summary());
  }

  /** The results of one search of the user's (the latest without an id). */
  searchResults(id?: number): SearchResult[] | undefined {
    const session =
      id === undefined
        ? this.sessions.at(-1)
        : this.sessions.find((candidate) => candidate.id === id);
    return session && [...session.results];
  }

  /** Stops the quiet timers (the node is closing). */
  close(): void {
    for (const session of this.sessions) session.stop(this.timers);
  }

  /** Sends QUER to every neighbour; results arrive later as 'search-result'. */
  async search(key: string, ttl = DEFAULT_SEARCH_TTL): Promise<number> {
    if (key.length === 0) throw new FilerError('ERR_EMPTY_KEY', 'search key is empty');
    const wireKey = wireFromName(key);
    const session = new SearchSession(
      this.nextSessionId++,
      key,
      unescapedWire(wireKey),
      ttl,
      this.deps.clock(),
      this.sessionLimits,
    );
    this.sessions.push(session);
    if (this.sessions.length > RECENT_SEARCHES) this.sessions.shift()?.stop(this.timers);
    this.emit('search-started', {key, ttl});
    this.emit('search-updated', session.summary());
    this.waitQuiet(session);
    const peers = this.deps.peers();
    if (peers.length === 0) {
      this.deps.log('warn', `search "${key}": no peers to ask; join a network first`);
      return 0;
    }
    const data = wireBytes(
      formatQuery({returnPeerId: this.deps.selfId(), key: wireKey, ttl}),
    );
    const results = await Promise.all(
      peers.map((peer) =>
        this.deps.request(peer, MessageType.query, data).then(
          () => true,
          (error: unknown) => {
            this.deps.log(
              'warn',
              `search: ${peer.id} did not take the query: ${describeError(error)}`,
            );
            return false;
          },
        ),
      ),
    );
    const asked = results.filter(Boolean).length;
    this.deps.log('info', `search "${key}" sent to ${asked} of ${peers.length} peer(s)`);
    return asked;
  }

  // ---- QUER from other peers ------------------------------------------------

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

  // ---- RESP ---------------------------------------------------------------------

  /** RESP: the frame data as it came (its fields are bytes). */
  acceptResponse(data: Buffer, remote: string): void {
    if (!this.responsesByPeer.take(addressOf(remote))) {
      limitHit(this.deps.log, 'responses-per-peer', remote, 'RESP dropped');
      return;
    }
    this.counts.responsesReceived++;
    let wireName: string;
    let owner: string;
    try {
      ({wireName, ownerPeerId: owner} = parseResponse(wireText(data)));
    } catch (error) {
      this.deps.log('warn', `ignored RESP from ${remote}: ${describeError(error)}`);
      return;
    }
    const name = nameFromWire(wireName);
    const reason = unsafeNameReason(name);
    if (reason) {
      this.deps.log(
        'warn',
        `ignored RESP from ${remote} for "${peerText(name)}": ${reason}`,
      );
      return;
    }
    if (owner === this.deps.selfId()) return;
    const {files} = this.deps;
    const nameBytes = unescapedWire(wireName);
    const answered = this.sessions.filter((session) =>
      nameBytes.includes(session.keyBytes),
    );
    const changed = files.addRemote(
      name,
      wireName,
      owner,
      answered.length > 0 ? 'search' : 'unsolicited',
    );
    const latest = this.sessions.at(-1);
    for (const session of answered) {
      if (!session.add(name, owner)) continue;
      if (session === latest) this.emit('search-result', {key: session.key, name, owner});
      this.emit('search-updated', session.summary());
      this.waitQuiet(session);
    }
    if (!changed) return;
    this.deps.log('info', `found ${name} at ${owner}`);
    if (this.deps.sizeLookup && files.entry(name)?.size === undefined) {
      void this.lookupSize(name, wireName, owner);
    }
  }

  /** SIZE extension; an original peer just closes, and the size stays unknown. */
  private async lookupSize(name: string, wireName: string, owner: string): Promise<void> {
    const address = parsePeerId(owner);
    if (!address) return;
    try {
      const frames = await this.deps.request(
        address,
        MessageType.size,
        wireBytes(wireName),
        {
          background: true,
        },
      );
      const reply = frames[0];
      if (reply?.type !== MessageType.reply) return;
      const text = reply.data.toString('utf8');
      if (!/^\d{1,16}$/.test(text)) return;
      this.deps.files.setRemoteSize(name, Number(text));
    } catch {
      // Size is a nicety; the name stays listed without it.
    }
  }

  private waitQuiet(session: SearchSession): void {
    session.waitQuiet(this.timers, this.deps.clock, () => {
      const summary = session.summary();
      this.deps.log('info', describeDoneSearch(summary));
      this.emit('search-updated', summary);
    });
  }
}

/** One line for the log: what a search found, and where an answer may be cut. */
export function describeDoneSearch(summary: SearchSummary): string {
  const {key, results, peers, cutPeers, resultsCut} = summary;
  const notes = [
    ...cutPeers.map(
      (peer) => `${peer} may have more (its answer was cut at the bound; browse it)`,
    ),
    ...(resultsCut ? ['more results came than a search keeps'] : []),
  ];
  const found = `${results} result${results === 1 ? '' : 's'} from ${peers} peer${peers === 1 ? '' : 's'}`;
  return `search "${peerText(key)}" done: ${found}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
}
