/**
 * The handover (docs/overlay.md, "A full node makes room: handover"): a
 * node asks a neighbour M (HAND) to link to another peer in its place, so
 * the link M–us becomes M–newcomer; M answers such a HAND. Used by a full
 * node that makes room for a newcomer (M–us becomes M–newcomer–us), and by
 * the far side of a trade of links (SWAP, see rewiring.ts).
 */
import {describeError, isLocalResourceFailure} from '../../protocol/errors.js';
import {MessageType} from '../../protocol/messages.js';
import {
  formatHandover,
  HandoverText,
  OverlayMessageType,
  parseHandover,
  parseSwap,
  SwapText,
} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import {shuffled, type OverlayContext} from './overlay-context.js';
import {askJoin, askName, confirmsId, stillLists} from './remote-peer.js';
import {isSameHost} from './same-host.js';
import {noMoreRedundant} from './survey.js';

/**
 * What became of a HAND: `linked` (answered), `unlinked` (the answer was
 * lost but the neighbour no longer lists us: it swapped, or is gone),
 * `original` (it closed: it knows no HAND), `refused`.
 */
type HandOutcome = 'linked' | 'unlinked' | 'original' | 'refused';

export class Handover {
  constructor(private readonly context: OverlayContext) {}

  /**
   * Makes room for a newcomer while full: asks a neighbour N (HAND) to link
   * to the newcomer instead of to us; once it has, N is swapped for the
   * newcomer here. Nobody loses a neighbour, no path is cut, and the
   * newcomer gains two. False when no neighbour would.
   */
  async makeRoomFor(newcomer: PeerInfo): Promise<boolean> {
    const {deps, limits, neighbours, random, lock} = this.context;
    if (!deps.isOpen()) return false;
    const made = await lock.run(async () => {
      const table = neighbours.table;
      const candidates = shuffled(
        random,
        table.list().filter((peer) => !table.isOriginal(peer.id)),
      ).slice(0, limits.handoverAttempts);
      for (const neighbour of candidates) {
        const outcome = await this.handTo(neighbour, newcomer);
        if (outcome === 'unlinked') return neighbours.swap(neighbour.id, newcomer);
        if (outcome !== 'linked') continue;
        return neighbours.swap(
          neighbour.id,
          newcomer,
          `peer ${neighbour.id} handed over to ${newcomer.id} to make room for it`,
        );
      }
      return false;
    });
    return made ?? false;
  }

  /** Asks `neighbour` (HAND) to link to `newcomer` in this node's place. */
  private async handTo(neighbour: PeerInfo, newcomer: PeerInfo): Promise<HandOutcome> {
    const {deps, limits, remote, neighbours} = this.context;
    const self = deps.self();
    const data = formatHandover({
      fromId: self.id,
      newcomer: {peerId: newcomer.id, host: newcomer.host, port: newcomer.port},
    });
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
      const kept =
        isLocalResourceFailure(answer) || (await stillLists(remote, neighbour, self.id));
      return kept ? 'refused' : 'unlinked';
    }
    const first = answer[0];
    if (!first) {
      neighbours.table.markOriginal(neighbour.id);
      return 'original';
    }
    return first.type === MessageType.reply ? 'linked' : 'refused';
  }

  /** HAND from a neighbour: link to the newcomer it names, in its place. */
  async answer(text: string, remote: string, reply: Reply): Promise<void> {
    const {deps, neighbours, lock} = this.context;
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
    if (lock.busy || !deps.isOpen()) {
      return reply.send(MessageType.error, HandoverText.busy);
    }
    const peer = {id: newcomer.peerId, host: newcomer.host, port: newcomer.port};
    const linked = await lock.run(() => this.linkInPlaceOf(from, peer));
    if (linked === undefined) return reply.send(MessageType.error, HandoverText.busy);
    return linked
      ? reply.send(MessageType.reply, HandoverText.linked(peer.id))
      : reply.send(MessageType.error, HandoverText.cannotLink(peer.id));
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

  /**
   * SWAP (the far side of a trade, see rewiring.ts): the sender A asks to
   * be linked here in place of our neighbour G, and G to link to A's
   * neighbour B instead (HAND). G–us and A–B become G–B and A–us: nobody
   * gains or loses a neighbour.
   */
  async answerSwap(text: string, reply: Reply): Promise<void> {
    const {deps, neighbours, lock} = this.context;
    const table = neighbours.table;
    let swap;
    try {
      swap = parseSwap(text);
    } catch {
      return reply.send(MessageType.error, SwapText.incorrect);
    }
    const from = {id: swap.from.peerId, host: swap.from.host, port: swap.from.port};
    const newcomer = {
      id: swap.newcomer.peerId,
      host: swap.newcomer.host,
      port: swap.newcomer.port,
    };
    const selfId = deps.self().id;
    for (const id of [from.id, newcomer.id]) {
      if (id === selfId || table.has(id)) {
        return reply.send(MessageType.error, SwapText.alreadyLinked(id));
      }
    }
    const drop = table.get(swap.dropId);
    if (!drop || table.isOriginal(drop.id)) {
      return reply.send(MessageType.error, SwapText.notAPeer(swap.dropId));
    }
    if (lock.busy || !deps.isOpen()) return reply.send(MessageType.error, SwapText.busy);
    const sender = {peerId: from.id, host: from.host, port: from.port};
    // Under the lock, checks included: SWAPs from anyone cost one check at a time.
    const refusal = await lock.run(async () => {
      if (!(await confirmsId(this.context.remote, from))) {
        return SwapText.notConfirmed(from.id);
      }
      if (!(await noMoreRedundant(this.context, drop.id, sender, newcomer.id))) {
        return SwapText.noBetter;
      }
      const outcome = await this.handTo(drop, newcomer);
      const message = `linked to ${from.id} in place of ${drop.id}, which took ${newcomer.id}`;
      const swapped =
        (outcome === 'linked' || outcome === 'unlinked') &&
        neighbours.swap(drop.id, from, message);
      return swapped ? undefined : SwapText.cannotLink(newcomer.id);
    }, SwapText.busy);
    return refusal === undefined
      ? reply.send(MessageType.reply, SwapText.linked(from.id))
      : reply.send(MessageType.error, refusal);
  }
}
