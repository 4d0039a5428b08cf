/**
 * What a node sees of the overlay around it from LIST answers: its
 * neighbours' peers and their peers' peers, three hops deep. From that it
 * tells which neighbour is the most redundant: the one whose own
 * two-hop neighbourhood this node reaches anyway within three hops through
 * its other neighbours. Such overlap is what short cycles cost a query's
 * four hops (docs/overlay.md, "Rewiring").
 */
export type PeerLists = ReadonlyMap<string, readonly string[]>;

/** Nodes within `hops` of `start` along `lists`, never through `avoid`. */
export function ballAround(
  lists: PeerLists,
  start: string,
  hops: number,
  avoid?: string,
): Set<string> {
  const reached = new Set([start]);
  let frontier = [start];
  for (let hop = 0; hop < hops; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const peer of lists.get(id) ?? []) {
        if (peer === avoid || reached.has(peer)) continue;
        reached.add(peer);
        next.push(peer);
      }
    }
    frontier = next;
  }
  return reached;
}

export class LocalView {
  private readonly lists: Map<string, readonly string[]>;

  /** `lists`: the LIST of each neighbour and of each of their peers. */
  constructor(
    private readonly selfId: string,
    private readonly neighbourIds: readonly string[],
    lists: PeerLists,
  ) {
    this.lists = new Map(lists);
    this.lists.set(selfId, neighbourIds);
  }

  /** Nodes within `hops` (at most 3) of this node. */
  within(hops: number): Set<string> {
    return ballAround(this.lists, this.selfId, hops);
  }

  /** Nodes within 3 hops of this node through neighbours other than `dropId`. */
  private reachedWithout(dropId: string): Set<string> {
    const others = this.neighbourIds.filter((id) => id !== dropId);
    return ballAround(
      new Map([...this.lists, [this.selfId, others]]),
      this.selfId,
      3,
      dropId,
    );
  }

  /** How many of the nodes within 2 hops of `neighbourId` (not through us) we reach anyway. */
  overlap(neighbourId: string): number {
    const reached = this.reachedWithout(neighbourId);
    const beyond = ballAround(this.lists, neighbourId, 2, this.selfId);
    return [...beyond].filter((id) => reached.has(id)).length;
  }

  /** The neighbour with the most overlap among `candidates`, if any overlaps. */
  mostRedundant(
    candidates: readonly string[],
  ): {id: string; overlap: number} | undefined {
    let best: {id: string; overlap: number} | undefined;
    for (const id of candidates) {
      const overlap = this.overlap(id);
      if (overlap > 0 && (!best || overlap > best.overlap)) best = {id, overlap};
    }
    return best;
  }

  /**
   * The overlap a new neighbour would have in place of `dropId`, given the
   * nodes within 2 hops of it (not through us) once the trade is done.
   */
  overlapInstead(dropId: string, itsNeighbourhood: Iterable<string>): number {
    const reached = this.reachedWithout(dropId);
    let overlap = 0;
    for (const id of itsNeighbourhood) if (reached.has(id)) overlap++;
    return overlap;
  }
}
