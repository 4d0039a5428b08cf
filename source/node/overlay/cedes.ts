/**
 * Slots that neighbours ceded (CEDE, see rewiring.ts): neighbour X will
 * leave this node for a better placed link, and the peer N it names may
 * JOIN in X's place while this node is full. One per neighbour, each for a
 * limited time, taken once.
 */
export class Cedes {
  private readonly byNewcomer = new Map<string, {fromId: string; until: number}>();

  expect(fromId: string, newcomerId: string, until: number, now: number): void {
    for (const [newcomer, cede] of this.byNewcomer) {
      if (cede.fromId === fromId || cede.until < now) this.byNewcomer.delete(newcomer);
    }
    this.byNewcomer.set(newcomerId, {fromId, until});
  }

  /** The neighbour that ceded its slot to `newcomerId`, if still valid; once. */
  take(newcomerId: string, now: number): string | undefined {
    const cede = this.byNewcomer.get(newcomerId);
    this.byNewcomer.delete(newcomerId);
    return cede && cede.until >= now ? cede.fromId : undefined;
  }
}
