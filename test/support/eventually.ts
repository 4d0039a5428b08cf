/**
 * The one way tests wait for a state they cannot be told about: check it
 * again and again until it holds. Never a fixed sleep.
 */
import {setTimeout as delay} from 'node:timers/promises';

export const EVENTUALLY_TIMEOUT_MS = 10_000;

export type EventuallyOptions = {
  /** Give up after this long (default 10 s: CI machines are busy). */
  timeoutMs?: number;
  /** Time between two checks (default 10 ms). */
  intervalMs?: number;
};

/**
 * Resolves with the first value of `check` other than undefined or false;
 * rejects after the timeout with `what` (a function is asked at that moment,
 * so it can describe the last state seen).
 */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string | Promise<string>),
  {timeoutMs = EVENTUALLY_TIMEOUT_MS, intervalMs = 10}: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) {
      const description = typeof what === 'string' ? what : await what();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    }
    await delay(intervalMs);
  }
}
