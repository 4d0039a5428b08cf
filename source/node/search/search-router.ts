/**
 * Search: the user's queries out to the neighbours, other peers' queries
 * answered or passed on, and the responses that come back into the catalogue.
 */
import {describeError, FilerError} from '../../protocol/errors.js';
import {
  formatQuery,
  MessageType,
  parsePeerId,
  parseResponse,
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
import type {Reply} from '../collaborators.js';
import {limitHit} from '../limits.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, SearchResult} from '../types.js';
import {
  DEFAULT_SEARCH_LIMITS,
  QueryResponder,
  type ResponderDeps,
  type ResponderStats,
} from './query-responder.js';
import {
  QueryRouting,
  type QueryRoutingLimits,
  type QueryRoutingStats,
} from './query-routing.js';
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
export {DEFAULT_SEARCH_LIMITS} from './query-responder.js';
export type {SearchLimits, SearchMode} from './query-responder.js';

/** What search did so far, for tests and the search benchmark. */
export type SearchStats = ResponderStats & {
  responsesReceived: number;
  /** Query routing (filer mode only). */
  tables?: QueryRoutingStats;
};

export type SearchEvents = {
  'search-started': [search: {key: string; ttl: number}];
  'search-result': [result: SearchResult];
  /** A search of the user's started, found something new, or became done. */
  'search-updated': [search: SearchSummary];
};

/** What the responder needs, and for the user's side a few more. */
export type SearchDeps = ResponderDeps & {
  /** Ask owners for sizes with the SIZE extension. */
  sizeLookup: boolean;
  /** The quiet period of a search and the like (tests shorten it). */
  session?: Partial<SessionLimits>;
  timers?: Timers;
  routingLimits?: Partial<QueryRoutingLimits>;
};

export const DEFAULT_SEARCH_TTL = 4;

export class SearchRouter extends TypedEmitter<SearchEvents> {
  private readonly responder: QueryResponder;
  /** Query tables between filer-tui neighbours; none in compatible mode (as the original). */
  private readonly routing: QueryRouting | undefined;
  private readonly responsesByPeer: RateBuckets;
  /** The user's own searches, newest last. */
  private readonly sessions: SearchSession[] = [];
  private readonly sessionLimits: SessionLimits;
  private readonly timers: Timers;
  private nextSessionId = 1;
  private responsesReceived = 0;

  constructor(private readonly deps: SearchDeps) {
    super();
    this.routing =
      deps.mode === 'compatible'
        ? undefined
        : new QueryRouting({
            selfId: deps.selfId,
            neighbours: deps.peers,
            shared: () => deps.files.catalog.localListing(),
            request: deps.request,
            clock: deps.clock,
            log: deps.log,
            ...(deps.routingLimits ? {limits: deps.routingLimits} : {}),
          });
    this.responder = new QueryResponder({
      ...deps,
      ...(this.routing ? {routing: this.routing} : {}),
    });
    const limits = {...DEFAULT_SEARCH_LIMITS, ...deps.limits};
    this.sessionLimits = {
      ...DEFAULT_SESSION_LIMITS,
      responderBound: limits.maxResponsesPerQuery,
      ...deps.session,
    };
    this.timers = deps.timers ?? REAL_TIMERS;
    this.responsesByPeer = new RateBuckets(
      perMinute(limits.responsesPerPeerPerMinute),
      deps.clock,
    );
  }

  stats(): SearchStats {
    return {
      ...this.responder.stats(),
      responsesReceived: this.responsesReceived,
      ...(this.routing ? {tables: this.routing.stats()} : {}),
    };
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
  answerQuery(data: Buffer, reply: Reply, remote = '?'): Promise<void> {
    return this.responder.answerQuery(data, reply, remote);
  }

  /** Answers and forwards an admitted query; resolves when every message went out. */
  processQuery(query: QueryRequest): Promise<void> {
    return this.responder.processQuery(query);
  }

  /** QFWD: a QUER that names the neighbour it came from (closed unanswered in compatible mode). */
  answerForwardedQuery(data: Buffer, reply: Reply, remote = '?'): Promise<void> {
    return this.responder.answerForwardedQuery(data, reply, remote);
  }

  // ---- query routing (filer mode; an original's silence in compatible mode) ----

  /** QTAB: this node's query table. */
  async answerTable(data: Buffer, reply: Reply, remote: string): Promise<void> {
    await this.routing?.answerTable(data, reply, remote);
  }

  /** QTAN: a neighbour's query table changed. */
  async answerTableNotice(data: Buffer, reply: Reply, remote: string): Promise<void> {
    await this.routing?.answerNotice(data, reply, remote);
  }

  neighbourAdded(peer: PeerInfo): void {
    this.routing?.neighbourAdded(peer);
  }

  neighbourRemoved(peerId: string): void {
    this.routing?.neighbourRemoved(peerId);
  }

  /** The liveness round: tables fetched where missing or old, missed notices sent again. */
  async refreshTables(): Promise<void> {
    await this.routing?.refresh();
  }

  /**
   * Tells the neighbours that the names shared here changed; resolves when
   * they know (so the next search anywhere reaches the new files).
   */
  async sharesChanged(): Promise<void> {
    await this.routing?.announce();
  }

  // ---- RESP ---------------------------------------------------------------------

  /** RESP: the frame data as it came (its fields are bytes). */
  acceptResponse(data: Buffer, remote: string): void {
    if (!this.responsesByPeer.take(addressOf(remote))) {
      limitHit(this.deps.log, 'responses-per-peer', remote, 'RESP dropped');
      return;
    }
    this.responsesReceived++;
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
