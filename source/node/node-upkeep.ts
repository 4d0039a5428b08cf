/**
 * The node's timed work while it is open: the stabilizer (liveness of the
 * neighbours and owners, query tables), the top-up (more or better placed
 * neighbours), and telling the neighbours, once per burst, that this node's
 * shares changed. The timers never keep the process alive.
 */

/** A burst of shared files (a walk, downloads) is announced to the neighbours once. */
export const SHARES_CHANGED_DELAY_MS = 200;

export type UpkeepTasks = {
  /**
   * The stabilizer's checks, run together every `stabilizeIntervalMs` (0:
   * never): liveness of the neighbours and of the other owners, query tables.
   */
  stabilize: ReadonlyArray<() => Promise<void>>;
  /** Every `topUpIntervalMs` (0: never). */
  topUp: () => Promise<void>;
  /** Tells the neighbours this node's shares changed. */
  announceShares: () => Promise<void>;
  isOpen: () => boolean;
};

export type UpkeepIntervals = {
  stabilizeIntervalMs: number;
  topUpIntervalMs: number;
};

export class NodeUpkeep {
  private stabilizer: NodeJS.Timeout | undefined;
  private topUpTimer: NodeJS.Timeout | undefined;
  private sharesChangedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervals: UpkeepIntervals,
    private readonly tasks: UpkeepTasks,
  ) {}

  /** Starts the periodic work (once the node listens). */
  start(): void {
    this.stabilizer = repeat(() => this.checkPeers(), this.intervals.stabilizeIntervalMs);
    this.topUpTimer = repeat(this.tasks.topUp, this.intervals.topUpIntervalMs);
  }

  /** One run of the stabilizer's checks (also the user's refresh). */
  checkPeers(): Promise<void> {
    return Promise.all(this.tasks.stabilize.map((check) => check())).then(() => {});
  }

  /** Shares changed (a share added, a download done): neighbours told soon, once per burst. */
  sharesChanged(): void {
    if (this.sharesChangedTimer || !this.tasks.isOpen()) return;
    this.sharesChangedTimer = setTimeout(() => {
      this.sharesChangedTimer = undefined;
      void this.tasks.announceShares();
    }, SHARES_CHANGED_DELAY_MS);
    this.sharesChangedTimer.unref();
  }

  stop(): void {
    clearInterval(this.stabilizer);
    clearInterval(this.topUpTimer);
    clearTimeout(this.sharesChangedTimer);
  }
}

function repeat(
  task: () => Promise<void>,
  intervalMs: number,
): NodeJS.Timeout | undefined {
  if (!(intervalMs > 0)) return undefined;
  const timer = setInterval(() => void task(), intervalMs);
  timer.unref();
  return timer;
}
