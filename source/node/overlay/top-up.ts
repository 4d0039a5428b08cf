/**
 * The background top-up (docs/overlay.md, "Topping up in the background"):
 * while below max-peers, one look per tick for another neighbour, paced by
 * TopUpPacer.
 */
import type {LinkFinder} from './link-finder.js';
import {pick, type OverlayContext} from './overlay-context.js';
import {askList, askName} from './remote-peer.js';
import {TopUpPacer} from './top-up-pacer.js';

export class TopUp {
  private readonly pacer: TopUpPacer;
  private running = false;
  /** Near peers the top-up passed over in a row (see LinkFinder.nearbyRule). */
  private readonly nearSkipped = {count: 0};

  constructor(
    private readonly context: OverlayContext,
    private readonly finder: LinkFinder,
  ) {
    this.pacer = new TopUpPacer(context.limits.topUpBackoff);
  }

  /** A slot became free: the next tick looks at once. */
  wake(): void {
    this.pacer.reset();
  }

  /**
   * One background look for another neighbour, while below max-peers: a
   * random walk from a random neighbour, then NAME, LIST and JOIN the peer
   * it offers. One look at a time.
   */
  async tick(): Promise<void> {
    const {deps, neighbours} = this.context;
    const table = neighbours.table;
    // An unlimited peer list (max-peers 0) has no slot to fill.
    if (deps.maxPeers === 0 || table.room() === 0 || table.size === 0) return;
    if (!deps.isOpen()) return;
    if (this.running || !this.pacer.mayLook()) return;
    this.running = true;
    try {
      if (await this.lookForNeighbour()) this.pacer.found();
      else this.pacer.foundNone();
    } finally {
      this.running = false;
    }
  }

  private async lookForNeighbour(): Promise<boolean> {
    const {deps, limits, remote, neighbours, random} = this.context;
    const via = pick(random, neighbours.table.list());
    if (!via) return false;
    const candidate = await this.finder.randomWalk(
      {...via, peerId: via.id},
      {budget: limits.joinWalk},
    );
    if (!candidate) return false;
    const peerId = await askName(remote, candidate, 'top-up: cannot reach');
    if (peerId !== candidate.peerId || neighbours.table.has(peerId)) return false;
    const selfId = deps.self().id;
    const theirs = (await askList(remote, candidate)).filter(
      (peer) => peer.peerId !== selfId,
    );
    if (!(await this.finder.nearbyRule(this.nearSkipped).accepts(peerId, theirs))) {
      return false;
    }
    if (!this.finder.worthJoining(theirs.length)) return false;
    return (await this.finder.join(candidate, peerId)) === 'joined';
  }
}
