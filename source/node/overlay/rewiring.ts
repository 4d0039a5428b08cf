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
import {MessageType, parsePeerId} from '../../protocol/messages.js';
import {
  CedeText,
  formatCede,
  formatSwap,
  OverlayMessageType,
  parseCede,
  SwapText,
} from '../../protocol/overlay-messages.js';
import type {Reply} from '../collaborators.js';
import type {PeerInfo} from '../types.js';
import type {Cedes} from './cedes.js';
import {pick, type OverlayContext} from './overlay-context.js';
import {sayQuit, stillLists} from './remote-peer.js';
import {noMoreRedundant, Survey} from './survey.js';
import {isSameHost} from './same-host.js';
import {TopUpPacer} from './top-up-pacer.js';

/** Far peers a look walks to before it gives up (each costs up to 1 + max-peers LISTs). */
const FAR_PEERS_TRIED = 3;
/** G's offered to B (CEDE) in one look, while B answers "no better". */
const CEDES_TRIED = 2;

/** A trade made, not made, or refused for now by a busy party (or B's side). */
type Outcome = boolean | 'busy' | 'no better';

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

  /**
   * One background tick while full: a look, paced like the top-up; a look
   * that met a busy party is not counted as fruitless (tried again next tick).
   */
  async tick(): Promise<void> {
    if (this.running || !this.pacer.mayLook()) return;
    const outcome = await this.lookOnce();
    if (outcome === true) this.pacer.found();
    else if (outcome !== 'busy') this.pacer.foundNone();
  }

  /** One look for a better placed link; true when a trade was made. */
  async look(): Promise<boolean> {
    return (await this.lookOnce()) === true;
  }

  private async lookOnce(): Promise<Outcome> {
    const {deps, neighbours, lock} = this.context;
    if (deps.maxPeers === 0 || !neighbours.table.isFull() || !deps.isOpen()) return false;
    if (this.running) return false;
    this.running = true;
    try {
      const trades = await this.findTrades();
      if (trades.length === 0) return false;
      return await lock.run(async () => {
        // B checks its own side: if the first G would not do for it, the next may.
        let outcome: Outcome = false;
        for (const trade of trades) {
          outcome = await this.make(trade);
          if (outcome !== 'no better') return outcome;
        }
        return outcome;
      }, 'busy' as const);
    } catch (error) {
      deps.log('debug', `rewiring: ${describeError(error)}`);
      return false;
    } finally {
      this.running = false;
    }
  }

  /** Trades that would help this node, best first (one B, one F, several G). */
  private async findTrades(): Promise<Trade[]> {
    const {deps, limits, remote, neighbours, random, views, now} = this.context;
    const table = neighbours.table;
    const survey = new Survey(remote, limits.joinContacts, deps.self().id, {
      views,
      now: now(),
    });
    const mine = table.list();
    const view = await survey.view(mine);
    const redundant = view.mostRedundant(
      mine.map((peer) => peer.id).filter((id) => !table.isOriginal(id)),
    );
    const drop = redundant && table.get(redundant.id);
    if (!redundant || !drop) return [];
    const near = view.within(3);
    // Not near B, so that B–G closes no short cycle either.
    const nearDrop = new Set([...view.within(1), ...survey.ballOf(drop.id, 2)]);
    const starts = mine.filter((peer) => peer.id !== drop.id);
    for (let walk = 0; walk < FAR_PEERS_TRIED && survey.budget > 0; walk++) {
      const start = pick(random, starts);
      if (!start) return [];
      const far = await survey.walk(
        {...start, peerId: start.id},
        near,
        limits.joinWalk,
        random,
      );
      if (!far) continue;
      const farList = await survey.listOf(far);
      if (farList.length < deps.maxPeers) continue;
      // The G of F's whose place B takes: leaving A–F least redundant.
      const others = farList.filter((entry) => !nearDrop.has(entry.peerId));
      if (others.length === 0) continue;
      await Promise.all(farList.map((entry) => survey.listOf(entry)));
      const better = others
        .map((candidate) => ({
          farDrop: candidate.peerId,
          overlap: view.overlapInstead(
            drop.id,
            survey.ballOf(far.peerId, 2, candidate.peerId),
          ),
        }))
        .filter((candidate) => candidate.overlap < redundant.overlap)
        .sort((a, b) => a.overlap - b.overlap);
      if (better.length > 0) {
        const farPeer = {id: far.peerId, host: far.host, port: far.port};
        return better
          .slice(0, CEDES_TRIED)
          .map(({farDrop}) => ({drop, far: farPeer, farDrop}));
      }
    }
    return [];
  }

  /** CEDE to B, SWAP to F; on a lost answer, whatever the others did is followed. */
  private async make({drop, far, farDrop}: Trade): Promise<Outcome> {
    const {deps, limits, remote, neighbours} = this.context;
    const table = neighbours.table;
    const self = deps.self();
    if (!table.has(drop.id) || table.has(far.id)) return false;
    const timeoutMs = limits.handoverTimeoutMs;
    const ceded = await deps
      .request(
        drop,
        OverlayMessageType.cede,
        formatCede({fromId: self.id, newcomerId: farDrop, newcomerDrops: far.id}),
        {
          // B checks its side first (LISTs), as F does for SWAP.
          timeoutMs: 4 * timeoutMs,
          background: true,
        },
      )
      .catch((error: unknown) => error as Error);
    if (ceded instanceof Error) return false;
    if (!ceded[0]) {
      table.markOriginal(drop.id);
      return false;
    }
    if (ceded[0].type !== MessageType.reply) {
      const text = ceded[0].data.toString('utf8');
      if (text === CedeText.busy) return 'busy';
      return text === CedeText.noBetter ? 'no better' : false;
    }
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
    const refusal = answer instanceof Error ? '' : answer[0]?.data.toString('utf8');
    return refusal === SwapText.busy ? 'busy' : false;
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
    // G's id names its address.
    const address = parsePeerId(cede.newcomerId);
    const newcomer = address && {peerId: cede.newcomerId, ...address};
    if (
      !newcomer ||
      !(await noMoreRedundant(this.context, from.id, newcomer, cede.newcomerDrops))
    ) {
      return reply.send(MessageType.error, CedeText.noBetter);
    }
    // Valid for the whole trade: the SWAP's checks, its HAND and its JOIN.
    const at = now();
    this.cedes.expect(from.id, cede.newcomerId, at + 4 * limits.handoverTimeoutMs, at);
    return reply.send(MessageType.reply, CedeText.expecting(cede.newcomerId));
  }
}
