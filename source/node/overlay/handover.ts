/**
 * The handover (docs/overlay.md, "A full node makes room: handover"): a
 * full node asks a neighbour M (HAND) to link to a newcomer in its place,
 * so the link M–us becomes M–newcomer–us; and the answer to such a HAND.
 * One handover at a time per node, in either role: two could pick the same
 * link.
 */
import {describeError, isLocalResourceFailure} from '../../protocol/errors.js';
import {MessageType} from '../../protocol/messages.js';
import {
  formatHandover,
  HandoverText,
  OverlayMessageType,
  parseHandover,
} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import {shuffled, type OverlayContext} from './overlay-context.js';
import {askJoin, askName, stillLists} from './remote-peer.js';
import {isSameHost} from './same-host.js';

export class Handover {
  private busy = false;

  constructor(private readonly context: OverlayContext) {}

  /**
   * Makes room for a newcomer while full: asks a neighbour N (HAND) to link
   * to the newcomer instead of to us; once it has, N is swapped for the
   * newcomer here. Nobody loses a neighbour, no path is cut, and the
   * newcomer gains two. False when no neighbour would.
   */
  async makeRoomFor(newcomer: PeerInfo): Promise<boolean> {
    const {deps, limits, neighbours, random} = this.context;
    if (this.busy || !deps.isOpen()) return false;
    this.busy = true;
    try {
      const self = deps.self();
      const data = formatHandover({
        fromId: self.id,
        newcomer: {peerId: newcomer.id, host: newcomer.host, port: newcomer.port},
      });
      const table = neighbours.table;
      const candidates = shuffled(
        random,
        table.list().filter((peer) => !table.isOriginal(peer.id)),
      ).slice(0, limits.handoverAttempts);
      for (const neighbour of candidates) {
        const answer = await deps
          .request(neighbour, OverlayMessageType.handover, data, {
            timeoutMs: limits.handoverTimeoutMs,
            background: true,
          })
          .catch((error: unknown) => error as Error);
        if (answer instanceof Error) {
          deps.log('debug', `HAND to ${neighbour.id} failed: ${describeError(answer)}`);
          // It may have linked and swapped before the answer was lost: then
          // its slot here is free, and the newcomer takes it.
          if (
            isLocalResourceFailure(answer) ||
            (await stillLists(this.context.remote, neighbour, self.id))
          ) {
            continue;
          }
          return neighbours.swap(neighbour.id, newcomer);
        }
        const first = answer[0];
        if (!first) {
          table.markOriginal(neighbour.id);
          continue;
        }
        if (first.type !== MessageType.reply) continue;
        return neighbours.swap(
          neighbour.id,
          newcomer,
          `peer ${neighbour.id} handed over to ${newcomer.id} to make room for it`,
        );
      }
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** HAND from a neighbour: link to the newcomer it names, in its place. */
  async answer(text: string, remote: string, reply: Reply): Promise<void> {
    const {deps, neighbours} = this.context;
    let handover;
    try {
      handover = parseHandover(text);
    } catch {
      return reply.send(MessageType.error, HandoverText.incorrect);
    }
    const {fromId, newcomer} = handover;
    const from = neighbours.table.get(fromId);
    if (!from) return reply.send(MessageType.error, HandoverText.notAPeer(fromId));
    if (!isSameHost(remote, from.host)) {
      return reply.send(MessageType.error, HandoverText.notFromPeer(fromId));
    }
    if (newcomer.peerId === deps.self().id || neighbours.table.has(newcomer.peerId)) {
      return reply.send(MessageType.error, HandoverText.alreadyLinked(newcomer.peerId));
    }
    if (this.busy || !deps.isOpen()) {
      return reply.send(MessageType.error, HandoverText.busy);
    }
    this.busy = true;
    try {
      const peer = {id: newcomer.peerId, host: newcomer.host, port: newcomer.port};
      if (!(await this.linkInPlaceOf(from, peer))) {
        return await reply.send(MessageType.error, HandoverText.cannotLink(peer.id));
      }
      return await reply.send(MessageType.reply, HandoverText.linked(peer.id));
    } finally {
      this.busy = false;
    }
  }

  private async linkInPlaceOf(from: PeerInfo, newcomer: PeerInfo): Promise<boolean> {
    const {deps, remote, neighbours} = this.context;
    const peerId = await askName(remote, newcomer, 'HAND: cannot reach');
    if (peerId !== newcomer.id) return false;
    const answer = await askJoin(remote, newcomer, peerId, deps.self());
    if (answer !== 'accepted' || neighbours.table.has(newcomer.id)) return false;
    const message = `linked to ${newcomer.id} in place of ${from.id}, at its request`;
    return (
      neighbours.swap(from.id, newcomer, message) || neighbours.add(newcomer, message)
    );
  }
}
