/**
 * The answers to another peer's LIST and JOIN. JOIN is the original's,
 * except that the new peer must be what it claims, and that a full node
 * first tries to make room by a handover.
 */
import {
  formatListEntry,
  MessageType,
  parseJoin,
  ReplyText,
} from '../../protocol/messages.js';
import {OverlayReplyText} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import type {Handover} from './handover.js';
import type {OverlayContext} from './overlay-context.js';
import type {Cedes} from './cedes.js';
import {confirmsId} from './remote-peer.js';

export class JoinAnswers {
  constructor(
    private readonly context: OverlayContext,
    private readonly handover: Handover,
    private readonly cedes: Cedes,
  ) {}

  async answerList(reply: Reply): Promise<void> {
    const peers = this.context.neighbours.table.list();
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
    const {deps, neighbours} = this.context;
    const table = neighbours.table;
    let join;
    try {
      join = parseJoin(text);
    } catch {
      return reply.send(MessageType.error, ReplyText.joinIncorrect);
    }
    const peer = {id: join.peerId, host: join.host, port: join.port};
    if (await this.takeCeded(peer)) {
      return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
    }
    const isNew = join.peerId !== deps.self().id && !table.has(join.peerId);
    if (table.isFull()) {
      if (
        isNew &&
        (await this.isConfirmed(peer)) &&
        (await this.handover.makeRoomFor(peer))
      ) {
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
    if (neighbours.add(peer)) {
      return reply.send(MessageType.reply, ReplyText.joinAdded(join.peerId));
    }
    // Another JOIN took the last slot, or this one, while NAME was asked.
    return table.isFull()
      ? reply.send(MessageType.error, ReplyText.joinTooMany)
      : reply.send(MessageType.error, ReplyText.joinAlreadyInserted(join.peerId));
  }

  private isConfirmed(peer: PeerInfo): Promise<boolean> {
    return confirmsId(this.context.remote, peer);
  }

  /**
   * A JOIN from the peer a neighbour ceded its slot to (CEDE, see
   * rewiring.ts): it takes that neighbour's place, full or not.
   */
  private async takeCeded(peer: PeerInfo): Promise<boolean> {
    const {neighbours, now} = this.context;
    const cededBy = this.cedes.take(peer.id, now());
    if (cededBy === undefined || !neighbours.table.has(cededBy)) return false;
    if (neighbours.table.has(peer.id) || !(await this.isConfirmed(peer))) return false;
    return neighbours.swap(
      cededBy,
      peer,
      `linked to ${peer.id} in place of ${cededBy}, which ceded its slot`,
    );
  }
}
