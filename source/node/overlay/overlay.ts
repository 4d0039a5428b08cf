/**
 * The overlay: which peers this node keeps as neighbours. Joining, the
 * answers to JOIN, LIST, QUIT and HAND, the background top-up, liveness
 * checks and leaving. Talks to other peers only through the `request` and
 * `probe` it is given. The design is in docs/overlay.md.
 */
import {
  describeError,
  FilerError,
  isLocalResourceFailure,
} from '../../protocol/errors.js';
import {
  formatListEntry,
  MessageType,
  parseJoin,
  parseQuit,
  ReplyText,
  type PeerAddress,
} from '../../protocol/messages.js';
import {
  formatHandover,
  HandoverText,
  OverlayMessageType,
  OverlayReplyText,
  parseHandover,
} from '../../protocol/overlay-messages.js';
import type {Identity, Log, Reply, Request} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';
import {addressText} from '../net/peer-client.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, PeerRemovedReason} from '../types.js';
import {PeerTable} from './peer-table.js';
import {
  askJoin,
  askList,
  askName,
  type ListedPeer,
  type RemoteDeps,
} from './remote-peer.js';
import {Neighbourhood} from './neighbourhood.js';
import {isSameHost} from './same-host.js';
import {TopUpPacer} from './top-up-pacer.js';

export type OverlayEvents = {
  'peer-added': [peer: PeerInfo];
  'peer-removed': [peer: PeerInfo, reason: PeerRemovedReason];
};

export type OverlayLimits = {
  /** Peers asked during one join (limit join-contacts). */
  joinContacts: number;
  /** Steps of each random walk (limit join-walk). */
  joinWalk: number;
  /** Near peers passed over in a row before one is taken (limit near-links-skipped). */
  nearLinksSkipped: number;
  /** Neighbours asked to take a newcomer before a JOIN is refused as full. */
  handoverAttempts: number;
  handoverTimeoutMs: number;
  /** Most ticks skipped by the top-up after fruitless looks. */
  topUpBackoff: number;
  /** A QUIT whose sender still lists us is checked once more after this. */
  quitRecheckMs: number;
};

export const DEFAULT_OVERLAY_LIMITS: OverlayLimits = {
  joinContacts: limitDefault('join-contacts'),
  joinWalk: limitDefault('join-walk'),
  nearLinksSkipped: limitDefault('near-links-skipped'),
  handoverAttempts: limitDefault('handover-attempts'),
  handoverTimeoutMs: limitDefault('handover-timeout'),
  topUpBackoff: limitDefault('top-up-backoff'),
  quitRecheckMs: 1_000,
};

export type OverlayDeps = {
  self: () => Identity;
  isOpen: () => boolean;
  maxPeers: number;
  request: Request;
  /** True when the peer still accepts connections. */
  probe: (address: PeerAddress) => Promise<boolean>;
  log: Log;
  /** Uniform in [0, 1), as Math.random (tests pass a seeded one). */
  random?: () => number;
  limits?: Partial<OverlayLimits>;
};

/** Hops of the GUI's Rebuild, as the original. */
export const REBUILD_HOPS = 3;
/** QUIT on the way out must not hold the close up for long. */
export const QUIT_TIMEOUT_MS = 1_000;

/** A pause that does not keep the process alive. */
function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Whether to link to a peer, given the peers it lists. */
type NearbyRule = {accepts: (peerId: string, listed: ListedPeer[]) => Promise<boolean>};

/** The state of one join: peers it may still ask, addresses seen, full ones met. */
type JoinWalk = {budget: number; visited: Set<string>; fullContacts: PeerInfo[]};

export class Overlay extends TypedEmitter<OverlayEvents> {
  private readonly table: PeerTable;
  private readonly limits: OverlayLimits;
  private readonly remote: RemoteDeps;
  private readonly random: () => number;
  private readonly pacer: TopUpPacer;
  private peerCheck: Promise<void> | undefined;
  /** Neighbours whose QUIT is being confirmed: at most one check each. */
  private readonly quitChecks = new Set<string>();
  private topUpRunning = false;
  /** Near peers the top-up passed over in a row (see nearbyRule). */
  private readonly topUpNearSkipped = {count: 0};
  /** One handover at a time, in either role: two could pick the same link. */
  private handingOver = false;

  constructor(private readonly deps: OverlayDeps) {
    super();
    this.table = new PeerTable(deps.maxPeers);
    this.limits = {...DEFAULT_OVERLAY_LIMITS, ...deps.limits};
    this.remote = {request: deps.request, log: deps.log};
    this.random = deps.random ?? Math.random;
    this.pacer = new TopUpPacer(this.limits.topUpBackoff);
  }

  get size(): number {
    return this.table.size;
  }

  peers(): PeerInfo[] {
    return this.table.list();
  }

  // ---- joining ---------------------------------------------------------------

  /**
   * Joins the network through a contact: asks it NAME and LIST and JOINs it;
   * then, unless `hops` is 1, finds each further neighbour at the end of a
   * random walk from the contact (join-walk steps of LIST), so that links
   * land all over the network rather than around the contact. Stops when the
   * peer list is full or join-contacts peers were asked. A full filer-tui
   * peer makes room (see answerJoin).
   */
  async buildPeers(host: string, port: number, hops = 2): Promise<number> {
    const before = this.table.size;
    const walk: JoinWalk = {
      budget: this.limits.joinContacts,
      visited: new Set(),
      fullContacts: [],
    };
    const contact: PeerAddress = {host, port};
    const contactId = await this.visit(contact, walk);
    if (contactId !== undefined && hops > 1) {
      const start = {...contact, peerId: contactId};
      const nearby = this.nearbyRule();
      while (this.deps.isOpen() && this.table.room() > 0 && walk.budget > 0) {
        const next = await this.randomWalk(start, walk);
        if (next && walk.budget > 0 && !walk.visited.has(addressText(next))) {
          await this.visit(next, walk, nearby);
        }
      }
      if (walk.budget <= 0 && this.table.room() > 0) {
        limitHit(this.deps.log, 'join-contacts', contactId, 'join stopped');
      }
    }
    const first = walk.fullContacts[0];
    if (this.table.size === 0 && first && this.deps.isOpen()) {
      // Every contact was full: keep a one-way link so this node can still search.
      this.addPeer(first, `one-way link to ${first.id} (its peer list is full)`);
    }
    return this.table.size - before;
  }

  /** The GUI's Rebuild: join again through a contact, 3 hops deep. */
  rebuild(host: string, port: number): Promise<number> {
    return this.buildPeers(host, port, REBUILD_HOPS);
  }

  /** NAME, LIST and (if worth it) JOIN one peer; its id, unless unreachable or us. */
  private async visit(
    address: PeerAddress,
    walk: JoinWalk,
    nearby?: NearbyRule,
  ): Promise<string | undefined> {
    walk.visited.add(addressText(address));
    walk.budget--;
    const self = this.deps.self();
    const peerId = await askName(this.remote, address, 'cannot join through');
    if (peerId === undefined || peerId === self.id) return undefined;
    if (this.table.has(peerId)) return peerId;
    const listed = (await askList(this.remote, address)).filter(
      (peer) => peer.peerId !== self.id,
    );
    if (nearby && !(await nearby.accepts(peerId, listed))) {
      // Passed over, not refused: a later walk may end here again.
      walk.visited.delete(addressText(address));
      return peerId;
    }
    if (this.worthJoining(listed.length)) {
      const answer = await this.join(address, peerId);
      if (answer === 'full') walk.fullContacts.push({id: peerId, ...address});
    }
    return peerId;
  }

  /**
   * Prefers peers that are not near (see Neighbourhood); after
   * `near-links-skipped` near ones in a row it takes the next one anyway,
   * so that small networks, where everyone is near, still fill up.
   */
  private nearbyRule(skipped = {count: 0}): NearbyRule {
    const neighbourhood = new Neighbourhood({
      selfId: this.deps.self().id,
      neighbours: () => this.table.list(),
      listOf: async (peer) =>
        (await askList(this.remote, peer)).map((entry) => entry.peerId),
      maxLists: this.limits.joinContacts,
    });
    return {
      accepts: async (peerId, listed) => {
        // A node with fewer than two neighbours, on either side, takes any link.
        const needy = this.table.size < 2 || listed.length < 2;
        const far =
          needy ||
          (await neighbourhood.isFar(
            peerId,
            listed.map((entry) => entry.peerId),
          ));
        if (far || skipped.count >= this.limits.nearLinksSkipped) {
          skipped.count = 0;
          return true;
        }
        skipped.count++;
        return false;
      },
    };
  }

  /**
   * Walks join-walk steps from `start`, each to a random peer of the LIST of
   * the last. Returns a peer met that is not us, not a neighbour yet and not
   * in `visited` (addresses this join asked already): the last one whose
   * LIST showed a free slot (free slots are what late joiners lack), else
   * the last one. Each LIST counts against the budget.
   */
  private async randomWalk(
    start: ListedPeer,
    walk: {budget: number; visited?: ReadonlySet<string>},
  ): Promise<ListedPeer | undefined> {
    const selfId = this.deps.self().id;
    const eligible = (peer: ListedPeer): boolean =>
      peer.peerId !== selfId &&
      !this.table.has(peer.peerId) &&
      !walk.visited?.has(addressText(peer));
    let here = start;
    let found: ListedPeer | undefined;
    let roomy: ListedPeer | undefined;
    for (let step = 0; step < this.limits.joinWalk && walk.budget > 0; step++) {
      walk.budget--;
      const listed = (await askList(this.remote, here)).filter(
        (peer) => peer.peerId !== selfId,
      );
      if (eligible(here) && listed.length < this.deps.maxPeers) roomy = here;
      const next = this.pick(listed);
      if (!next) break;
      here = next;
      if (eligible(next)) found = next;
    }
    return roomy ?? found;
  }

  /**
   * A full filer-tui contact answers JOIN by handing over one of its
   * neighbours, which links to us too: two slots. With one slot left, a
   * contact that looks full is skipped rather than overfilling us.
   */
  private worthJoining(contactPeers: number): boolean {
    return (
      this.table.room() >= 2 || this.table.size === 0 || contactPeers < this.deps.maxPeers
    );
  }

  /** JOIN, then the contact becomes a neighbour if it took us. */
  private async join(
    address: PeerAddress,
    peerId: string,
  ): Promise<'joined' | 'full' | 'refused'> {
    const answer = await askJoin(this.remote, address, peerId, this.deps.self());
    if (answer !== 'accepted') return answer;
    if (this.addPeer({id: peerId, ...address}) || this.table.has(peerId)) return 'joined';
    // A handover filled the last slot meanwhile: undo the link on its side.
    this.deps.log('info', `no room left for ${peerId}; saying QUIT to it`);
    await this.sayQuit({id: peerId, ...address});
    return 'refused';
  }

  // ---- the background top-up --------------------------------------------------

  /**
   * One background look for another neighbour, while below max-peers: a
   * random walk from a random neighbour, then NAME, LIST and JOIN the peer
   * it offers (see randomWalk and nearbyRule). Paced by TopUpPacer; one look
   * at a time.
   */
  async topUp(): Promise<void> {
    // An unlimited peer list (max-peers 0) has no slot to fill.
    if (this.deps.maxPeers === 0 || this.table.room() === 0 || this.table.size === 0)
      return;
    if (!this.deps.isOpen()) return;
    if (this.topUpRunning || !this.pacer.mayLook()) return;
    this.topUpRunning = true;
    try {
      if (await this.lookForNeighbour()) this.pacer.found();
      else this.pacer.foundNone();
    } finally {
      this.topUpRunning = false;
    }
  }

  private async lookForNeighbour(): Promise<boolean> {
    const via = this.pick(this.table.list());
    if (!via) return false;
    const candidate = await this.randomWalk(
      {...via, peerId: via.id},
      {budget: this.limits.joinWalk},
    );
    if (!candidate) return false;
    const peerId = await askName(this.remote, candidate, 'top-up: cannot reach');
    if (peerId !== candidate.peerId || this.table.has(peerId)) return false;
    const selfId = this.deps.self().id;
    const theirs = (await askList(this.remote, candidate)).filter(
      (peer) => peer.peerId !== selfId,
    );
    if (!(await this.nearbyRule(this.topUpNearSkipped).accepts(peerId, theirs))) {
      return false;
    }
    if (!this.worthJoining(theirs.length)) return false;
    return (await this.join(candidate, peerId)) === 'joined';
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  // ---- handing a link over to a newcomer ------------------------------------

  /**
   * Makes room for a newcomer while full: asks a neighbour N (HAND) to link
   * to the newcomer instead of to us; once it has, N is swapped for the
   * newcomer here. The link N–us becomes N–newcomer–us: nobody loses a
   * neighbour, no path is cut, and the newcomer gains two.
   */
  private async handOver(newcomer: PeerInfo): Promise<boolean> {
    if (this.handingOver || !this.deps.isOpen()) return false;
    this.handingOver = true;
    try {
      const self = this.deps.self();
      const data = formatHandover({
        fromId: self.id,
        newcomer: {peerId: newcomer.id, host: newcomer.host, port: newcomer.port},
      });
      const neighbours = this.shuffled(
        this.table.list().filter((peer) => !this.table.isOriginal(peer.id)),
      ).slice(0, this.limits.handoverAttempts);
      for (const neighbour of neighbours) {
        const answer = await this.deps
          .request(neighbour, OverlayMessageType.handover, data, {
            timeoutMs: this.limits.handoverTimeoutMs,
            background: true,
          })
          .catch((error: unknown) => error as Error);
        if (answer instanceof Error) {
          this.deps.log(
            'debug',
            `HAND to ${neighbour.id} failed: ${describeError(answer)}`,
          );
          // It may have linked and swapped before the answer was lost: then
          // its slot here is free, and the newcomer takes it.
          if (isLocalResourceFailure(answer) || (await this.stillListsUs(neighbour))) {
            continue;
          }
          if (!this.table.replace(neighbour.id, newcomer)) return false;
          this.emit('peer-removed', neighbour, 'removed');
          this.emit('peer-added', {...newcomer});
          return true;
        }
        const first = answer[0];
        if (!first) {
          this.table.markOriginal(neighbour.id);
          continue;
        }
        if (first.type !== MessageType.reply) continue;
        if (!this.table.replace(neighbour.id, newcomer)) return false;
        this.deps.log(
          'info',
          `peer ${neighbour.id} handed over to ${newcomer.id} to make room for it`,
        );
        this.emit('peer-removed', neighbour, 'removed');
        this.emit('peer-added', {...newcomer});
        return true;
      }
      return false;
    } finally {
      this.handingOver = false;
    }
  }

  /** HAND from a neighbour: link to the newcomer it names, in its place. */
  async answerHandover(text: string, remote: string, reply: Reply): Promise<void> {
    let handover;
    try {
      handover = parseHandover(text);
    } catch {
      return reply.send(MessageType.error, HandoverText.incorrect);
    }
    const {fromId, newcomer} = handover;
    const from = this.table.get(fromId);
    if (!from) return reply.send(MessageType.error, HandoverText.notAPeer(fromId));
    if (!isSameHost(remote, from.host)) {
      return reply.send(MessageType.error, HandoverText.notFromPeer(fromId));
    }
    if (newcomer.peerId === this.deps.self().id || this.table.has(newcomer.peerId)) {
      return reply.send(MessageType.error, HandoverText.alreadyLinked(newcomer.peerId));
    }
    if (this.handingOver || !this.deps.isOpen()) {
      return reply.send(MessageType.error, HandoverText.busy);
    }
    this.handingOver = true;
    try {
      const peer = {id: newcomer.peerId, host: newcomer.host, port: newcomer.port};
      if (!(await this.linkInPlaceOf(from, peer))) {
        return await reply.send(MessageType.error, HandoverText.cannotLink(peer.id));
      }
      return await reply.send(MessageType.reply, HandoverText.linked(peer.id));
    } finally {
      this.handingOver = false;
    }
  }

  private async linkInPlaceOf(from: PeerInfo, newcomer: PeerInfo): Promise<boolean> {
    const peerId = await askName(this.remote, newcomer, 'HAND: cannot reach');
    if (peerId !== newcomer.id) return false;
    const answer = await askJoin(this.remote, newcomer, peerId, this.deps.self());
    if (answer !== 'accepted' || this.table.has(newcomer.id)) return false;
    const replaced = this.table.replace(from.id, newcomer);
    if (!replaced && !this.table.add(newcomer)) return false;
    this.deps.log(
      'info',
      `linked to ${newcomer.id} in place of ${from.id}, at its request`,
    );
    if (replaced) this.emit('peer-removed', replaced, 'removed');
    this.emit('peer-added', {...newcomer});
    return true;
  }

  private shuffled<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index--) {
      const other = Math.floor(this.random() * (index + 1));
      [items[index], items[other]] = [items[other] as T, items[index] as T];
    }
    return items;
  }

  // ---- removal, liveness, leaving ----------------------------------------------

  /** Sends QUIT to the peer, then forgets it. */
  async removePeer(peerId: string): Promise<void> {
    const peer = this.table.get(peerId);
    if (!peer)
      throw new FilerError('ERR_UNKNOWN_PEER', `${peerId} is not in the peer list`);
    // Forgotten first, so that the peer, confirming our QUIT by LIST, sees it.
    this.forgetPeer(peerId, 'removed');
    await this.sayQuit(peer);
  }

  private async sayQuit(peer: PeerInfo): Promise<void> {
    try {
      const frames = await this.deps.request(peer, MessageType.quit, this.deps.self().id);
      this.deps.log(
        'debug',
        `${peer.id} answered QUIT: ${frames[0]?.data.toString('utf8') ?? ''}`,
      );
    } catch (error) {
      this.deps.log('warn', `QUIT to ${peer.id} failed (${describeError(error)})`);
    }
  }

  /** The stabilizer: drops every peer that no longer accepts connections. */
  checkPeers(): Promise<void> {
    this.peerCheck ??= this.probeAll().finally(() => (this.peerCheck = undefined));
    return this.peerCheck;
  }

  private async probeAll(): Promise<void> {
    await Promise.all(
      this.table.list().map(async (peer) => {
        const alive = await this.deps.probe(peer);
        if (!alive && this.deps.isOpen()) this.forgetPeer(peer.id, 'unreachable');
      }),
    );
  }

  /** QUIT to every neighbour on the way out; failures do not matter any more. */
  async leave(): Promise<void> {
    const self = this.deps.self();
    const peers = this.table.list();
    // Emptied first, so that a peer confirming our QUIT by LIST sees it.
    for (const peer of peers) this.table.remove(peer.id);
    await Promise.all(
      peers.map((peer) =>
        this.deps
          .request(peer, MessageType.quit, self.id, {timeoutMs: QUIT_TIMEOUT_MS})
          .catch(() => undefined),
      ),
    );
  }

  // ---- answers to incoming requests --------------------------------------

  async answerList(reply: Reply): Promise<void> {
    const peers = this.table.list();
    await reply.send(MessageType.reply, String(peers.length));
    for (const peer of peers) {
      await reply.send(MessageType.reply, formatListEntry({peerId: peer.id, ...peer}));
    }
  }

  /**
   * The original's JOIN, except that the new peer must be what it claims
   * (NAME at the announced address answers the announced id), and that a
   * full node tries to make room by handing a neighbour over to it before it
   * says "too many".
   */
  async answerJoin(text: string, reply: Reply): Promise<void> {
    let join;
    try {
      join = parseJoin(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.joinIncorrect);
    }
    const peer = {id: join.peerId, host: join.host, port: join.port};
    const isNew = join.peerId !== this.deps.self().id && !this.table.has(join.peerId);
    if (this.table.isFull()) {
      if (isNew && (await this.isConfirmed(peer)) && (await this.handOver(peer))) {
        return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
      }
      return reply.send(MessageType.error, ReplyText.joinTooMany);
    }
    if (!isNew) {
      return reply.send(MessageType.error, ReplyText.joinAlreadyInserted(join.peerId));
    }
    if (!(await this.isConfirmed(peer))) {
      return reply.send(MessageType.error, OverlayReplyText.joinNotConfirmed(peer.id));
    }
    if (this.addPeer(peer)) {
      return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
    }
    // Another JOIN took the last slot, or this one, while NAME was asked.
    return this.table.isFull()
      ? reply.send(MessageType.error, ReplyText.joinTooMany)
      : reply.send(MessageType.error, ReplyText.joinAlreadyInserted(join.peerId));
  }

  /** Forged ids fill no peer list: the announced address must answer NAME with the id. */
  private async isConfirmed(peer: PeerInfo): Promise<boolean> {
    const answer = await askName(this.remote, peer, 'JOIN not confirmed by', {
      background: true,
    });
    if (answer === peer.id) return true;
    if (answer !== undefined) {
      this.deps.log('warn', `JOIN not confirmed: ${peer.id} answers NAME as ${answer}`);
    }
    return false;
  }

  /**
   * QUIT is taken only from the named peer's own address, and acted on only
   * once the peer confirms it: it no longer accepts connections or no
   * longer lists this node (checked again after quitRecheckMs, since the
   * original unlinks only after our answer). So a stranger cannot cut links.
   */
  async answerQuit(text: string, remote: string, reply: Reply): Promise<void> {
    const peerId = parseQuit(text);
    const peer = this.table.get(peerId);
    if (!peer) return reply.send(MessageType.error, ReplyText.quitNotFound(peerId));
    if (!isSameHost(remote, peer.host)) {
      this.deps.log('warn', `QUIT for ${peerId} from ${remote} ignored: not its address`);
      return reply.send(MessageType.error, OverlayReplyText.quitNotFromPeer(peerId));
    }
    await reply.send(MessageType.reply, ReplyText.quitRemoved(peerId));
    void this.confirmQuit(peer);
  }

  private async confirmQuit(peer: PeerInfo): Promise<void> {
    if (this.quitChecks.has(peer.id)) return;
    this.quitChecks.add(peer.id);
    try {
      for (const wait of [0, this.limits.quitRecheckMs]) {
        if (wait > 0) await unrefDelay(wait);
        if (!this.deps.isOpen() || !this.table.has(peer.id)) return;
        if (!(await this.stillListsUs(peer))) {
          this.forgetPeer(peer.id, 'quit');
          return;
        }
      }
      this.deps.log('warn', `QUIT for ${peer.id} ignored: it still lists this node`);
    } finally {
      this.quitChecks.delete(peer.id);
    }
  }

  private async stillListsUs(peer: PeerInfo): Promise<boolean> {
    const selfId = this.deps.self().id;
    const listed = await askList(this.remote, peer, {background: true});
    return listed.some((entry) => entry.peerId === selfId);
  }

  private addPeer(peer: PeerInfo, message = `peer added: ${peer.id}`): boolean {
    if (!this.table.add(peer)) return false;
    this.deps.log('info', message);
    this.emit('peer-added', {...peer});
    return true;
  }

  private forgetPeer(peerId: string, reason: PeerRemovedReason): void {
    const peer = this.table.remove(peerId);
    if (!peer) return;
    // A free slot: the next top-up tick looks for a new neighbour at once.
    this.pacer.reset();
    const why = {quit: 'it left', unreachable: 'unreachable', removed: 'removed'}[reason];
    this.deps.log(
      reason === 'unreachable' ? 'warn' : 'info',
      `peer removed: ${peerId} (${why})`,
    );
    this.emit('peer-removed', peer, reason);
  }
}
