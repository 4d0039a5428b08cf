import type {FrameClock} from '../../source/ui/stores/frame-clock.js';

type Timer = {at: number; order: number; callback: () => void};

/** A FrameClock that moves only when told: batching and ticks become exact. */
export class ManualClock implements FrameClock {
  private time = 0;
  private order = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): () => void {
    const timer = {at: this.time + ms, order: this.order++, callback};
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((other) => other !== timer));
  }

  /** Moves time on by `ms`, running each timer that falls due at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }

  /** Timers not run yet. */
  get pending(): number {
    return this.timers.length;
  }
}
