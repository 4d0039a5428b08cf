/**
 * Rewiring (docs/overlay.md, "Rewiring"): a full node trades its most
 * redundant link A–B and a far node F's link F–G for A–F and B–G. Every
 * node keeps its number of neighbours; short cycles around A give way to a
 * link to a node more than three hops away, so a query's four hops reach
 * more distinct nodes. Only between filer-tui peers (CEDE, SWAP, HAND):
 * an original peer answers none of them and is never traded away.
 *
 * A (here): asks the LISTs three hops deep (LocalView), picks B, walks to
 * a far full F, picks the G of F's that makes the new link least
 * redundant, and trades only if A–F overlaps less than A–B did. Then
 * `CEDE A G` to B (B will take G's JOIN in A's place), `SWAP A … G B …` to
 * F: F asks G (HAND) to link to B in its place, G JOINs B, B swaps A for
 * G, G swaps F for B, F swaps G for A, and A swaps B for F.
 */
import {describeError} from '../../protocol/errors.js';
import {MessageType} from '../../protocol/messages.js';
import {
  CedeText,
  formatCede,
  formatSwap,
  OverlayMessageType,
  parseCede,
} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import type {Cedes} from './cedes.js';
import {LocalView, type PeerLists} from './local-view.js';
import {pick, type OverlayContext} from './overlay-context.js';
import {askList, sayQuit, stillLists, type ListedPeer} from './remote-peer.js';
import {isSameHost} from './same-host.js';
import {TopUpPacer} from './top-up-pacer.js';

/** The trade a look settled on. */
type Trade = {drop: PeerInfo; far: PeerInfo; farDrop: string};

export class Rewiring {
  private readonly pacer: TopUpPacer;
  private running = false;

  constructor(
    private readonly context: OverlayContext,
    private readonly cedes: Cedes,
  ) {
    this.pacer = new TopUpPacer(context.limits.topUpBackoff);
  }

  /** One background tick while full: a look, paced like the top-up. */
  async tick(): Promise<void> {
    if (this.running || !this.pacer.mayLook()) return;
    if (await this.look()) this.pacer.found();
    else this.pacer.foundNone();
  }

  /** One look for a better placed link; true when a trade was made. */
  async look(): Promise<boolean> {
    const {deps, neighbours, lock} = this.context;
    if (deps.maxPeers === 0 || !neighbours.table.isFull() || !deps.isOpen()) return false;
    if (this.running) return false;
    this.running = true;
    try {
      const trade = await this.findTrade();
      if (!trade) return false;
      return (await lock.run(() => this.make(trade))) ?? false;
    } catch (error) {
      deps.log('debug', `rewiring: ${describeError(error)}`);
      return false;
    } finally {
      this.running = false;
    }
  }

  private async findTrade(): Promise<Trade | undefined> {
    const {deps, limits, remote, neighbours, random} = this.context;
    const selfId = deps.self().id;
    const table = neighbours.table;
    let budget = limits.joinContacts;
    const lists = new Map<string, readonly string[]>();
    const addresses = new Map<string, ListedPeer>();
    const listOf = async (peer: ListedPeer): Promise<ListedPeer[]> => {
      if (budget <= 0) return [];
      budget--;
      const listed = await askList(remote, peer, {background: true});
      lists.set(
        peer.peerId,
        listed.map((entry) => entry.peerId),
      );
      for (const entry of listed) addresses.set(entry.peerId, entry);
      return listed;
    };
    const mine = table.list();
    const mineIds = mine.map((peer) => peer.id);
    await Promise.all(mine.map((peer) => listOf({...peer, peerId: peer.id})));
    const second = new Set([...lists.values()].flat());
    for (const id of [selfId, ...mineIds]) second.delete(id);
    await Promise.all(
      [...second].flatMap((id) => {
        const address = addresses.get(id);
        return address ? [listOf(address)] : [];
      }),
    );
    const view = new LocalView(selfId, mineIds, lists);
    const redundant = view.mostRedundant(mineIds.filter((id) => !table.isOriginal(id)));
    const drop = redundant && table.get(redundant.id);
    if (!redundant || !drop) return undefined;

    // A random walk from another neighbour to a full peer beyond 3 hops.
    const near = view.within(3);
    const start = pick(
      random,
      mine.filter((peer) => peer.id !== drop.id),
    );
    if (!start) return undefined;
    let here: ListedPeer = {...start, peerId: start.id};
    // Walks on while still near (those steps cost no LIST), at most twice as far.
    for (
      let step = 0;
      (step < limits.joinWalk || near.has(here.peerId)) &&
      step < 2 * limits.joinWalk &&
      budget > 0;
      step++
    ) {
      const known = lists.get(here.peerId);
      const next = pick(
        random,
        (known ?? (await listOf(here)).map((entry) => entry.peerId)).filter(
          (id) => id !== selfId,
        ),
      );
      const address = next === undefined ? undefined : addresses.get(next);
      if (!address) break;
      here = address;
    }
    if (near.has(here.peerId)) return undefined;
    const farList = await listOf(here);
    if (farList.length < deps.maxPeers) return undefined;

    // The G of F's whose place B takes: not near B, and leaving A–F least redundant.
    const nearDrop = new Set([...view.within(1), ...ballOfNeighbour(lists, drop.id)]);
    const others = farList.filter((entry) => !nearDrop.has(entry.peerId));
    if (others.length === 0) return undefined;
    await Promise.all(farList.map((entry) => listOf(entry)));
    let best: {farDrop: string; overlap: number} | undefined;
    for (const candidate of others) {
      const kept = farList.filter((entry) => entry.peerId !== candidate.peerId);
      const around = new Set([here.peerId]);
      for (const entry of kept) {
        around.add(entry.peerId);
        for (const id of lists.get(entry.peerId) ?? [])
          if (id !== here.peerId) around.add(id);
      }
      const overlap = view.overlapInstead(drop.id, around);
      if (!best || overlap < best.overlap) best = {farDrop: candidate.peerId, overlap};
    }
    if (!best || best.overlap >= redundant.overlap) return undefined;
    return {
      drop,
      far: {id: here.peerId, host: here.host, port: here.port},
      farDrop: best.farDrop,
    };
  }

  /** CEDE to B, SWAP to F; on a lost answer, whatever the others did is followed. */
  private async make({drop, far, farDrop}: Trade): Promise<boolean> {
    const {deps, limits, remote, neighbours} = this.context;
    const table = neighbours.table;
    const self = deps.self();
    if (!table.has(drop.id) || table.has(far.id)) return false;
    const timeoutMs = limits.handoverTimeoutMs;
    const ceded = await deps
      .request(
        drop,
        OverlayMessageType.cede,
        formatCede({fromId: self.id, newcomerId: farDrop}),
        {
          timeoutMs,
          background: true,
        },
      )
      .catch((error: unknown) => error as Error);
    if (ceded instanceof Error) return false;
    if (!ceded[0]) {
      table.markOriginal(drop.id);
      return false;
    }
    if (ceded[0].type !== MessageType.reply) return false;
    const swap = formatSwap({
      from: {peerId: self.id, host: self.host, port: self.port},
      dropId: farDrop,
      newcomer: {peerId: drop.id, host: drop.host, port: drop.port},
    });
    const answer = await deps
      .request(far, OverlayMessageType.swap, swap, {
        timeoutMs: 3 * timeoutMs,
        background: true,
      })
      .catch((error: unknown) => error as Error);
    const message = `traded ${drop.id} (now linked to ${farDrop}) for ${far.id}`;
    if (!(answer instanceof Error) && answer[0]?.type === MessageType.reply) {
      return neighbours.swap(drop.id, far, message);
    }
    // Refused, or the answer was lost: follow what B and F did.
    const [farListsUs, dropListsUs] = await Promise.all([
      stillLists(remote, far, self.id),
      stillLists(remote, drop, self.id),
    ]);
    if (!dropListsUs && farListsUs) return neighbours.swap(drop.id, far, message);
    if (!dropListsUs) neighbours.forget(drop.id, 'removed');
    else if (farListsUs) await sayQuit(remote, far, self.id);
    return false;
  }

  /** CEDE from a neighbour: it will leave us; take the JOIN of the peer it names in its place. */
  async answerCede(text: string, remote: string, reply: Reply): Promise<void> {
    const {deps, limits, neighbours, lock, now} = this.context;
    let cede;
    try {
      cede = parseCede(text);
    } catch {
      return reply.send(MessageType.error, CedeText.incorrect);
    }
    const from = neighbours.table.get(cede.fromId);
    if (!from) return reply.send(MessageType.error, CedeText.notAPeer(cede.fromId));
    if (!isSameHost(remote, from.host)) {
      return reply.send(MessageType.error, CedeText.notFromPeer(cede.fromId));
    }
    if (cede.newcomerId === deps.self().id || neighbours.table.has(cede.newcomerId)) {
      return reply.send(MessageType.error, CedeText.alreadyLinked(cede.newcomerId));
    }
    if (lock.busy || !deps.isOpen()) return reply.send(MessageType.error, CedeText.busy);
    // Valid for the whole trade: the SWAP's HAND and its JOIN.
    const at = now();
    this.cedes.expect(from.id, cede.newcomerId, at + 3 * limits.handoverTimeoutMs, at);
    return reply.send(MessageType.reply, CedeText.expecting(cede.newcomerId));
  }
}

/** Nodes within 2 hops of a neighbour of ours (its peers and theirs). */
function ballOfNeighbour(lists: PeerLists, id: string): Set<string> {
  const ball = new Set([id]);
  for (const peer of lists.get(id) ?? []) {
    ball.add(peer);
    for (const further of lists.get(peer) ?? []) ball.add(further);
  }
  return ball;
}
