/** The time and the timers a store batches frames with; tests pass a manual one. */
export type FrameClock = {
  now(): number;
  /** Calls `callback` once after `ms`; returns a function that cancels it. */
  after(ms: number, callback: () => void): () => void;
};

/** The real clock; its timers never keep the process alive. */
export const SYSTEM_CLOCK: FrameClock = {
  now: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
