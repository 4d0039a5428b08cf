/**
 * How often a node below max-peers looks for more neighbours in the
 * background: once per tick while it finds some; after looks that find no
 * one it skips 1, 3, 7, … ticks, at most `maxSkip`, so a network in which
 * everyone is full is not asked again and again. A lost neighbour resets it.
 */
export class TopUpPacer {
  private failures = 0;
  private skip = 0;

  constructor(private readonly maxSkip: number) {}

  /** Called on each tick: true when this tick may look. */
  mayLook(): boolean {
    if (this.skip === 0) return true;
    this.skip--;
    return false;
  }

  found(): void {
    this.reset();
  }

  foundNone(): void {
    this.failures = Math.min(this.failures + 1, 30);
    this.skip = Math.min(2 ** this.failures - 1, this.maxSkip);
  }

  reset(): void {
    this.failures = 0;
    this.skip = 0;
  }
}
