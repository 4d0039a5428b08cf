/**
 * Text mode prints a transfer's progress at most once per interval (JSON gets
 * every update). A transfer that ended is forgotten, so a long-running
 * headless node does not remember every transfer it ever ran.
 */
export class ProgressThrottle {
  private readonly lastPrinted = new Map<number, number>();

  constructor(
    private readonly intervalMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this progress update of transfer `id` is printed. */
  admit(id: number): boolean {
    const now = this.now();
    if (now - (this.lastPrinted.get(id) ?? Number.NEGATIVE_INFINITY) < this.intervalMs) {
      return false;
    }
    this.lastPrinted.set(id, now);
    return true;
  }

  /** The transfer ended: no more progress to throttle. */
  forget(id: number): void {
    this.lastPrinted.delete(id);
  }

  /** How many transfers it remembers. */
  get size(): number {
    return this.lastPrinted.size;
  }
}
