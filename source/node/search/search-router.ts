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
  type PeerAddress,
  type QueryRequest,
} from '../../protocol/messages.js';
import {peerText} from '../../text/terminal-safe.js';
import {unsafeNameReason} from '../../protocol/safe-name.js';
import {decodeWireName, encodeWireName} from '../../protocol/wire-name.js';
import type {Clock, Log, Reply, Request} from '../collaborators.js';
import type {FileIndex} from '../files/file-index.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, SearchResult} from '../types.js';
import {QueryMemory} from './query-memory.js';
import {planQuery} from './query-plan.js';

export type SearchEvents = {
  'search-started': [search: {key: string; ttl: number}];
  'search-result': [result: SearchResult];
};

export type LatestSearch = {
  key: string;
  ttl: number;
  startedAt: number;
  names: string[];
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
};

export const DEFAULT_SEARCH_TTL = 4;

export class SearchRouter extends TypedEmitter<SearchEvents> {
  private readonly memory: QueryMemory;
  private latest:
    {key: string; ttl: number; startedAt: number; names: Set<string>} | undefined;

  constructor(private readonly deps: SearchDeps) {
    super();
    this.memory = new QueryMemory(deps.clock);
  }

  latestSearch(): LatestSearch | undefined {
    return this.latest && {...this.latest, names: [...this.latest.names]};
  }

  /** Sends QUER to every neighbour; results arrive later as 'search-result'. */
  async search(key: string, ttl = DEFAULT_SEARCH_TTL): Promise<number> {
    if (key.length === 0) throw new FilerError('ERR_EMPTY_KEY', 'search key is empty');
    this.latest = {key, ttl, startedAt: this.deps.clock(), names: new Set()};
    this.emit('search-started', {key, ttl});
    const peers = this.deps.peers();
    if (peers.length === 0) {
      this.deps.log('warn', `search "${key}": no peers to ask; join a network first`);
      return 0;
    }
    const data = formatQuery({
      returnPeerId: this.deps.selfId(),
      key: encodeWireName(key),
      ttl,
    });
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

  async answerQuery(text: string, reply: Reply): Promise<void> {
    let query: QueryRequest;
    try {
      query = parseQuery(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.queryIncorrect);
    }
    await reply.send(MessageType.reply, ReplyText.queryAck(query.key));
    // Processed after the connection closes, as the original's query thread.
    this.deps.defer(() => {
      this.processQuery(query).catch((error: unknown) =>
        this.deps.log('warn', `query processing failed: ${describeError(error)}`),
      );
    });
  }

  /** Answers or forwards an admitted query; resolves when every message went out. */
  async processQuery(query: QueryRequest): Promise<void> {
    const {deps} = this;
    if (query.returnPeerId === deps.selfId() || !deps.isOpen()) return;
    if (!this.memory.admit(query)) return;
    const key = decodeWireName(query.key);
    const plan = planQuery(query, deps.files.match(key), deps.selfId(), (name) =>
      deps.files.wireName(name),
    );
    if (plan.kind === 'drop') return;
    if (plan.kind === 'forward') {
      const data = formatQuery(plan.query);
      await Promise.all(
        deps
          .peers()
          .map((peer) =>
            deps
              .request(peer, MessageType.query, data, {background: true})
              .catch(() => undefined),
          ),
      );
      return;
    }
    const returnAddress = parsePeerId(query.returnPeerId) as PeerAddress;
    for (const response of plan.responses) {
      if (!deps.isOpen()) return;
      await deps
        .request(returnAddress, MessageType.response, formatResponse(response), {
          background: true,
        })
        .catch((error: unknown) =>
          deps.log(
            'debug',
            `RESP to ${query.returnPeerId} failed: ${describeError(error)}`,
          ),
        );
    }
    deps.log('debug', `answered query "${key}" from ${query.returnPeerId}`);
  }

  // ---- RESP ---------------------------------------------------------------------

  acceptResponse(text: string, remote: string): void {
    let wireName: string;
    let owner: string;
    try {
      ({wireName, ownerPeerId: owner} = parseResponse(text));
    } catch (error) {
      this.deps.log('warn', `ignored RESP from ${remote}: ${describeError(error)}`);
      return;
    }
    const name = decodeWireName(wireName);
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
    const changed = files.addRemote(name, wireName, owner);
    const search = this.latest;
    if (search && name.includes(search.key) && !search.names.has(name)) {
      search.names.add(name);
      this.emit('search-result', {key: search.key, name, owner});
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
      const frames = await this.deps.request(address, MessageType.size, wireName, {
        background: true,
      });
      const reply = frames[0];
      if (reply?.type !== MessageType.reply) return;
      const text = reply.data.toString('utf8');
      if (!/^\d{1,16}$/.test(text)) return;
      this.deps.files.setRemoteSize(name, Number(text));
    } catch {
      // Size is a nicety; the name stays listed without it.
    }
  }
}
