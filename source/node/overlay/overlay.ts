/**
 * The overlay: which peers this node keeps as neighbours. Joining (the
 * original's buildpeers), the answers to JOIN, LIST and QUIT, liveness checks
 * and leaving. Talks to other peers only through the `request` and `probe`
 * it is given.
 */
import {describeError, FilerError, UnexpectedReplyError} from '../../protocol/errors.js';
import type {Frame} from '../../protocol/frame.js';
import {
  formatJoin,
  formatListEntry,
  isValidPeerId,
  MessageType,
  parseJoin,
  parseListCount,
  parseListEntry,
  parseQuit,
  ReplyText,
  type PeerAddress,
} from '../../protocol/messages.js';
import type {Identity, Log, Reply, Request} from '../collaborators.js';
import {addressText, expectReplyText} from '../net/peer-client.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {PeerInfo, PeerRemovedReason} from '../types.js';
import {PeerTable} from './peer-table.js';

export type OverlayEvents = {
  'peer-added': [peer: PeerInfo];
  'peer-removed': [peer: PeerInfo, reason: PeerRemovedReason];
};

export type OverlayDeps = {
  self: () => Identity;
  isOpen: () => boolean;
  maxPeers: number;
  request: Request;
  /** True when the peer still accepts connections. */
  probe: (address: PeerAddress) => Promise<boolean>;
  log: Log;
};

/** Hops of the GUI's Rebuild, as the original. */
export const REBUILD_HOPS = 3;
/** QUIT on the way out must not hold the close up for long. */
export const QUIT_TIMEOUT_MS = 1_000;

type ListedPeer = PeerAddress & {peerId: string};

export class Overlay extends TypedEmitter<OverlayEvents> {
  private readonly table: PeerTable;
  private peerCheck: Promise<void> | undefined;

  constructor(private readonly deps: OverlayDeps) {
    super();
    this.table = new PeerTable(deps.maxPeers);
  }

  get size(): number {
    return this.table.size;
  }

  peers(): PeerInfo[] {
    return this.table.list();
  }

  /**
   * Joins the network through a contact, depth first, as the original's
   * buildpeers; but a full contact is still asked for its LIST, so nodes that
   * join one after another do not end up in separate islands.
   */
  async buildPeers(host: string, port: number, hops = 2): Promise<number> {
    const before = this.table.size;
    const fullContacts: PeerInfo[] = [];
    await this.buildFrom({host, port}, hops, new Set(), fullContacts);
    const first = fullContacts[0];
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

  private async buildFrom(
    address: PeerAddress,
    hops: number,
    visited: Set<string>,
    fullContacts: PeerInfo[],
  ): Promise<void> {
    const contact = addressText(address);
    if (!this.deps.isOpen() || this.table.isFull() || hops <= 0 || visited.has(contact))
      return;
    visited.add(contact);
    const self = this.deps.self();
    let peerId: string;
    try {
      const frames = await this.deps.request(address, MessageType.name);
      peerId = expectReplyText(address, frames, 'NAME');
      if (!isValidPeerId(peerId)) {
        throw new UnexpectedReplyError(contact, 'NAME reply is not a valid host:port');
      }
    } catch (error) {
      this.deps.log('warn', `cannot join through ${contact}: ${describeError(error)}`);
      return;
    }
    if (peerId === self.id) return;
    if (!this.table.has(peerId)) {
      const outcome = await this.askToJoin(address, peerId);
      if (outcome === 'refused') return;
      if (outcome === 'full') fullContacts.push({id: peerId, ...address});
    }
    for (const next of await this.listPeersOf(address)) {
      if (next.peerId === self.id) continue;
      await this.buildFrom(next, hops - 1, visited, fullContacts);
    }
  }

  private async askToJoin(
    address: PeerAddress,
    peerId: string,
  ): Promise<'joined' | 'full' | 'refused'> {
    const self = this.deps.self();
    const joinData = formatJoin({peerId: self.id, host: self.host, port: self.port});
    const reply = await this.deps
      .request(address, MessageType.join, joinData)
      .catch((error: unknown) => error as Error);
    const joinReply = reply instanceof Error ? undefined : reply[0];
    const replyText = joinReply?.data.toString('utf8') ?? '';
    if (
      joinReply?.type === MessageType.reply ||
      replyText.startsWith('Join: peer already')
    ) {
      // "already inserted" means the contact lists us: the link exists both ways.
      this.addPeer({id: peerId, ...address});
      return 'joined';
    }
    if (replyText === ReplyText.joinTooMany) {
      this.deps.log('info', `${peerId} is full; asking it for its peers`);
      return 'full';
    }
    const reason =
      reply instanceof Error ? describeError(reply) : replyText || 'no reply';
    this.deps.log('warn', `${peerId} refused JOIN: ${reason}`);
    return 'refused';
  }

  /** LIST of a remote peer; malformed entries are skipped. */
  private async listPeersOf(address: PeerAddress): Promise<ListedPeer[]> {
    let frames: Frame[];
    try {
      frames = await this.deps.request(address, MessageType.list);
    } catch (error) {
      this.deps.log(
        'warn',
        `LIST from ${addressText(address)} failed: ${describeError(error)}`,
      );
      return [];
    }
    const [countFrame, ...entryFrames] = frames;
    if (countFrame?.type !== MessageType.reply) return [];
    let count: number;
    try {
      count = Math.min(
        parseListCount(countFrame.data.toString('utf8')),
        entryFrames.length,
      );
    } catch (error) {
      this.deps.log('warn', `LIST from ${addressText(address)}: ${describeError(error)}`);
      return [];
    }
    const entries: ListedPeer[] = [];
    for (const frame of entryFrames.slice(0, count)) {
      try {
        entries.push(parseListEntry(frame.data.toString('utf8')));
      } catch {
        this.deps.log(
          'warn',
          `skipped a malformed LIST entry from ${addressText(address)}`,
        );
      }
    }
    return entries;
  }

  /** Sends QUIT to the peer, then forgets it. */
  async removePeer(peerId: string): Promise<void> {
    const peer = this.table.get(peerId);
    if (!peer)
      throw new FilerError('ERR_UNKNOWN_PEER', `${peerId} is not in the peer list`);
    try {
      const frames = await this.deps.request(peer, MessageType.quit, this.deps.self().id);
      this.deps.log(
        'debug',
        `${peerId} answered QUIT: ${frames[0]?.data.toString('utf8') ?? ''}`,
      );
    } catch (error) {
      this.deps.log(
        'warn',
        `QUIT to ${peerId} failed (${describeError(error)}); removed anyway`,
      );
    }
    this.forgetPeer(peerId, 'removed');
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
    await Promise.all(
      this.table
        .list()
        .map((peer) =>
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

  async answerJoin(text: string, reply: Reply): Promise<void> {
    let join;
    try {
      join = parseJoin(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.joinIncorrect);
    }
    if (this.table.isFull()) return reply.send(MessageType.error, ReplyText.joinTooMany);
    const peer = {id: join.peerId, host: join.host, port: join.port};
    if (join.peerId !== this.deps.self().id && this.addPeer(peer)) {
      return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
    }
    return reply.send(MessageType.error, ReplyText.joinAlreadyInserted(join.peerId));
  }

  async answerQuit(text: string, reply: Reply): Promise<void> {
    const peerId = parseQuit(text);
    if (!this.table.has(peerId)) {
      return reply.send(MessageType.error, ReplyText.quitNotFound(peerId));
    }
    await reply.send(MessageType.reply, ReplyText.quitRemoved(peerId));
    this.forgetPeer(peerId, 'quit');
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
    const why = {quit: 'it left', unreachable: 'unreachable', removed: 'removed'}[reason];
    this.deps.log(
      reason === 'unreachable' ? 'warn' : 'info',
      `peer removed: ${peerId} (${why})`,
    );
    this.emit('peer-removed', peer, reason);
  }
}
